import ArgumentParser
import Foundation
import Geometry
import LandmarkMap
import Localization
import Rendering
import Imaging
import Estimators
import Synthetic

/// `landmark-bench localize MAP --queries DIR --ground-truth ground_truth.json`: accuracy
/// against ground truth, and p50/p95 latency per stage at 640×480 and 1280×720, cold and
/// with a tracking prior. Run it on one core: `taskset -c 0 landmark-bench localize …`.
struct BenchLocalize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localize",
        abstract: "Localize a folder of query frames against ground truth; print accuracy and per-stage latency as JSON.")

    @Argument(help: "The .landmark map.")
    var map: String

    @Option(help: "Folder of query frames (names matched to the ground truth's queries by file name).")
    var queries: String

    @Option(help: "ground_truth.json (landmark synth's format: queries[] with intrinsics and cameraFromWorld).")
    var groundTruth: String

    @Option(help: "Timed runs per frame and size.")
    var repeats: Int = 3

    @Option(help: "Frame sizes to time, WxH, comma-separated.")
    var sizes: String = "640x480,1280x720"

    @Option(help: "Seed for RANSAC.")
    var seed: UInt64 = 0

    @Option(help: "Tracking prior perturbation for the prior runs: metres and degrees.")
    var priorNoise: String = "0.1,1"

    @Option(help: "Localizer working size: frames with a longer side above it are downscaled (0 = never).")
    var maxImageSize: Int = LocalizationOptions().maxImageSize

    @Option(help: "Localizer feature budget per frame (0 = all).")
    var maxFeatures: Int = LocalizationOptions().maxFeatures

    @Option(help: "Try the map's ORB query layer first when it has one (false: as `localize --sift-only`).")
    var orbLayer: Bool = LocalizationOptions().useORBLayer

    @Option(help: "ORB keypoints per query frame for the ORB layer.")
    var orbFeatures: Int = LocalizationOptions().orbMaxFeatures

    @Option(help: "Strongest ORB keypoints used by the ORB layer's cold search (0 = all).")
    var orbColdMatchFeatures: Int = LocalizationOptions().orbColdMatchFeatures

    @Option(help: "ORB layer: re-fit the pose on patch-aligned inliers (true/false).")
    var patchRefinement: Bool = LocalizationOptions().patchRefinement

    @Option(help: "ORB layer: patches aligned per query (inliers first, then other visible points).")
    var maxPatchPoints: Int = LocalizationOptions().maxPatchPoints

    @Option(help: "ORB layer: align-and-refit rounds.")
    var patchRounds: Int = LocalizationOptions().patchRounds

    @Option(help: "Features matched cold to confirm a pose found from the prior (0 = no check).")
    var priorCheckFeatures: Int = LocalizationOptions().priorCheckFeatures

    @Option(help: "Strongest features used by the cold whole-map search (0 = all).")
    var coldMatchFeatures: Int = LocalizationOptions().coldMatchFeatures

    @Option(help: "FLANN search effort of the cold search: kd-tree leaves checked per feature.")
    var searchChecks: Int = LocalizationOptions().searchChecks

    @Option(help: "Guided re-matching window in pixels after the first pose (0 = off).")
    var guidedWindow: Double = LocalizationOptions().guidedWindowPixels

    @Option(help: "SIFT contrast threshold for query features (0 = OpenCV's 0.04).")
    var siftContrast: Double = LocalizationOptions().siftContrastThreshold

    @Option(help: "Stretch low-contrast frames before feature extraction (true/false).")
    var stretchContrast: Bool = LocalizationOptions().stretchContrast

    @Option(help: "Huber loss scale of the final pose refinement, pixels.")
    var refinementLoss: Double = LocalizationOptions().refinementLossPixels
    @Option(help: "Inlier tightening rounds after the guided refinement (0 = off).")
    var tighteningRounds: Int = LocalizationOptions().tighteningRounds
    @Option(help: "Inlier tightening: threshold as a multiple of the median inlier residual.")
    var tighteningFactor: Double = LocalizationOptions().tighteningFactor

    @Flag(help: "Per query, where the error comes from: the pose from the same inliers with the map points re-triangulated from true capture poses, vs. from the map's points (needs images[] poses in the ground truth).")
    var diagnose = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1.") }
        for s in [map, queries, groundTruth] where !FileManager.default.fileExists(atPath: s) {
            throw ValidationError("\(s) does not exist.")
        }
    }

    func run() throws {
        let gt = try GroundTruthFile.read(from: URL(fileURLWithPath: groundTruth))
        var options = LocalizationOptions()
        options.seed = seed
        options.maxImageSize = maxImageSize
        options.maxFeatures = maxFeatures
        options.coldMatchFeatures = coldMatchFeatures
        options.useORBLayer = orbLayer
        options.orbMaxFeatures = orbFeatures
        options.orbColdMatchFeatures = orbColdMatchFeatures
        options.patchRefinement = patchRefinement
        options.maxPatchPoints = maxPatchPoints
        options.patchRounds = patchRounds
        options.priorCheckFeatures = priorCheckFeatures
        options.searchChecks = searchChecks
        options.guidedWindowPixels = guidedWindow
        options.refinementLossPixels = refinementLoss
        options.tighteningRounds = tighteningRounds
        options.tighteningFactor = tighteningFactor
        options.stretchContrast = stretchContrast
        options.siftContrastThreshold = siftContrast
        try options.validate()
        let loadStart = Date()
        let featureMap = try LandmarkStore.read(from: URL(fileURLWithPath: map))
        let localizer = try Localizer(map: featureMap, options: options)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let folder = URL(fileURLWithPath: queries)
        let views = gt.queries.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent(($0.name as NSString).lastPathComponent).path) }
        guard !views.isEmpty else { throw ValidationError("no query of \(groundTruth) is in \(queries).") }
        let noise = priorNoise.split(separator: ",").compactMap { Double($0) }
        var rng = SplitMix64(seed: seed)
        let diagnosis = diagnose ? LocalizationDiagnosis(map: featureMap, groundTruth: gt) : nil
        if diagnose && diagnosis == nil {
            throw ValidationError("--diagnose needs ground-truth poses (images[]) for the map's keyframes.")
        }
        var diagnoses: [[String: Any]] = []

        // Accuracy at native size, cold and with a perturbed prior.
        var cold: [PoseError] = [], tracked: [PoseError] = []
        var lines: [[String: Any]] = []
        var frames: [(view: GroundTruthFile.View, image: Image8)] = []
        for view in views {
            let url = folder.appendingPathComponent((view.name as NSString).lastPathComponent)
            let data = try Data(contentsOf: url)
            let k = QueryIntrinsics(fx: view.fx, fy: view.fy, cx: view.cx, cy: view.cy)
            let truth = view.cameraFromWorldRigid
            let r = try localizer.localize(LocalizationQuery(imageData: data, name: url.lastPathComponent, intrinsics: k))
            let e = PoseError(r, truth: truth, name: view.name)
            cold.append(e)
            var line = r.jsonObject(image: url.lastPathComponent)
            line["positionErrorM"] = e.position ?? NSNull(); line["rotationErrorDeg"] = e.rotation ?? NSNull()
            if let diagnosis, let d = try diagnosis.diagnose(result: r, view: view) {
                line["diagnosis"] = d
                diagnoses.append(d)
            }
            lines.append(line)
            let prior = perturb(truth, metres: noise.first ?? 0.1, degrees: noise.count > 1 ? noise[1] : 1, rng: &rng)
            let t = try localizer.localize(LocalizationQuery(imageData: data, name: url.lastPathComponent, intrinsics: k,
                                                             cameraFromLandmarkPrior: prior))
            tracked.append(PoseError(t, truth: truth, name: view.name))
            frames.append((view, try Image8(decoding: data, channels: 3)))
        }

        // Latency per stage at fixed sizes (frames resized, intrinsics scaled per axis, sent as JPEG).
        var speed: [String: Any] = [:]
        for size in sizes.split(separator: ",") where size != "none" {
            let wh = size.split(separator: "x").compactMap { Int($0) }
            guard wh.count == 2 else { throw ValidationError("--sizes: \"\(size)\" is not WxH.") }
            var coldTimes: [StageTimings] = [], priorTimes: [StageTimings] = []
            var coldCPU: [StageTimings] = [], priorCPU: [StageTimings] = []
            var sizedCold: [PoseError] = [], sizedPrior: [PoseError] = []
            var localized = 0, runs = 0
            for (view, image) in frames {
                let sx = Double(wh[0]) / Double(image.width), sy = Double(wh[1]) / Double(image.height)
                let jpeg = try image.resized(width: wh[0], height: wh[1]).encoded(.jpeg, quality: 90)
                let k = QueryIntrinsics(fx: view.fx * sx, fy: view.fy * sy, cx: (view.cx + 0.5) * sx - 0.5, cy: (view.cy + 0.5) * sy - 0.5)
                let prior = perturb(view.cameraFromWorldRigid, metres: noise.first ?? 0.1, degrees: noise.count > 1 ? noise[1] : 1, rng: &rng)
                for run in 0..<repeats {
                    let r = try localizer.localize(LocalizationQuery(imageData: jpeg, intrinsics: k))
                    coldTimes.append(r.timings); coldCPU.append(r.cpuTimings); runs += 1; if r.isLocalized { localized += 1 }
                    let p = try localizer.localize(LocalizationQuery(imageData: jpeg, intrinsics: k, cameraFromLandmarkPrior: prior))
                    priorTimes.append(p.timings); priorCPU.append(p.cpuTimings)
                    if run == 0 {
                        sizedCold.append(PoseError(r, truth: view.cameraFromWorldRigid, name: view.name))
                        sizedPrior.append(PoseError(p, truth: view.cameraFromWorldRigid, name: view.name))
                    }
                }
            }
            speed[String(size)] = ["cold": ["wall": percentiles(coldTimes), "cpu": percentiles(coldCPU)],
                                   "prior": ["wall": percentiles(priorTimes), "cpu": percentiles(priorCPU)],
                                   "accuracy_cold": summary(sizedCold), "accuracy_prior": summary(sizedPrior),
                                   "localized_fraction": Double(localized) / Double(max(1, runs)), "runs": runs]
        }

        var json: [String: Any] = [
            "map": map, "queries": views.count, "seed": seed, "repeats": repeats,
            "options": ["max_image_size": maxImageSize, "max_features": maxFeatures, "orb_layer": orbLayer, "orb_features": orbFeatures, "orb_cold_match_features": orbColdMatchFeatures, "patch_refinement": patchRefinement, "max_patch_points": maxPatchPoints, "patch_rounds": patchRounds, "prior_check_features": priorCheckFeatures, "cold_match_features": coldMatchFeatures, "search_checks": searchChecks, "guided_window_px": guidedWindow, "refinement_loss_px": refinementLoss, "tightening_rounds": tighteningRounds, "tightening_factor": tighteningFactor, "stretch_contrast": stretchContrast, "sift_contrast": siftContrast],
            "map_load_seconds": loadSeconds, "index_rows": localizer.index.rowCount, "map_points": localizer.index.pointCount,
            "accuracy_cold": summary(cold), "accuracy_prior": summary(tracked),
            "prior_noise_m_deg": noise, "latency_ms": speed, "per_query": lines,
        ]
        if !diagnoses.isEmpty { json["diagnosis_summary"] = summarizeDiagnoses(diagnoses) }
        print(LocalizationResult.serialize(json))
    }

    struct PoseError {
        var name: String
        var localized: Bool
        var inliers: Int
        var position: Double?
        var rotation: Double?
        /// The features of the answer ("orb" from the ORB layer, else the map's own).
        var features: String?
        init(_ r: LocalizationResult, truth: Rigid3, name: String) {
            self.name = name
            features = r.features?.rawValue
            inliers = r.inliers
            localized = r.isLocalized
            if let pose = r.cameraFromLandmark {
                let error = QueryPoseError(cameraFromLandmark: pose, truth: truth)
                position = error.centreMetres
                rotation = error.rotationDegrees
            }
        }
    }

    func summary(_ errors: [PoseError]) -> [String: Any] {
        let loc = errors.filter(\.localized)
        let pos = loc.compactMap(\.position).sorted(), rot = loc.compactMap(\.rotation).sorted()
        let good = loc.filter { ($0.position ?? .infinity) <= 0.05 && ($0.rotation ?? .infinity) <= 0.5 }.count
        let wrongOnes = loc.filter { ($0.position ?? .infinity) > 1 || ($0.rotation ?? .infinity) > 5 }
        let wrong = wrongOnes.count
        func median(_ a: [Double]) -> Any { a.isEmpty ? NSNull() : a[a.count / 2] }
        return ["queries": errors.count, "localized": loc.count,
                "within_5cm_0.5deg": good, "within_5cm_0.5deg_fraction": Double(good) / Double(max(1, errors.count)),
                "median_position_error_m": median(pos), "median_rotation_error_deg": median(rot),
                "max_position_error_m": pos.last ?? NSNull(), "max_rotation_error_deg": rot.last ?? NSNull(),
                "wrong_localized_over_1m_or_5deg": wrong,
                "answered_by": Dictionary(grouping: loc, by: { $0.features ?? "none" }).mapValues(\.count),
                "wrong": wrongOnes.map { ["image": $0.name, "inliers": $0.inliers, "positionErrorM": $0.position ?? -1, "rotationErrorDeg": $0.rotation ?? -1] as [String: Any] },
                "outside_5cm_0.5deg": errors.filter { !($0.localized && ($0.position ?? .infinity) <= 0.05 && ($0.rotation ?? .infinity) <= 0.5) }
                    .map { ["image": $0.name, "localized": $0.localized, "inliers": $0.inliers, "positionErrorM": $0.position ?? -1] as [String: Any] }]
    }

    /// Medians over queries of each diagnosis figure.
    func summarizeDiagnoses(_ d: [[String: Any]]) -> [String: Any] {
        func med(_ group: String, _ key: String) -> Double {
            let v = d.compactMap { ($0[group] as? [String: Any])?[key] as? Double }.sorted()
            return v.isEmpty ? .nan : v[v.count / 2]
        }
        var out: [String: Any] = ["queries": d.count]
        for g in ["estimate", "leastSquaresOnMapPoints", "leastSquaresOnRetriangulatedPoints"] {
            out[g] = ["medianPositionErrorM": med(g, "positionErrorM"), "medianRotationErrorDeg": med(g, "rotationErrorDeg")]
        }
        out["mapPointOffsetM"] = ["median": med("mapPointOffsetM", "median"), "medianMeanVectorLength": med("mapPointOffsetM", "meanVectorLength")]
        return out
    }

    func percentiles(_ t: [StageTimings]) -> [String: Any] {
        var out: [String: Any] = [:]
        for stage in ["decode", "features", "match", "pose", "total"] {
            let v = t.map { s in s.byStage.first { $0.name == stage }!.ms }.sorted()
            guard !v.isEmpty else { continue }
            func p(_ q: Double) -> Double { (v[min(v.count - 1, Int((Double(v.count - 1) * q).rounded()))] * 100).rounded() / 100 }
            out[stage] = ["p50": p(0.5), "p95": p(0.95)]
        }
        return out
    }

    func perturb(_ pose: Rigid3, metres: Double, degrees: Double, rng: inout SplitMix64) -> Rigid3 {
        func unit(_ rng: inout SplitMix64) -> Vec3 {
            normalize(Vec3(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng)))
        }
        let center = pose.centerOfTargetInSource + unit(&rng) * metres
        let rotation = (Quaternion(axis: unit(&rng), angle: degrees * .pi / 180) * pose.rotation).normalized
        return Rigid3(rotation: rotation, translation: -(rotation * center))
    }
}
