import ArgumentParser
import Foundation
import LandmarkMap
import Reconstruction
import Features

/// `landmark register PHOTOS --intrinsics K.txt --out X.landmark`: photos in, a feature map out.
struct Register: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reconstruct a landmark from photos (structure from motion) and store its feature map.",
        discussion: """
        Photos are the JPEG/PNG files of the folder. Without --intrinsics the focal length is \
        guessed (1.2 × the longer side) and refined. With --priors (camera centres in metres, \
        Y up) the map is aligned to metres; otherwise it keeps its own scale.
        """)

    @Argument(help: "Folder of photos (JPEG or PNG).")
    var photos: String

    @Option(help: "Intrinsics: a JSON {fx,fy,cx,cy[,k1,k2,p1,p2]} or a 3×3 K matrix text file (K.txt).")
    var intrinsics: String?

    @Option(help: "Output .landmark file.")
    var out: String

    @Option(help: "Camera centres in metres (ground_truth.json format: images[].name + cameraFromWorld, or center).")
    var priors: String?

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 0

    @Option(help: "Downscale photos whose longer side exceeds this many pixels for feature extraction (0: never).")
    var maxImageSize: Int = 1600

    @Option(help: "Keep at most this many features per photo.")
    var maxFeatures: Int = 8192

    @Option(help: "Local features: sift or orb.")
    var features: FeatureKind = .sift

    @Option(help: "SIFT contrast threshold (0: OpenCV's 0.04; COLMAP's equivalent is about 0.02). Lower finds more, weaker features.")
    var siftContrast: Double = 0

    @Flag(help: "Add an ORB query layer to the SIFT map: ORB points triangulated with the registered poses, with patches; queries with known intrinsics then take 25 ms instead of 135 at 640×480 (docs/localization.md).")
    var orbLayer = false

    @Option(help: "ORB keypoints per photo for the ORB query layer.")
    var orbFeatures: Int = ORBLayerOptions().maxFeatures

    func validate() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: photos, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(photos) is not a folder; give the folder that holds the photos.")
        }
        if let intrinsics, !FileManager.default.fileExists(atPath: intrinsics) {
            throw ValidationError("the intrinsics file \(intrinsics) does not exist.")
        }
        if let priors, !FileManager.default.fileExists(atPath: priors) {
            throw ValidationError("the priors file \(priors) does not exist.")
        }
        guard maxImageSize >= 0, maxFeatures > 0 else {
            throw ValidationError("--max-image-size must be ≥ 0 and --max-features > 0.")
        }
        guard orbFeatures > 0 else { throw ValidationError("--orb-features must be > 0.") }
        if orbLayer && features != .sift { throw ValidationError("--orb-layer needs a SIFT map (--features sift).") }
        guard siftContrast >= 0, siftContrast < 1 else { throw ValidationError("--sift-contrast must be in [0, 1).") }
    }

    func run() throws {
        let start = Date()
        let collection = try PhotoCollection.scan(URL(fileURLWithPath: photos))
        for w in collection.warnings { printError("warning: \(w)") }
        var options = ReconstructionOptions()
        options.seed = seed
        options.orbLayer.enabled = orbLayer
        options.orbLayer.maxFeatures = orbFeatures
        options.features = FeatureOptions(kind: features, maxFeatures: maxFeatures, maxImageSize: maxImageSize,
                                          siftContrastThreshold: siftContrast)
        if let intrinsics { options.intrinsics = try IntrinsicsPrior.load(from: URL(fileURLWithPath: intrinsics)) }
        let cameraPriors = try priors.map { try CameraPriors.load(from: URL(fileURLWithPath: $0)) }
        let outURL = URL(fileURLWithPath: out)
        let name = outURL.deletingPathExtension().lastPathComponent
        var result = try reconstruct(collection, options: options, name: name) { printError("warning: \($0)") }
        var frame = "own scale (no priors; not metric)"
        if let cameraPriors { frame = try alignToPriors(&result.map, priors: cameraPriors, seed: seed) }
        try LandmarkStore.write(result.map, to: outURL)
        let s = result.stats
        print("registered \(s.registeredCount)/\(s.imageCount) photos, \(s.pointCount) points, "
              + String(format: "mean reprojection error %.3f px, track length %.2f", s.meanReprojectionError, s.meanTrackLength))
        if !s.unregistered.isEmpty { print("not registered: \(s.unregistered.joined(separator: ", "))") }
        if !result.map.orbPoints.isEmpty { print("ORB query layer: \(result.map.orbPoints.count) points") }
        print("frame: \(frame)")
        print(String(format: "wrote %@ in %.1f s (", out, Date().timeIntervalSince(start))
              + s.stageSeconds.map { String(format: "%@ %.1f s", $0.stage, $0.seconds) }.joined(separator: ", ") + ")")
    }
}

extension FeatureKind: ExpressibleByArgument {}

func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
