import CVBridge
import Geometry
import Imaging

/// A camera pose found from 2D–3D correspondences.
public struct AbsolutePose: Sendable, Equatable {
    /// World → camera (OpenCV axes: x right, y down, z forward).
    public var cameraFromWorld: Rigid3
    /// One flag per correspondence: within the threshold after refinement.
    public var inliers: [Bool]
    public var inlierCount: Int
}

/// Estimates a camera pose from 2D–3D correspondences: P3P minimal samples in USAC
/// (MAGSAC++ scoring; classic RANSAC with AP3P as a fallback), then Levenberg–Marquardt
/// refinement on the inliers with the full camera model (distortion included).
/// - Parameters:
///   - points3D: world points (any unit), one per correspondence.
///   - pixels: observed pixels in `intrinsics`' image, one per correspondence.
///   - initialGuess: a `cameraFromWorld` to start from; nil for none.
/// - Throws: `.notEnoughData` below 4 correspondences, `.bridge` when no pose is found.
public func estimateAbsolutePose(points3D: [Vec3], pixels: [Vec2], intrinsics: CameraIntrinsics,
                                 options: RansacOptions = RansacOptions(),
                                 initialGuess: Rigid3? = nil) throws -> AbsolutePose {
    guard points3D.count == pixels.count else {
        throw VisionError.invalidInput("\(points3D.count) 3D points but \(pixels.count) pixels")
    }
    guard points3D.count >= 4 else { throw VisionError.notEnoughData("PnP correspondences", count: points3D.count, needed: 4) }
    try options.validate()
    let n = points3D.count
    let p3 = points3D.flatMap { [$0.x, $0.y, $0.z] }, p2 = pixels.flatMap { [$0.x, $0.y] }
    let K = intrinsics.matrix.array
    let dist: [Double] = [intrinsics.k1, intrinsics.k2, intrinsics.p1, intrinsics.p2]
    var R: [Double] = (initialGuess?.rotation.matrix ?? Matrix3.identity).array
    let guessT = initialGuess?.translation ?? .zero
    var t: [Double] = [guessT.x, guessT.y, guessT.z]
    var mask = [UInt8](repeating: 0, count: n)
    var count: Int32 = 0
    var opts = options.bridge
    let status = cvb_solve_pnp_ransac(p3, p2, Int32(n), K, intrinsics.hasDistortion ? dist : nil, &opts,
                                      initialGuess == nil ? 0 : 1, &R, &t, &mask, &count)
    try VisionError.check(status, "cvb_solve_pnp_ransac")
    return AbsolutePose(cameraFromWorld: Rigid3(rotation: Matrix3(R), translation: Vec3(t[0], t[1], t[2])),
                        inliers: mask.map { $0 != 0 }, inlierCount: Int(count))
}

/// Levenberg–Marquardt refinement of `cameraFromWorld` on the given correspondences (all
/// treated as inliers). Returns the refined `cameraFromWorld`.
public func refineAbsolutePose(_ cameraFromWorld: Rigid3, points3D: [Vec3], pixels: [Vec2],
                               intrinsics: CameraIntrinsics) throws -> Rigid3 {
    guard points3D.count == pixels.count else {
        throw VisionError.invalidInput("\(points3D.count) 3D points but \(pixels.count) pixels")
    }
    guard points3D.count >= 3 else { throw VisionError.notEnoughData("pose refinement correspondences", count: points3D.count, needed: 3) }
    let p3 = points3D.flatMap { [$0.x, $0.y, $0.z] }, p2 = pixels.flatMap { [$0.x, $0.y] }
    let dist: [Double] = [intrinsics.k1, intrinsics.k2, intrinsics.p1, intrinsics.p2]
    var R: [Double] = cameraFromWorld.rotation.matrix.array
    var t: [Double] = [cameraFromWorld.translation.x, cameraFromWorld.translation.y, cameraFromWorld.translation.z]
    let status = cvb_refine_pose(p3, p2, Int32(points3D.count), intrinsics.matrix.array,
                                 intrinsics.hasDistortion ? dist : nil, &R, &t)
    try VisionError.check(status, "cvb_refine_pose")
    return Rigid3(rotation: Matrix3(R), translation: Vec3(t[0], t[1], t[2]))
}
