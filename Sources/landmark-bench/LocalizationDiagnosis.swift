import Foundation
import Geometry
import LandmarkMap
import Localization
import Reconstruction
import Estimators
import Synthetic

/// Where a synthetic query's pose error comes from (`landmark-bench localize --diagnose`).
///
/// Every inlier's map point is triangulated again from the map's own observations of it,
/// but with the ground-truth poses and intrinsics of the capture views: the point the map
/// would hold if registration had recovered every camera exactly (only keypoint noise
/// left). The query's inlier keypoints then give two least-squares poses, one on the map's
/// points (≈ the localizer's answer) and one on the re-triangulated points. The second
/// pose's error is what remains with a perfect registration (keypoint noise in the map and
/// the query); the gap between the two is what the map's registration error costs. The
/// map points' displacement from their re-triangulated positions is given too: its median
/// length and the length of its mean (a common shift moves the pose one for one).
struct LocalizationDiagnosis {
    private var pointsByPosition: [Vec3: MapPoint] = [:]
    private var truePoseByKeyframe: [Int64: Rigid3] = [:]
    private var trueIntrinsics: [Int64: CameraIntrinsics] = [:]

    /// Nil when fewer than 2 keyframes have a ground-truth pose.
    init?(map: FeatureMap, groundTruth gt: GroundTruthFile) {
        var byFile: [String: GroundTruthFile.View] = [:]
        for v in gt.images { byFile[(v.name as NSString).lastPathComponent] = v }
        for k in map.keyframes {
            guard let v = byFile[(k.name as NSString).lastPathComponent] else { continue }
            truePoseByKeyframe[k.id] = v.cameraFromWorldRigid
            trueIntrinsics[k.id] = v.intrinsics
        }
        guard truePoseByKeyframe.count >= 2 else { return nil }
        for p in map.points + map.orbPoints where p.position.isFinite { pointsByPosition[p.position] = p }
    }

    /// The point's position triangulated from its observations with true camera poses.
    func retriangulated(_ position: Vec3) -> Vec3? {
        guard let point = pointsByPosition[position] else { return nil }
        let views = point.observations.compactMap { o -> TriangulationView? in
            guard let pose = truePoseByKeyframe[o.keyframeID], let k = trueIntrinsics[o.keyframeID] else { return nil }
            let r = k.ray(through: o.pixel)
            return TriangulationView(cameraFromWorld: pose, normalized: Vec2(r.x, r.y))
        }
        return triangulatePoint(views)
    }

    /// Figures for one localized query; nil when it has too few usable inliers.
    func diagnose(result: LocalizationResult, view: GroundTruthFile.View) throws -> [String: Any]? {
        guard let estimate = result.cameraFromLandmark, result.inlierCorrespondences.count >= 6 else { return nil }
        let k = view.intrinsics, truth = view.cameraFromWorldRigid
        var mapPoints: [Vec3] = [], truePoints: [Vec3] = [], pixels: [Vec2] = [], sizes: [Double] = []
        for c in result.inlierCorrespondences {
            guard let x = retriangulated(c.point) else { continue }
            mapPoints.append(c.point); truePoints.append(x); pixels.append(c.pixel); sizes.append(c.size)
        }
        guard pixels.count >= 6 else { return nil }
        // LANDMARK_DUMP_INLIERS=folder: one JSON file per query with every inlier (keypoint,
        // diameter, map point, re-triangulated point) for offline analysis.
        if let folder = ProcessInfo.processInfo.environment["LANDMARK_DUMP_INLIERS"] {
            let rows: [[Double]] = pixels.indices.map { i in
                [pixels[i].x, pixels[i].y, sizes[i], mapPoints[i].x, mapPoints[i].y, mapPoints[i].z,
                 truePoints[i].x, truePoints[i].y, truePoints[i].z]
            }
            let name = ((view.name as NSString).lastPathComponent as NSString).deletingPathExtension
            let data = try JSONSerialization.data(withJSONObject: ["image": view.name, "rows": rows])
            try data.write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(name).json"))
        }
        func errors(_ pose: Rigid3) -> [String: Double] {
            ["positionErrorM": distance(pose.centerOfTargetInSource, truth.centerOfTargetInSource),
             "rotationErrorDeg": Quaternion.angleBetween(pose.rotation, truth.rotation) * 180 / .pi]
        }
        let fromTrue = try refineAbsolutePose(estimate, points3D: truePoints, pixels: pixels, intrinsics: k)
        let fromMap = try refineAbsolutePose(estimate, points3D: mapPoints, pixels: pixels, intrinsics: k)
        let offsets = zip(mapPoints, truePoints).map { $0 - $1 }
        let lengths = offsets.map { length($0) }.sorted()
        let meanOffset = offsets.reduce(Vec3.zero, +) / Double(offsets.count)
        let depth = truePoints.map { truth.apply($0).z }.sorted()
        // Reprojection residuals (keypoint − projection) at the true query pose.
        func residuals(_ points: [Vec3]) -> [String: Double] {
            var sum = Vec2.zero, sq = 0.0, n = 0.0
            var norms: [Double] = []
            for (x, p) in zip(points, pixels) {
                guard let uv = k.project(truth.apply(x)) else { norms.append(.infinity); continue }
                let e = p - uv
                sum += e; sq += dot(e, e); n += 1; norms.append(length(e))
            }
            // Median residual by keypoint diameter (< 4, 4–8, 8–16, ≥ 16 px).
            var bins: [[Double]] = [[], [], [], []]
            for (i, e) in norms.enumerated() { bins[sizes[i] < 4 ? 0 : sizes[i] < 8 ? 1 : sizes[i] < 16 ? 2 : 3].append(e) }
            let byScale = bins.map { b -> Double in let s = b.sorted(); return s.isEmpty ? -1 : s[s.count / 2] }
            let counts = bins.map { Double($0.count) }
            norms.sort()
            return ["meanX": sum.x / n, "meanY": sum.y / n, "rms": (sq / n).squareRoot(), "median": norms[norms.count / 2],
                    "medianSize<4": byScale[0], "medianSize4-8": byScale[1], "medianSize8-16": byScale[2], "medianSize>=16": byScale[3],
                    "nSize<4": counts[0], "nSize4-8": counts[1], "nSize8-16": counts[2], "nSize>=16": counts[3]]
        }
        return ["inliersUsed": pixels.count,
                "estimate": errors(estimate),
                "leastSquaresOnMapPoints": errors(fromMap),
                "leastSquaresOnRetriangulatedPoints": errors(fromTrue),
                "mapPointOffsetM": ["median": lengths[lengths.count / 2], "meanVectorLength": length(meanOffset)],
                "medianPointDepthM": depth[depth.count / 2],
                "residualsAtTruePosePx": ["mapPoints": residuals(mapPoints), "retriangulatedPoints": residuals(truePoints)]]
    }
}
