import Geometry

/// How far a localized camera pose is from the ground truth, both `cameraFromLandmark`
/// (OpenCV camera axes from the landmark frame, metres).
public struct QueryPoseError: Sendable, Equatable, Codable {
    /// Distance between the camera centres, metres.
    public var centreMetres: Double
    /// Angle between the rotations, degrees.
    public var rotationDegrees: Double

    public init(cameraFromLandmark estimate: Rigid3, truth: Rigid3) {
        centreMetres = distance(estimate.centerOfTargetInSource, truth.centerOfTargetInSource)
        rotationDegrees = Quaternion.angleBetween(estimate.rotation, truth.rotation) * 180 / .pi
    }

    /// Within 5 cm and 0.5°: close enough to keep a performer on its roof.
    public var isAccurate: Bool { centreMetres <= 0.05 && rotationDegrees <= 0.5 }
    /// More than 1 m or 5° off: a wrong pose reported as localized.
    public var isWrong: Bool { centreMetres > 1 || rotationDegrees > 5 }
}
