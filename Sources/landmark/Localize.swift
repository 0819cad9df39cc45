import ArgumentParser
import Foundation
import Geometry
import LandmarkMap
import Localization
import Reconstruction
import Estimators

extension Landmark {
    /// `landmark localize MAP q1.jpg … --intrinsics fx,fy,cx,cy|FILE [--prior pose.json] --json`.
    struct Localize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "localize",
            abstract: "Localize camera frames against a landmark: the camera's 6-DoF pose in the landmark frame.",
            discussion: """
            With --json, prints one JSON object per frame, one per line: image, status \
            (localized | not_localized), reason, cameraFromLandmark {rotation [w,x,y,z], \
            translation} in OpenCV camera axes (as COLMAP's cam_from_world), landmarkFromCamera, \
            inliers, rmsePx, confidence, intrinsics, focalEstimated and timingsMs per stage. \
            Without --intrinsics the focal length is estimated and reported.
            """)

        @Argument(help: "The landmark's .landmark file.")
        var map: String

        @Argument(help: "Query frames (JPEG or PNG).")
        var images: [String]

        @Option(help: "Intrinsics in pixels of the frames as given: \"fx,fy,cx,cy\", \"f\", or a file (JSON {fx,fy,cx,cy} or a 3×3 K.txt). Omitted: the focal length is estimated.")
        var intrinsics: String?

        @Option(help: "A tracking prior: JSON {\"rotation\":[w,x,y,z],\"translation\":[x,y,z]} as cameraFromLandmark (or a previous --json line).")
        var prior: String?

        @OptionGroup var global: GlobalOptions

        @Option(help: "Downscale frames whose longer side exceeds this many pixels (0: never).")
        var maxImageSize: Int = LocalizationOptions().maxImageSize

        @Flag(help: "Ignore the map's ORB query layer (maps registered with --orb-layer, whose queries try it first: about 5× faster at 640×480 with SIFT's accuracy; see docs/localization.md).")
        var siftOnly = false

        @Option(help: "Answer not_localized below this many inliers.")
        var minInliers: Int = LocalizationOptions().minInliers

        func validate() throws {
            guard FileManager.default.fileExists(atPath: map) else {
                throw ValidationError("the map \(map) does not exist; make one with `landmark register`.")
            }
            guard !images.isEmpty else { throw ValidationError("give at least one query frame after the map.") }
            for image in images where !FileManager.default.fileExists(atPath: image) {
                throw ValidationError("the query frame \(image) does not exist.")
            }
            if let prior, !FileManager.default.fileExists(atPath: prior) {
                throw ValidationError("the prior file \(prior) does not exist.")
            }
            guard maxImageSize >= 0 else { throw ValidationError("--max-image-size must be ≥ 0.") }
            guard minInliers >= 4 else { throw ValidationError("--min-inliers must be at least 4.") }
        }

        func run() throws {
            let queryIntrinsics = try Self.parseIntrinsics(intrinsics)
            let priorPose = try prior.map { try PoseJSON.parseCameraFromLandmark(Data(contentsOf: URL(fileURLWithPath: $0))) }
            var options = LocalizationOptions()
            options.seed = global.seed(default: 0)
            options.maxImageSize = maxImageSize
            options.minInliers = minInliers
            options.useORBLayer = !siftOnly
            let featureMap = try LandmarkStore.read(from: URL(fileURLWithPath: map))
            let localizer = try Localizer(map: featureMap, options: options)
            var failures = 0
            for path in images {
                let name = URL(fileURLWithPath: path).lastPathComponent
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                    printError("\(path): cannot read the file"); failures += 1; continue
                }
                do {
                    let result = try localizer.localize(LocalizationQuery(imageData: data, name: name, intrinsics: queryIntrinsics,
                                                                          cameraFromLandmarkPrior: priorPose))
                    print(global.json ? result.jsonLine(image: name) : Self.text(result, name: name))
                } catch {
                    printError("\(path): \(error)")
                    failures += 1
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }

        /// "fx,fy,cx,cy", "f", or a file.
        static func parseIntrinsics(_ text: String?) throws -> QueryIntrinsics {
            guard let text else { return .unknown }
            if FileManager.default.fileExists(atPath: text) {
                let k = try IntrinsicsPrior.load(from: URL(fileURLWithPath: text))
                let q = QueryIntrinsics(fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy)
                try q.validate()
                return q
            }
            do { return try QueryIntrinsics(parsing: text) } catch {
                throw ValidationError("--intrinsics: \(error); or give a file that exists.")
            }
        }

        static func text(_ r: LocalizationResult, name: String) -> String {
            guard let pose = r.landmarkFromCamera else {
                return "\(name): not localized (\(r.reason ?? "no reason")) [\(String(format: "%.1f", r.timings.total)) ms]"
            }
            let c = pose.translation
            var s = String(format: "%@: localized, camera at (%.3f, %.3f, %.3f), %d inliers, RMSE %.2f px, confidence %.2f [%.1f ms]",
                           name, c.x, c.y, c.z, r.inliers, r.rmsePx ?? 0, r.confidence, r.timings.total)
            if r.focalEstimated, let k = r.intrinsics { s += String(format: ", estimated focal %.1f px", k.fx) }
            return s
        }
    }
}
