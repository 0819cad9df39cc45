import ArgumentParser
import Features
import Foundation
import LandmarkMap
import Reconstruction

extension Landmark {
    /// `landmark register PHOTOS --out X.landmark`, or `landmark register Landmarks/gate` (a
    /// landmark.yaml): photos in, a feature map out.
    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconstruct a landmark from photos (structure from motion) and store its feature map.",
            discussion: """
            Photos are the JPEG/PNG files of the folder. Without --intrinsics the focal length is \
            guessed (1.2 × the longer side) and refined. With --priors (camera centres in metres, \
            Y up) the map is aligned to metres. Without, it keeps its own scale but is turned so \
            that +Y is the up the cameras agree on (photos taken upright; --gravity none keeps \
            the reconstruction's orientation); `landmark scale` then makes it metric from one \
            measured distance.

            Given a landmark.yaml (or the registry folder holding one, e.g. Landmarks/gate), its \
            photos, intrinsics, priors and registration settings are used (--seed still overrides \
            its seed), the map is written beside it as NAME.landmark (or to --out), and its \
            anchors are placed. See Landmarks/README.md.
            """)

        @Argument(help: "Folder of photos (JPEG or PNG), or a landmark.yaml or the folder holding one.")
        var photos: String

        @Option(help: "Intrinsics: a JSON {fx,fy,cx,cy[,k1,k2,p1,p2]} or a 3×3 K matrix text file (K.txt).")
        var intrinsics: String?

        @Option(help: "Output .landmark file (with a landmark.yaml: default NAME.landmark beside it).")
        var out: String?

        @Option(help: "Camera centres in metres (ground_truth.json format: images[].name + cameraFromWorld, or center).")
        var priors: String?

        @Option(help: "Without --priors: camera-up turns the map so +Y is the cameras' mean up (photos taken upright); none keeps the reconstruction's orientation.")
        var gravity: GravityMode = .cameraUp

        @OptionGroup var global: GlobalOptions

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

        /// Whether `photos` names a landmark.yaml or a folder holding one.
        var isManifest: Bool {
            photos.hasSuffix(".yaml") || photos.hasSuffix(".yml")
                || FileManager.default.fileExists(atPath: URL(fileURLWithPath: photos).appendingPathComponent(LandmarkManifest.fileName).path)
        }

        func validate() throws {
            if isManifest {
                if intrinsics != nil || priors != nil {
                    throw ValidationError("\(photos) is a landmark manifest: give intrinsics and priors in its landmark.yaml, not as --intrinsics/--priors.")
                }
                return
            }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: photos, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("\(photos) is not a folder; give the folder that holds the photos.")
            }
            guard out != nil else { throw ValidationError("Missing expected argument '--out <out>' (the .landmark file to write).") }
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
            if isManifest {
                let (manifest, folder) = try LandmarkManifest.load(from: photos)
                let job = try LandmarkRegistration(manifest: manifest, folder: folder, seedOverride: global.seed)
                let outURL = out.map { URL(fileURLWithPath: $0) } ?? folder.appendingPathComponent("\(manifest.name).landmark")
                try job.run(to: outURL)
                return
            }
            let seed = global.seed(default: 0)
            var options = ReconstructionOptions()
            options.seed = seed
            options.orbLayer.enabled = orbLayer
            options.orbLayer.maxFeatures = orbFeatures
            options.features = FeatureOptions(kind: features, maxFeatures: maxFeatures, maxImageSize: maxImageSize,
                                              siftContrastThreshold: siftContrast)
            if let intrinsics { options.intrinsics = try IntrinsicsPrior.load(from: URL(fileURLWithPath: intrinsics)) }
            let cameraPriors = try priors.map { try CameraPriors.load(from: URL(fileURLWithPath: $0)) }
            try Self.register(photos: URL(fileURLWithPath: photos), options: options, priors: cameraPriors, seed: seed,
                              out: URL(fileURLWithPath: out!), outLabel: out!, gravity: gravity)
        }

        /// Reconstructs, aligns to the priors when given, writes the map and prints the figures.
        static func register(photos: URL, options: ReconstructionOptions, priors: CameraPriors?, seed: UInt64,
                             out outURL: URL, outLabel: String, gravity: GravityMode = .cameraUp) throws {
            let start = Date()
            let collection = try PhotoCollection.scan(photos)
            for w in collection.warnings { printError("warning: \(w)") }
            let name = outURL.deletingPathExtension().lastPathComponent
            var result = try reconstruct(collection, options: options, name: name) { printError("warning: \($0)") }
            var frame = "own scale (no priors; not metric)"
            if let priors {
                frame = try alignToPriors(&result.map, priors: priors, seed: seed)
            } else if gravity == .cameraUp, result.map.keyframes.count >= CameraUpOptions().minCameras {
                frame = try alignToCameraUp(&result.map).summary
            } else {
                if gravity == .cameraUp { printError("warning: \(result.map.keyframes.count) registered photos are too few to find up; the map keeps the reconstruction's orientation") }
                result.map.metadata.frame = FrameProvenance()
            }
            try LandmarkStore.write(result.map, to: outURL)
            let s = result.stats
            print("registered \(s.registeredCount)/\(s.imageCount) photos, \(s.pointCount) points, "
                  + String(format: "mean reprojection error %.3f px, track length %.2f", s.meanReprojectionError, s.meanTrackLength))
            if !s.unregistered.isEmpty { print("not registered: \(s.unregistered.joined(separator: ", "))") }
            if !result.map.orbPoints.isEmpty { print("ORB query layer: \(result.map.orbPoints.count) points") }
            print("frame: \(frame)")
            print(String(format: "wrote %@ in %.1f s (", outLabel, Date().timeIntervalSince(start))
                  + s.stageSeconds.map { String(format: "%@ %.1f s", $0.stage, $0.seconds) }.joined(separator: ", ") + ")")
        }
    }
}

extension FeatureKind: ExpressibleByArgument {}

/// `register --gravity`: how a map without priors is oriented.
enum GravityMode: String, ExpressibleByArgument, CaseIterable {
    case cameraUp = "camera-up"
    case none
}
