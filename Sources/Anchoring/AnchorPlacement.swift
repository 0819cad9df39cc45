import Foundation
import Geometry
import LandmarkMap
import Estimators

/// Where an anchor goes: its pose and the surface it was snapped to.
///
/// `landmarkFromAnchor` maps anchor coordinates into the landmark frame. The anchor frame
/// follows glTF: +Y is the anchor's up, +Z its forward (the way a character placed on it
/// faces), +X = Y × Z.
public struct AnchorPlacement: Sendable, Equatable {
    public var landmarkFromAnchor: Rigid3
    /// The fitted surface the anchor stands on (normal pointing to the side it stands on).
    public var surface: Plane
    /// Map points that support the surface fit.
    public var supportPoints: Int
    /// RMS distance of the supporting points to the surface, in map units.
    public var rmsDistance: Double

    public var position: Vec3 { landmarkFromAnchor.translation }
    public var up: Vec3 { landmarkFromAnchor.rotation * Vec3(0, 1, 0) }
    public var forward: Vec3 { landmarkFromAnchor.rotation * Vec3(0, 0, 1) }
}

/// Why an anchor could not be placed. The map is never changed by a failed placement.
public enum AnchorPlacementError: Error, CustomStringConvertible, Equatable {
    case keyframeNotFound(String)
    case pixelOutsideImage(x: Double, y: Double, width: Int, height: Int)
    case rayHitsNothing(x: Double, y: Double, reason: String)
    case noSurfaceNear(Vec3, reason: String)
    case invalidValue(String)

    public var description: String {
        switch self {
        case .keyframeNotFound(let name):
            "no registered image named '\(name)' in the map (see `landmark info --json` for the keyframes)"
        case .pixelOutsideImage(let x, let y, let w, let h):
            "pixel (\(x), \(y)) is outside the \(w)×\(h) image"
        case .rayHitsNothing(let x, let y, let reason):
            "the ray through pixel (\(x), \(y)) hits no reconstructed surface: \(reason)"
        case .noSurfaceNear(let p, let reason):
            "no reconstructed surface near (\(p.x), \(p.y), \(p.z)): \(reason)"
        case .invalidValue(let what): what
        }
    }
}

/// Options shared by both ways of placing an anchor.
public struct AnchorPlacementOptions: Sendable {
    /// Yaw in degrees about the anchor's up; nil faces the capture cameras. With a
    /// gravity-aligned up, yaw 0 faces the landmark's +Z and 90 faces its +X.
    public var yawDegrees: Double?
    /// A surface within this angle of horizontal takes gravity (landmark +Y) as up, when the
    /// map is gravity-aligned (metric, or levelled from its cameras); otherwise up is the surface normal.
    public var horizontalToleranceDegrees: Double = 30
    /// Up is gravity (landmark +Y) whatever the surface's tilt, on a gravity-aligned map: for a
    /// performer standing at the edge of a ledge whose narrow top holds no map points (the
    /// ray then meets the ledge's face just below its edge).
    public var upright: Bool = false
    /// Fewest map points that must support a surface.
    public var minSupportPoints: Int = 8
    /// Plane inlier distance as a fraction of the median camera-to-point depth (scale-free).
    public var relativeInlierDistance: Double = 0.004
    public var seed: UInt64 = 0

    public init(yawDegrees: Double? = nil) { self.yawDegrees = yawDegrees }
}

