import Foundation
import Geometry
import Estimators

/// A pose with its support among the correspondences.
struct PoseHypothesis {
    var cameraFromLandmark: Rigid3
    var intrinsics: CameraIntrinsics
    var inliers: [Bool]
    var inlierCount: Int
    /// RMS reprojection error over the inliers, pixels.
    var rmse: Double
    /// Cells of a 4×4 grid over the frame holding at least one inlier.
    var cells: Int
}

extension PoseHypothesis {
    /// `pose` scored on the correspondences (`scorePose` at `threshold`), with its inlier cells.
    init(scoring pose: Rigid3, intrinsics: CameraIntrinsics, points: [Vec3], pixels: [Vec2], threshold: Double) {
        let score = scorePose(pose, intrinsics: intrinsics, points: points, pixels: pixels, threshold: threshold)
        self.init(cameraFromLandmark: pose, intrinsics: intrinsics, inliers: score.inliers, inlierCount: score.count,
                  rmse: score.rmse, cells: occupiedCells(pixels, score.inliers, width: intrinsics.width, height: intrinsics.height))
    }
}

/// Cells of a 4×4 grid over a `width`×`height` frame holding at least one flagged pixel.
func occupiedCells(_ pixels: [Vec2], _ flags: [Bool], width: Int, height: Int) -> Int {
    var cells = Set<Int>()
    for (i, p) in pixels.enumerated() where flags[i] {
        let cx = min(3, max(0, Int(p.x / Double(width) * 4)))
        let cy = min(3, max(0, Int(p.y / Double(height) * 4)))
        cells.insert(cy * 4 + cx)
    }
    return cells.count
}

/// Inliers and their RMS error for a pose: points in front of the camera reprojecting
/// within `threshold` pixels.
func scorePose(_ cameraFromLandmark: Rigid3, intrinsics: CameraIntrinsics, points: [Vec3], pixels: [Vec2],
               threshold: Double) -> (inliers: [Bool], count: Int, rmse: Double) {
    var inliers = [Bool](repeating: false, count: points.count)
    var count = 0, sum = 0.0
    for i in 0..<points.count {
        let pc = cameraFromLandmark.apply(points[i])
        guard pc.z > 1e-9, let uv = intrinsics.project(pc) else { continue }
        let e = uv - pixels[i]
        let e2 = dot(e, e)
        if e2 <= threshold * threshold { inliers[i] = true; count += 1; sum += e2 }
    }
    return (inliers, count, count > 0 ? (sum / Double(count)).squareRoot() : .infinity)
}

/// P3P in USAC with LM refinement (the bridge), then the inliers re-scored and the pose
/// refined once more on them. Nil when no pose is found.
func estimatePose(points: [Vec3], pixels: [Vec2], intrinsics: CameraIntrinsics, options: LocalizationOptions,
                  maxIterations: Int? = nil, initialGuess: Rigid3? = nil) -> PoseHypothesis? {
    guard points.count >= 4 else { return nil }
    let ransac = RansacOptions(maxErrorPixels: options.maxReprojectionErrorPixels, confidence: options.ransacConfidence,
                               maxIterations: maxIterations ?? options.ransacMaxIterations, seed: options.seed)
    guard let found = try? estimateAbsolutePose(points3D: points, pixels: pixels, intrinsics: intrinsics,
                                                options: ransac, initialGuess: initialGuess) else { return nil }
    let threshold = options.maxReprojectionErrorPixels
    var hypothesis = PoseHypothesis(scoring: found.cameraFromWorld, intrinsics: intrinsics, points: points, pixels: pixels,
                                    threshold: threshold)
    if hypothesis.inlierCount >= 4 {
        let idx = hypothesis.inliers.indices.filter { hypothesis.inliers[$0] }
        if let refined = try? refineAbsolutePose(hypothesis.cameraFromLandmark, points3D: idx.map { points[$0] },
                                                 pixels: idx.map { pixels[$0] }, intrinsics: intrinsics) {
            let rescored = PoseHypothesis(scoring: refined, intrinsics: intrinsics, points: points, pixels: pixels,
                                          threshold: threshold)
            if rescored.inlierCount >= hypothesis.inlierCount { hypothesis = rescored }
        }
    }
    return hypothesis
}

/// Unknown focal length: a log-spaced sweep of candidate focals (each a short PnP RANSAC)
/// picks the best-supported one, then pose and focal are refined jointly on its inliers
/// (one-image bundle adjustment with the points fixed, Huber loss), and a final PnP at the
/// refined focal gives the inliers. Square pixels, principal point as given.
func estimatePoseAndFocal(points: [Vec3], pixels: [Vec2], width: Int, height: Int, cx: Double, cy: Double,
                          options: LocalizationOptions) -> PoseHypothesis? {
    let longSide = Double(max(width, height))
    let steps = options.focalSteps
    let ratio = pow(options.maxFocalFactor / options.minFocalFactor, 1 / Double(steps - 1))
    var best: PoseHypothesis?
    for s in 0..<steps {
        let f = longSide * options.minFocalFactor * pow(ratio, Double(s))
        let k = CameraIntrinsics(width: width, height: height, fx: f, fy: f, cx: cx, cy: cy)
        guard let h = estimatePose(points: points, pixels: pixels, intrinsics: k, options: options, maxIterations: 500) else { continue }
        if best == nil || h.inlierCount > best!.inlierCount || (h.inlierCount == best!.inlierCount && h.rmse < best!.rmse) {
            best = h
        }
    }
    guard var hypothesis = best, hypothesis.inlierCount >= 6 else { return best }
    // Joint refinement of pose and focal on the inliers, twice (inliers re-scored between).
    for _ in 0..<2 {
        let idx = hypothesis.inliers.indices.filter { hypothesis.inliers[$0] }
        var problem = BundleAdjustmentProblem(
            cameras: [hypothesis.intrinsics], imageCamera: [0], cameraFromWorld: [hypothesis.cameraFromLandmark],
            points: idx.map { points[$0] },
            observations: idx.enumerated().map { BundleObservation(image: 0, point: $0.offset, pixel: pixels[$0.element]) },
            fixedImages: [], fixedPoints: Set(0..<idx.count))
        guard (try? bundleAdjust(&problem, options: BundleAdjustmentOptions(maxIterations: 50, lossScalePixels: 2, refineFocal: true))) != nil,
              let k = problem.cameras.first, k.fx > 0, k.fx.isFinite else { break }
        guard let h = estimatePose(points: points, pixels: pixels, intrinsics: k, options: options,
                                   initialGuess: problem.cameraFromWorld[0]) else { break }
        if h.inlierCount >= hypothesis.inlierCount { hypothesis = h } else { break }
    }
    return hypothesis
}
