import Anchoring
import ArgumentParser
import AssetPipeline
import Foundation
import Geometry
import LandmarkMap
import Localization
import Rendering
import Imaging

extension Landmark {
    /// `landmark preview MAP FRAME --anchor roof --character hero.glb --out preview.png`.
    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Render the character standing on an anchor into a real frame, from the frame's localized pose.",
            discussion: """
            The frame is localized against the map; the character (a glTF/GLB, posed at --time of \
            its animation, or of --animation's) is placed on the anchor, lit simply and composited \
            over the frame. The landmark hides the character where it is in front: its mesh with \
            --landmark-mesh (e.g. the synthetic landmark's model.obj), else the map's points. \
            --frames N writes a contact sheet of N times across the animation.
            Example:
              landmark preview gate.landmark frame.jpg --intrinsics 800,800,512,384 --anchor roof \\
                  --character Assets/humanoid.glb --animation hero_walk.glb --frames 12 --out sheet.png
            """)

        @Argument(help: "The .landmark file.") var map: String
        @Argument(help: "The frame (JPEG or PNG).") var frame: String
        @Option(help: "The frame's intrinsics: \"fx,fy,cx,cy\" or a file; omitted: the focal length is estimated.")
        var intrinsics: String?
        @Option(help: "The anchor the character stands on.") var anchor: String
        @Option(help: "The character (glTF or GLB).") var character: String
        @Option(help: "A glTF/GLB whose first animation drives the character (by joint name); default: the character's own.")
        var animation: String?
        @Option(help: "The animation time in seconds.") var time: Double = 0
        @Option(help: "A contact sheet of this many times across the animation instead of one image.")
        var frames: Int?
        @Option(help: "The landmark's surface mesh (OBJ/PLY/glTF) to occlude the character; default: the map's points.")
        var landmarkMesh: String?
        @Option(help: "The output PNG.") var out: String
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard time.isFinite, time >= 0 else { throw ValidationError("--time must be a non-negative number of seconds.") }
            if let frames, !(1...64).contains(frames) { throw ValidationError("--frames must be between 1 and 64.") }
            for (flag, path) in [("map", map), ("frame", frame), ("--character", character)] + (animation.map { [("--animation", $0)] } ?? [])
                + (landmarkMesh.map { [("--landmark-mesh", $0)] } ?? []) where !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("\(flag) \(path) does not exist.")
            }
        }

        func run() async throws {
            let featureMap = try LandmarkStore.read(from: URL(fileURLWithPath: map))
            guard let anchorValue = featureMap.anchors.first(where: { $0.name == anchor }) else {
                let names = featureMap.anchors.map(\.name)
                throw CLIError("map \(map) has no anchor named '\(anchor)'" + (names.isEmpty ? " (it has none; add one with `landmark anchor add`)" : " (it has: \(names.joined(separator: ", ")))"))
            }
            let frameData = try Data(contentsOf: URL(fileURLWithPath: frame))
            let localizer = try Localizer(map: featureMap)
            let result = try localizer.localize(LocalizationQuery(imageData: frameData, name: frame,
                                                                  intrinsics: try Landmark.Localize.parseIntrinsics(intrinsics)))
            guard let cameraFromLandmark = result.cameraFromLandmark, let k = result.intrinsics else {
                throw CLIError("\(frame) could not be localized against \(map): \(result.reason ?? "not localized")")
            }
            let image = try Image8(decoding: frameData, channels: 3, name: frame)
            let poser = try CharacterPoser(asset: try AssetLoader.load(URL(fileURLWithPath: character)), name: character)
            let source = try animation.map { (try CharacterPoser(asset: try AssetLoader.load(URL(fileURLWithPath: $0)), name: $0), 0) }
                ?? (poser.animationCount > 0 ? (poser, 0) : nil)
            let occluder = try PreviewSupport.occluder(map: featureMap, meshPath: landmarkMesh)
            let duration = try source.map { try $0.0.duration(ofAnimation: $0.1) } ?? 0
            let times = frames.map { n in (0..<n).map { duration * Double($0) / Double(max(1, n)) } } ?? [time]
            var renders: [PreviewResult] = []
            for t in times {
                let scene = try poser.scene(animationFrom: source, time: t)
                renders.append(try PreviewRenderer.render(frame: image, intrinsics: k, cameraFromLandmark: cameraFromLandmark,
                                                          landmarkFromAnchor: anchorValue.landmarkFromAnchor,
                                                          character: scene, occluder: occluder))
            }
            let output = renders.count == 1 ? renders[0].image : ContactSheet.make(renders.map(\.image))
            try output.write(to: URL(fileURLWithPath: out))
            let first = renders[0]
            if global.json {
                var object = result.jsonObject(image: frame)
                object["preview"] = out
                object["times"] = times
                object["visiblePixels"] = renders.map(\.visiblePixels)
                object["silhouettePixels"] = renders.map(\.silhouettePixels)
                object["cameraFromAnchor"] = LocalizationResult.poseJSON(anchorValue.cameraFromAnchor(cameraFromLandmark))
                print(LocalizationResult.serialize(object))
            } else {
                print(String(format: "localized %@ (%d inliers, %.2f px RMSE); character on '%@': %d of %d silhouette pixels visible; wrote %@",
                             frame, result.inliers, result.rmsePx ?? 0, anchor, first.visiblePixels, first.silhouettePixels, out))
            }
        }
    }
}