public enum AnchorPlacer {
    /// Places an anchor where the ray through `pixel` of the registered image `imageName`
    /// meets the reconstructed surface: the map points seen around that pixel are fitted
    /// with a robust plane (points nearest the pixel weigh most), and the ray is intersected
    /// with it.
    /// - Parameters:
    ///   - imageName: a keyframe's name; a path ending in the name also matches (`images/0003.png`).
    ///   - pixel: in that image's pixels (OpenCV convention, x right, y down).
    public static func place(in map: FeatureMap, imageName: String, pixel: Vec2,
                             options: AnchorPlacementOptions = .init()) throws -> AnchorPlacement {
        guard pixel.x.isFinite, pixel.y.isFinite else { throw AnchorPlacementError.invalidValue("pixel must be finite") }
        guard let keyframe = findKeyframe(imageName, in: map),
              let camera = map.camera(id: keyframe.cameraID)?.intrinsics else {
            throw AnchorPlacementError.keyframeNotFound(imageName)
        }
        guard pixel.x >= 0, pixel.y >= 0, pixel.x < Double(camera.width), pixel.y < Double(camera.height) else {
            throw AnchorPlacementError.pixelOutsideImage(x: pixel.x, y: pixel.y, width: camera.width, height: camera.height)
        }
        let cameraFromLandmark = keyframe.cameraFromLandmark
        let landmarkFromCamera = cameraFromLandmark.inverse
        let origin = keyframe.center
        let direction = normalize(landmarkFromCamera.rotation * camera.ray(through: pixel))

        // Map points in front of the camera, with their pixel distance to the click. Points the
        // image itself observed are visible there by construction; points seen only elsewhere
        // may lie behind the surface under the pixel, so they are used only for sparse images.
        let observed = map.points.indices.filter { i in map.points[i].observations.contains { $0.keyframeID == keyframe.id } }
        let pool = observed.count >= 50 ? observed : Array(map.points.indices)
        var candidates: [(index: Int, pixelDistance: Double, depth: Double)] = []
        for i in pool {
            let point = map.points[i]
            let pc = cameraFromLandmark * point.position
            guard let px = camera.project(pc) else { continue }
            candidates.append((i, length(px - pixel), pc.z))
        }
        guard !candidates.isEmpty else {
            throw AnchorPlacementError.rayHitsNothing(x: pixel.x, y: pixel.y, reason: "no map point is in front of this camera")
        }
        // Grow the window until enough points support a surface the ray meets.
        var radius = 20.0
        var lastReason = "fewer than \(options.minSupportPoints) map points around the pixel"
        while radius <= Double(max(camera.width, camera.height)) / 3 {
            let window = candidates.filter { $0.pixelDistance <= radius }
            defer { radius *= 1.6 }
            guard window.count >= options.minSupportPoints else { continue }
            let depths = window.map(\.depth).sorted()
            let medianDepth = depths[depths.count / 2]
            let points = window.map { map.points[$0.index].position }
            let weights = window.map { 1 / (1 + ($0.pixelDistance / (radius / 3)) * ($0.pixelDistance / (radius / 3))) }
            let fitOptions = PlaneFitOptions(maxDistance: options.relativeInlierDistance * medianDepth, seed: options.seed)
            guard let fit = fitPlane(points: points, weights: weights, options: fitOptions),
                  fit.inliers.count >= options.minSupportPoints else { continue }
            // The surface must hold the points nearest the click, not a neighbouring one.
            let nearest = window.indices.sorted { window[$0].pixelDistance < window[$1].pixelDistance }.prefix(5)
            let inlierSet = Set(fit.inliers)
            let closeRadius = max(25, 0.04 * Double(max(camera.width, camera.height)))
            guard nearest.filter({ inlierSet.contains($0) && window[$0].pixelDistance <= closeRadius }).count >= 3 else {
                lastReason = "the points around the pixel do not lie on one surface"
                continue
            }
            guard let hit = fit.plane.intersect(origin: origin, direction: direction) else {
                lastReason = "the fitted surface is parallel to the ray or behind the camera"
                continue
            }
            var normal = fit.plane.normal
            if dot(normal, origin - hit) < 0 { normal = -normal }   // the side the camera sees
            let surface = Plane(point: hit, normal: normal)
            let pose = orientation(at: hit, surfaceNormal: normal, map: map, facing: origin, options: options)
            return AnchorPlacement(landmarkFromAnchor: pose, surface: surface,
                                   supportPoints: fit.inliers.count, rmsDistance: fit.rmsDistance)
        }
        throw AnchorPlacementError.rayHitsNothing(x: pixel.x, y: pixel.y, reason: lastReason)
    }

