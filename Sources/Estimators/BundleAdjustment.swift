import CVBridge
import Geometry
import Imaging

/// One observation in a bundle-adjustment problem: point `point` seen in image `image` at `pixel`.
public struct BundleObservation: Sendable, Equatable {
    public var image: Int
    public var point: Int
    public var pixel: Vec2
    public init(image: Int, point: Int, pixel: Vec2) { self.image = image; self.point = point; self.pixel = pixel }
}

/// A bundle-adjustment problem; `bundleAdjust` updates it in place.
public struct BundleAdjustmentProblem: Sendable {
    /// Physical cameras (intrinsics); images refer to them by index.
    public var cameras: [CameraIntrinsics]
    /// For each image, the index of its camera.
    public var imageCamera: [Int]
    /// For each image, world → camera (OpenCV axes).
    public var cameraFromWorld: [Rigid3]
    public var points: [Vec3]
    public var observations: [BundleObservation]
    /// Images whose pose stays constant (at least one fixes the gauge); empty means none.
    public var fixedImages: Set<Int>
    /// Points that stay constant.
    public var fixedPoints: Set<Int>

    public init(cameras: [CameraIntrinsics], imageCamera: [Int], cameraFromWorld: [Rigid3], points: [Vec3],
                observations: [BundleObservation], fixedImages: Set<Int> = [0], fixedPoints: Set<Int> = []) {
        self.cameras = cameras; self.imageCamera = imageCamera; self.cameraFromWorld = cameraFromWorld
        self.points = points; self.observations = observations
        self.fixedImages = fixedImages; self.fixedPoints = fixedPoints
    }
}

public struct BundleAdjustmentOptions: Sendable, Equatable {
    /// Levenberg–Marquardt iterations; 0 means 50.
    public var maxIterations: Int
    /// Huber loss scale in pixels (residuals beyond it count linearly); 0 means plain least squares.
    public var lossScalePixels: Double
    /// Refine fx (fy keeps its ratio), the principal point, and k1 k2.
    public var refineFocal: Bool
    public var refinePrincipalPoint: Bool
    public var refineDistortion: Bool
    /// Stop when the relative cost decrease is below this; 0 means 1e-8.
    public var functionTolerance: Double

    public init(maxIterations: Int = 50, lossScalePixels: Double = 1, refineFocal: Bool = false,
                refinePrincipalPoint: Bool = false, refineDistortion: Bool = false, functionTolerance: Double = 1e-7) {
        self.maxIterations = maxIterations; self.lossScalePixels = lossScalePixels
        self.refineFocal = refineFocal; self.refinePrincipalPoint = refinePrincipalPoint
        self.refineDistortion = refineDistortion; self.functionTolerance = functionTolerance
    }
}

public struct BundleAdjustmentReport: Sendable, Equatable {
    public var iterations: Int
    /// Root-mean-square reprojection error before and after, in pixels.
    public var initialRMSE: Double
    public var finalRMSE: Double
    public var converged: Bool
}

/// Levenberg–Marquardt bundle adjustment on reprojection error with a Schur complement
/// (points eliminated, reduced camera system factored by Cholesky), a Huber loss, and the
/// intrinsics fixed or refined as `options` says. Updates `problem` in place.
@discardableResult
public func bundleAdjust(_ problem: inout BundleAdjustmentProblem,
                         options: BundleAdjustmentOptions = BundleAdjustmentOptions()) throws -> BundleAdjustmentReport {
    let nImages = problem.cameraFromWorld.count
    guard problem.imageCamera.count == nImages else {
        throw VisionError.invalidInput("imageCamera has \(problem.imageCamera.count) entries for \(nImages) images")
    }
    guard !problem.cameras.isEmpty, nImages > 0 else { throw VisionError.invalidInput("bundle adjustment needs cameras and images") }
    var cams = problem.cameras.flatMap { [$0.fx, $0.fy, $0.cx, $0.cy, $0.k1, $0.k2, $0.p1, $0.p2] }
    let imageCamera = problem.imageCamera.map { Int32($0) }
    var poses = problem.cameraFromWorld.flatMap { p -> [Double] in
        let q = p.rotation.normalized
        return [q.w, q.x, q.y, q.z, p.translation.x, p.translation.y, p.translation.z]
    }
    var pts = problem.points.flatMap { [$0.x, $0.y, $0.z] }
    let obs = problem.observations.map {
        cvb_ba_observation(image: Int32($0.image), point: Int32($0.point), x: $0.pixel.x, y: $0.pixel.y)
    }
    let imageFixed = (0..<nImages).map { problem.fixedImages.contains($0) ? UInt8(1) : 0 }
    let pointFixed = (0..<problem.points.count).map { problem.fixedPoints.contains($0) ? UInt8(1) : 0 }
    var opts = cvb_ba_options(max_iterations: Int32(options.maxIterations), loss_scale_px: options.lossScalePixels,
                              refine_focal: options.refineFocal ? 1 : 0,
                              refine_principal_point: options.refinePrincipalPoint ? 1 : 0,
                              refine_distortion: options.refineDistortion ? 1 : 0,
                              function_tolerance: options.functionTolerance, progress: nil, progress_context: nil)
    var report = cvb_ba_report()
    let status = cams.withUnsafeMutableBufferPointer { camBuf in
        poses.withUnsafeMutableBufferPointer { poseBuf in
            pts.withUnsafeMutableBufferPointer { ptBuf in
                imageCamera.withUnsafeBufferPointer { icBuf in
                    obs.withUnsafeBufferPointer { obsBuf in
                        imageFixed.withUnsafeBufferPointer { ifBuf in
                            pointFixed.withUnsafeBufferPointer { pfBuf in
                                var p = cvb_ba_problem(num_cameras: Int32(problem.cameras.count), num_images: Int32(nImages),
                                                       num_points: Int32(problem.points.count),
                                                       num_observations: Int32(obs.count), cameras: camBuf.baseAddress,
                                                       image_camera: icBuf.baseAddress, image_poses: poseBuf.baseAddress,
                                                       points: ptBuf.baseAddress, observations: obsBuf.baseAddress,
                                                       image_fixed: ifBuf.baseAddress, point_fixed: pfBuf.baseAddress)
                                return cvb_bundle_adjust(&p, &opts, &report)
                            }
                        }
                    }
                }
            }
        }
    }
    try VisionError.check(status, "cvb_bundle_adjust")
    for c in 0..<problem.cameras.count {
        let k = Array(cams[(c * 8)..<(c * 8 + 8)])
        problem.cameras[c].fx = k[0]; problem.cameras[c].fy = k[1]; problem.cameras[c].cx = k[2]; problem.cameras[c].cy = k[3]
        problem.cameras[c].k1 = k[4]; problem.cameras[c].k2 = k[5]
    }
    for i in 0..<nImages {
        let b = i * 7
        problem.cameraFromWorld[i] = Rigid3(rotation: Quaternion(w: poses[b], x: poses[b + 1], y: poses[b + 2], z: poses[b + 3]).normalized,
                                            translation: Vec3(poses[b + 4], poses[b + 5], poses[b + 6]))
    }
    for p in 0..<problem.points.count { problem.points[p] = Vec3(pts[3 * p], pts[3 * p + 1], pts[3 * p + 2]) }
    return BundleAdjustmentReport(iterations: Int(report.iterations), initialRMSE: report.initial_rmse_px,
                                  finalRMSE: report.final_rmse_px, converged: report.converged != 0)
}
