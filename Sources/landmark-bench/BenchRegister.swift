import ArgumentParser
import Foundation
import Support
import LandmarkMap
import Reconstruction
import Features
import Synthetic

/// `landmark-bench register DIR`: registration figures as JSON (stage times, counts,
/// reprojection error, pose errors against ground truth).
struct BenchRegister: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Time a registration and print its figures (and pose errors vs ground truth) as JSON.")

    @Argument(help: "Folder of photos.")
    var photos: String

    @Option(help: "Intrinsics file (JSON or K.txt); omitted: guessed and refined.")
    var intrinsics: String?

    @Option(help: "Ground truth: a ground_truth.json or a Strecha gt_dense_cameras folder.")
    var groundTruth: String?

    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Longer-side limit for extraction (0: full resolution).") var maxImageSize: Int = 1600
    @Option(help: "Features per photo.") var maxFeatures: Int = 8192
    @Option(help: "SIFT contrast threshold (0: OpenCV's 0.04).") var siftContrast: Double = 0
    @Option(help: "sift or orb.") var features: FeatureKind = .sift
    @Option(help: "Also write the map's COLMAP-free summary here (optional .landmark output).") var out: String?

    func run() throws {
        let start = Date()
        let cpuStart = CPUClock.processSeconds()
        let collection = try PhotoCollection.scan(URL(fileURLWithPath: photos))
        var options = ReconstructionOptions()
        options.seed = seed
        options.showProgress = false
        options.features = FeatureOptions(kind: features, maxFeatures: maxFeatures, maxImageSize: maxImageSize,
                                          siftContrastThreshold: siftContrast)
        if let intrinsics { options.intrinsics = try IntrinsicsPrior.load(from: URL(fileURLWithPath: intrinsics)) }
        let result = try reconstruct(collection, options: options, name: "bench")
        let wall = Date().timeIntervalSince(start)
        if let out { try LandmarkStore.write(result.map, to: URL(fileURLWithPath: out)) }
        let s = result.stats
        var json: [String: Any] = [
            "photos": photos, "seed": seed, "features": features.rawValue, "max_image_size": maxImageSize,
            "max_features": maxFeatures, "sift_contrast": siftContrast, "images": s.imageCount, "registered": s.registeredCount,
            "points": s.pointCount, "observations": s.observationCount,
            "mean_reprojection_error_px": s.meanReprojectionError, "mean_track_length": s.meanTrackLength,
            "verified_pairs": s.verifiedPairs, "wall_seconds": wall, "cpu_seconds": CPUClock.processSeconds() - cpuStart,
            "stage_seconds": Dictionary(uniqueKeysWithValues: s.stageSeconds.map { ($0.stage, $0.seconds) }),
            "unregistered": s.unregistered, "warnings": result.warnings,
        ]
        if let groundTruth {
            let gt = try GroundTruth.load(from: URL(fileURLWithPath: groundTruth))
            if let e = evaluatePoses(result.map, groundTruth: gt, seed: seed) {
                json["pose_errors"] = [
                    "matched": e.matched, "alignment_inliers": e.inliers,
                    "median_center_error": e.medianCenterError, "max_center_error": e.maxCenterError,
                    "median_rotation_error_deg": e.medianRotationErrorDegrees, "max_rotation_error_deg": e.maxRotationErrorDegrees,
                    "scene_size": e.sceneSize, "median_center_error_relative": e.medianCenterError / max(e.sceneSize, 1e-12),
                ]
            } else {
                json["pose_errors"] = NSNull()
            }
        }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