    /// Places an anchor at `point` snapped onto the reconstructed surface below (or above) it:
    /// the map points around it are fitted with a robust plane and the point moves along up
    /// (gravity for a metric map) onto that plane.
    public static func place(in map: FeatureMap, near point: Vec3,
                             options: AnchorPlacementOptions = .init()) throws -> AnchorPlacement {
        guard point.isFinite else { throw AnchorPlacementError.invalidValue("the anchor position must be finite") }
        guard !map.points.isEmpty else { throw AnchorPlacementError.noSurfaceNear(point, reason: "the map has no points") }
        let scene = sceneSize(map)
        let up = Vec3.up
        // Horizontal distance (perpendicular to up) from the query point.
        let distances = map.points.map { p -> Double in
            let d = p.position - point
            return length(d - up * dot(d, up))
        }
        var radius = 0.01 * scene
        while radius <= 0.25 * scene {
            defer { radius *= 1.6 }
            let near = distances.indices.filter { distances[$0] <= radius }
            guard near.count >= options.minSupportPoints else { continue }
            let points = near.map { map.points[$0].position }
            let weights = near.map { 1 / (1 + (distances[$0] / (radius / 3)) * (distances[$0] / (radius / 3))) }
            // Points under the query point: keep the surface nearest to it along up.
            guard let fit = fitPlane(points: points, weights: weights,
                                     options: PlaneFitOptions(maxDistance: 0.002 * scene, seed: options.seed)),
                  fit.inliers.count >= options.minSupportPoints else { continue }
            let plane = fit.plane
            let along = dot(up, plane.normal)
            guard abs(along) > 0.2 else { continue }   // a wall: nothing to stand on along up
            let s = -plane.signedDistance(point) / along
            let hit = point + up * s
            var normal = plane.normal
            if dot(normal, up) < 0 { normal = -normal }
            let cameras = map.keyframes.map(\.center)
            let facing = cameras.isEmpty ? hit + Vec3(0, 0, 1) : cameras.reduce(Vec3.zero, +) / Double(cameras.count)
            let pose = orientation(at: hit, surfaceNormal: normal, map: map, facing: facing, options: options)
            return AnchorPlacement(landmarkFromAnchor: pose, surface: Plane(point: hit, normal: normal),
                                   supportPoints: fit.inliers.count, rmsDistance: fit.rmsDistance)
        }
        throw AnchorPlacementError.noSurfaceNear(point, reason: "fewer than \(options.minSupportPoints) map points on a surface within \(String(format: "%.2f", 0.25 * scene)) map units")
    }

    // MARK: - Helpers

    static func findKeyframe(_ name: String, in map: FeatureMap) -> Keyframe? {
        if let k = map.keyframes.first(where: { $0.name == name }) { return k }
        let base = (name as NSString).lastPathComponent
        return map.keyframes.first { $0.name == base || name.hasSuffix("/" + $0.name) || ($0.name as NSString).lastPathComponent == base }
    }

    /// A scale for scale-free thresholds: the spread of the camera centres and points.
    static func sceneSize(_ map: FeatureMap) -> Double {
        let positions = map.points.map(\.position) + map.keyframes.map(\.center)
        guard let first = positions.first else { return 1 }
        var lo = first, hi = first
        for p in positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        return max(length(hi - lo), 1e-6)
    }

    /// The anchor's rotation: up is gravity on near-horizontal surfaces of a metric map (on any
    /// surface with `upright`), else the surface normal; forward is the given yaw, or faces `facing` (a camera centre).
    static func orientation(at position: Vec3, surfaceNormal: Vec3, map: FeatureMap, facing: Vec3,
                            options: AnchorPlacementOptions) -> Rigid3 {
        let tolerance = options.horizontalToleranceDegrees * .pi / 180
        let nearHorizontal = acos(min(1, abs(dot(surfaceNormal, .up)))) <= tolerance
        let up = (map.metadata.isGravityAligned && (nearHorizontal || options.upright)) ? Vec3.up : surfaceNormal
        func onPlane(_ v: Vec3) -> Vec3 { v - up * dot(v, up) }
        var reference = onPlane(Vec3(0, 0, 1))
        if length(reference) < 1e-6 { reference = onPlane(Vec3(1, 0, 0)) }
        reference = normalize(reference)
        var forward: Vec3
        if let yaw = options.yawDegrees {
            forward = Quaternion(axis: up, angle: yaw * .pi / 180) * reference
        } else {
            forward = onPlane(facing - position)
            if length(forward) < 1e-9 { forward = reference }
        }
        forward = normalize(forward)
        let x = normalize(cross(up, forward))
        return Rigid3(rotation: Matrix3(columns: x, up, cross(x, up)), translation: position)
    }
}

extension AnchorPlacement {
    /// The stored form of this placement under `name`.
    public func anchor(named name: String, createdAt: Double = Date().timeIntervalSince1970) -> Anchor {
        Anchor(name: name, landmarkFromAnchor: landmarkFromAnchor, surfacePoint: surface.point,
               surfaceNormal: surface.normal, createdAt: createdAt)
    }
}

extension Anchor {
    /// Anchor → camera for a camera localized at `cameraFromLandmark` (OpenCV camera axes):
    /// what an AR client needs to draw content standing on the anchor.
    public func cameraFromAnchor(_ cameraFromLandmark: Rigid3) -> Rigid3 {
        cameraFromLandmark * landmarkFromAnchor
    }
}
