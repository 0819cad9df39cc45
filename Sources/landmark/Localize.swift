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

        @Option(help: ArgumentHelp(
            "A tracking prior: JSON {\"rotation\":[w,x,y,z],\"translation\":[x,y,z]} as cameraFromLandmark (or a previous --json line), inline or in a file.",
            discussion: "A file of JSON lines, each with \"image\" (a frame's file name) and its pose, gives each frame its own prior (a tracking log); frames it does not name have none. The prior only proposes: the answer's \"prior\" says whether the image confirmed it."))
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
            if let prior, !prior.hasPrefix("{"), !FileManager.default.fileExists(atPath: prior) {
                throw ValidationError("--prior: \(prior) is neither a JSON pose nor a file that exists.")
            }
            guard maxImageSize >= 0 else { throw ValidationError("--max-image-size must be ≥ 0.") }
            guard minInliers >= 4 else { throw ValidationError("--min-inliers must be at least 4.") }
        }

        func run() throws {
            let queryIntrinsics = try Self.parseIntrinsics(intrinsics)
            let priors = try prior.map(Self.parsePriors)
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
                                                                          cameraFromLandmarkPrior: priors?.pose(for: name)))
                    print(global.json ? result.jsonLine(image: name) : Self.text(result, name: name))
                } catch {
                    printError("\(path): \(error)")
                    failures += 1
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }

        /// The `--prior` argument: one pose for every frame, or one per frame by file name.
        enum Priors {
            case all(Rigid3)
            case perImage([String: Rigid3])

            func pose(for name: String) -> Rigid3? {
                switch self {
                case .all(let pose): pose
                case .perImage(let poses): poses[name]
                }
            }
        }

        /// Inline JSON, a file with one pose, or a file of JSON lines with "image" and a pose.
        static func parsePriors(_ text: String) throws -> Priors {
            let data: Data
            if text.hasPrefix("{") {
                data = Data(text.utf8)
            } else {
                do { data = try Data(contentsOf: URL(fileURLWithPath: text)) } catch {
                    throw ValidationError("--prior: cannot read \(text).")
                }
            }
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            do {
                guard lines.count > 1 else { return .all(try PoseJSON.parseCameraFromLandmark(data)) }
                var poses: [String: Rigid3] = [:]
                for (n, line) in lines.enumerated() {
                    let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    guard let image = object?["image"] as? String else {
                        throw ValidationError("--prior: line \(n + 1) has no \"image\" (a file of several priors names each frame).")
                    }
                    poses[URL(fileURLWithPath: image).lastPathComponent] = try PoseJSON.parseCameraFromLandmark(Data(line.utf8))
                }
                return .perImage(poses)
            } catch let error as LocalizationError {
                throw ValidationError("--prior: \(error)")
            }
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
            if let prior = r.prior {
                s += prior.used ? String(format: ", prior used (%.2f m, %.2f° from it)", prior.offsetMetres ?? 0, prior.offsetDegrees ?? 0)
                    : ", prior not used: \(prior.rejectedReason ?? "")"
            }
            return s
        }
    }
}
