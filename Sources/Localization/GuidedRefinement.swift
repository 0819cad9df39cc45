import Foundation
import Geometry
import Reconstruction

/// Guided re-matching and final refinement of a verified pose.
///
/// The whole-map search keeps only matches that pass a ratio test against every other map
/// point, so it finds a few hundred correspondences; once a pose is known, every map point
/// can be looked for in a small window around its projection, where the ratio test only
/// competes with the few keypoints nearby. Each round: window matching with the current
/// pose, inliers at the RANSAC threshold, then a robust (Huber) Levenberg–Marquardt
/// refinement of the pose — and of the focal length when it was estimated — with the map
/// points fixed. The refined pose is kept only if it is supported by at least as many
/// inliers as the pose it started from.
func refineWithGuidedMatches(_ start: PoseHypothesis, correspondences: [Correspondence], features: FeatureSet,
                             index: MapIndex, options: LocalizationOptions,
                             refineFocal: Bool) -> (hypothesis: PoseHypothesis, correspondences: [Correspondence]) {
    guard options.guidedWindowPixels > 0, options.guidedRounds > 0 else { return (start, correspondences) }
    var best = start, bestCorrespondences = correspondences
    for _ in 0..<options.guidedRounds {
        let guided = matchInWindows(features, index: index, cameraFromLandmark: best.cameraFromLandmark,
                                    intrinsics: best.intrinsics, radius: options.guidedWindowPixels, ratio: options.ratio)
        // The previous inliers that the windows did not reproduce stay in (keypoint and
        // point each used once).
        var usedKeypoints = Set(guided.map(\.keypoint)), usedPoints = Set(guided.map(\.point))
        var merged = guided
        for (i, c) in bestCorrespondences.enumerated() where best.inliers[i] {
            if usedKeypoints.insert(c.keypoint).inserted && usedPoints.insert(c.point).inserted { merged.append(c) }
        }
        let points = merged.map { index.positions[$0.point] }
        let pixels = merged.map { features.keypoints[$0.keypoint].pixel }
        let threshold = options.maxReprojectionErrorPixels
        var pose = best.cameraFromLandmark, k = best.intrinsics
        var score = scorePose(pose, intrinsics: k, points: points, pixels: pixels, threshold: threshold)
        guard score.count >= 6 else { break }
        let inlierIndices = score.inliers.indices.filter { score.inliers[$0] }
        guard let refined = refinePoseRobustly(pose, intrinsics: k, points: inlierIndices.map { points[$0] },
                                               pixels: inlierIndices.map { pixels[$0] }, lossPixels: options.refinementLossPixels,
                                               refineFocal: refineFocal) else { break }
        pose = refined.cameraFromLandmark; k = refined.intrinsics
        score = scorePose(pose, intrinsics: k, points: points, pixels: pixels, threshold: threshold)
        guard score.count >= best.inlierCount else { break }
        best = PoseHypothesis(cameraFromLandmark: pose, intrinsics: k, inliers: score.inliers, inlierCount: score.count,
                              rmse: score.rmse, cells: occupiedCells(pixels, score.inliers, width: k.width, height: k.height))
        bestCorrespondences = merged
    }
    return (best, bestCorrespondences)
}

/// One-image bundle adjustment with the points fixed: the pose (and fx, fy at a fixed
/// ratio when `refineFocal`) minimizing the Huber-robustified reprojection error. Nil when
/// the solver fails or returns a non-finite focal length.
func refinePoseRobustly(_ cameraFromLandmark: Rigid3, intrinsics: CameraIntrinsics, points: [Vec3], pixels: [Vec2],
                        lossPixels: Double, refineFocal: Bool) -> (cameraFromLandmark: Rigid3, intrinsics: CameraIntrinsics)? {
    guard points.count >= 6 else { return nil }
    var problem = BundleAdjustmentProblem(
        cameras: [intrinsics], imageCamera: [0], cameraFromWorld: [cameraFromLandmark], points: points,
        observations: pixels.enumerated().map { BundleObservation(image: 0, point: $0.offset, pixel: $0.element) },
        fixedImages: [], fixedPoints: Set(0..<points.count))
    let options = BundleAdjustmentOptions(maxIterations: 30, lossScalePixels: lossPixels, refineFocal: refineFocal,
                                          functionTolerance: 1e-10)
    guard (try? bundleAdjust(&problem, options: options)) != nil, let k = problem.cameras.first,
          k.fx.isFinite, k.fx > 0 else { return nil }
    return (problem.cameraFromWorld[0], k)
}
