import CVBridge
import Geometry
import Imaging

/// The relative pose of two calibrated views.
public struct RelativePose: Sendable, Equatable {
    /// Camera 1 → camera 2, with ‖translation‖ = 1 (the scale is unobservable).
    public var camera2FromCamera1: Rigid3
    /// One flag per correspondence: an inlier of the essential matrix in front of both cameras.
    public var inliers: [Bool]
    public var inlierCount: Int
}

/// A robustly estimated 3×3 model (fundamental matrix or homography) with its inliers.
public struct TwoViewModel: Sendable, Equatable {
    public var matrix: Matrix3
    public var inliers: [Bool]
    public var inlierCount: Int
}

private func flatten(_ p: [Vec2]) -> [Double] { p.flatMap { [$0.x, $0.y] } }

private func checkPairs(_ a: [Vec2], _ b: [Vec2], needed: Int, what: String) throws {
    guard a.count == b.count else { throw VisionError.invalidInput("\(a.count) vs \(b.count) points in \(what)") }
    guard a.count >= needed else { throw VisionError.notEnoughData(what, count: a.count, needed: needed) }
}

/// Essential matrix with USAC (MAGSAC++) between two calibrated cameras, then the relative
/// pose by the cheirality check. Pixels should be undistorted (distortion is not modelled).
public func estimateRelativePose(_ pixels1: [Vec2], _ pixels2: [Vec2], intrinsics1: CameraIntrinsics,
                                 intrinsics2: CameraIntrinsics,
                                 options: RansacOptions = RansacOptions(maxErrorPixels: 2)) throws -> RelativePose {
    try checkPairs(pixels1, pixels2, needed: 5, what: "essential-matrix correspondences")
    try options.validate()
    var R = [Double](repeating: 0, count: 9), t = [Double](repeating: 0, count: 3)
    var mask = [UInt8](repeating: 0, count: pixels1.count)
    var count: Int32 = 0
    var opts = options.bridge
    let status = cvb_estimate_relative_pose(flatten(pixels1), flatten(pixels2), Int32(pixels1.count),
                                            intrinsics1.matrix.array, intrinsics2.matrix.array, &opts, &R, &t, &mask, &count)
    try VisionError.check(status, "cvb_estimate_relative_pose")
    return RelativePose(camera2FromCamera1: Rigid3(rotation: Matrix3(R), translation: Vec3(t[0], t[1], t[2])),
                        inliers: mask.map { $0 != 0 }, inlierCount: Int(count))
}

/// Fundamental matrix with USAC (MAGSAC++): x2ᵀ F x1 = 0 for uncalibrated pixels.
public func estimateFundamental(_ pixels1: [Vec2], _ pixels2: [Vec2],
                                options: RansacOptions = RansacOptions(maxErrorPixels: 2)) throws -> TwoViewModel {
    try checkPairs(pixels1, pixels2, needed: 8, what: "fundamental-matrix correspondences")
    try options.validate()
    var F = [Double](repeating: 0, count: 9)
    var mask = [UInt8](repeating: 0, count: pixels1.count)
    var count: Int32 = 0
    var opts = options.bridge
    let status = cvb_estimate_fundamental(flatten(pixels1), flatten(pixels2), Int32(pixels1.count), &opts, &F, &mask, &count)
    try VisionError.check(status, "cvb_estimate_fundamental")
    return TwoViewModel(matrix: Matrix3(F), inliers: mask.map { $0 != 0 }, inlierCount: Int(count))
}

/// Homography with USAC: x2 ~ H x1 (planar scenes or pure rotation).
public func estimateHomography(_ pixels1: [Vec2], _ pixels2: [Vec2],
                               options: RansacOptions = RansacOptions(maxErrorPixels: 4)) throws -> TwoViewModel {
    try checkPairs(pixels1, pixels2, needed: 4, what: "homography correspondences")
    try options.validate()
    var H = [Double](repeating: 0, count: 9)
    var mask = [UInt8](repeating: 0, count: pixels1.count)
    var count: Int32 = 0
    var opts = options.bridge
    let status = cvb_estimate_homography(flatten(pixels1), flatten(pixels2), Int32(pixels1.count), &opts, &H, &mask, &count)
    try VisionError.check(status, "cvb_estimate_homography")
    return TwoViewModel(matrix: Matrix3(H), inliers: mask.map { $0 != 0 }, inlierCount: Int(count))
}
