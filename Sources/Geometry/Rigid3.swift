/// A rigid transform between two frames, named by its direction: a value called
/// `bFromA` maps a point in frame A into frame B:
///
///     x_in_b = rotation * x_in_a + translation
///
/// Compose as `cFromA = cFromB * bFromA`; `bFromA.inverse` is `aFromB`.
/// Example: `cameraFromLandmark` takes landmark points (metres, Y up) into OpenCV camera
/// axes (x right, y down, z forward), as COLMAP's `cam_from_world`.
public struct Rigid3: Equatable, Sendable, Codable {
    public var rotation: Quaternion
    public var translation: Vec3

    public init(rotation: Quaternion = .identity, translation: Vec3 = .zero) {
        self.rotation = rotation
        self.translation = translation
    }
    public init(rotation: Matrix3, translation: Vec3) {
        self.init(rotation: Quaternion(rotation), translation: translation)
    }
    public static let identity = Rigid3()

    public var inverse: Rigid3 {
        let r = rotation.inverse
        return Rigid3(rotation: r, translation: -(r * translation))
    }
    /// For `cameraFromWorld`, the camera centre in world coordinates.
    public var originOfSourceInTarget: Vec3 { translation }
    /// For `cameraFromWorld`, the camera centre in world coordinates: −Rᵀ t.
    public var centerOfTargetInSource: Vec3 { -(rotation.inverse * translation) }

    public func apply(_ p: Vec3) -> Vec3 { rotation * p + translation }
    public static func * (cFromB: Rigid3, bFromA: Rigid3) -> Rigid3 {
        Rigid3(rotation: (cFromB.rotation * bFromA.rotation).normalized,
               translation: cFromB.rotation * bFromA.translation + cFromB.translation)
    }
    public static func * (bFromA: Rigid3, p: Vec3) -> Vec3 { bFromA.apply(p) }

    /// A 4×4 column-major matrix (as glTF stores node matrices).
    public var columnMajor4x4: [Double] {
        let m = rotation.matrix
        return [m[0, 0], m[1, 0], m[2, 0], 0, m[0, 1], m[1, 1], m[2, 1], 0,
                m[0, 2], m[1, 2], m[2, 2], 0, translation.x, translation.y, translation.z, 1]
    }
}

/// A similarity transform `x_in_b = scale * rotation * x_in_a + translation`, named by
/// direction like `Rigid3` (e.g. `metricFromMap`).
public struct Sim3: Equatable, Sendable, Codable {
    public var scale: Double
    public var rotation: Quaternion
    public var translation: Vec3

    public init(scale: Double = 1, rotation: Quaternion = .identity, translation: Vec3 = .zero) {
        self.scale = scale; self.rotation = rotation; self.translation = translation
    }
    public static let identity = Sim3()

    public func apply(_ p: Vec3) -> Vec3 { rotation * p * scale + translation }
    public var inverse: Sim3 {
        let r = rotation.inverse
        return Sim3(scale: 1 / scale, rotation: r, translation: -(r * translation) / scale)
    }
    public static func * (cFromB: Sim3, bFromA: Sim3) -> Sim3 {
        Sim3(scale: cFromB.scale * bFromA.scale,
             rotation: (cFromB.rotation * bFromA.rotation).normalized,
             translation: cFromB.apply(bFromA.translation))
    }
    /// Moves a camera pose through this similarity: given `cameraFromA` and `self = bFromA`,
    /// returns `cameraFromB` (the camera keeps its metric-free rotation; translation is scaled).
    public func transformCameraPose(_ cameraFromA: Rigid3) -> Rigid3 {
        // cameraFromB(x_b) = cameraFromA(aFromB(x_b)) up to scale: the camera centre moves
        // with the similarity, the rotation composes with its inverse.
        let rotation = (cameraFromA.rotation * self.rotation.inverse).normalized
        let centerA = cameraFromA.centerOfTargetInSource
        let centerB = apply(centerA)
        return Rigid3(rotation: rotation, translation: -(rotation * centerB))
    }
}

extension Rigid3 {
    /// `cameraFromWorld` of a camera (OpenCV axes) at `eye` looking at `target` with the world's +Y up above the
    /// image centre, rolled by `roll` radians about its optical axis.
    public static func cameraLookingAt(eye: Vec3, target: Vec3, roll: Double = 0) -> Rigid3 {
        let forward = normalize(target - eye)
        var right = cross(forward, .up)
        if length(right) < 1e-9 { right = Vec3(1, 0, 0) }
        right = normalize(right)
        let down = cross(forward, right)
        var r = Matrix3(rows: right, down, forward)   // rows: camera axes in world coordinates
        if roll != 0 { r = Quaternion(axis: Vec3(0, 0, 1), angle: roll).matrix * r }
        return Rigid3(rotation: r, translation: -(r * eye))
    }
}
