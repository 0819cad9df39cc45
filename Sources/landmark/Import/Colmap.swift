import ArgumentParser
import Foundation
import LandmarkMap
import Reconstruction
import Support

extension Landmark.Import {
    /// `landmark import colmap MODEL --images PHOTOS --out X.landmark [--name N] [--metric]`.
    struct Colmap: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "colmap",
            abstract: "Import a COLMAP text model (cameras.txt, images.txt, points3D.txt).",
            discussion: """
                Reads the model, then computes SIFT descriptors at every observed keypoint from
                the photos (image names in images.txt are relative to --images), so the map can
                localize queries. COLMAP's text model has no keypoint scale: each keypoint takes
                the scale and orientation of the OpenCV SIFT detection at its position, or a
                default. A binary model must first be converted:
                  colmap model_converter --input_path sparse/0 --output_path model --output_type TXT

                Example:
                  landmark import colmap model/ --images photos/ --out gate.landmark --name gate
                """)

        @Argument(help: "The folder with cameras.txt, images.txt and points3D.txt.")
        var model: String

        @Option(help: "The folder of the photos the model was made from.")
        var images: String

        @Option(help: "The .landmark file to write.")
        var out: String

        @Option(help: "The landmark's name (default: --out's file name without extension).")
        var name: String?

        @Flag(help: "Declare the model's frame metric (metres, Y up); only if it was aligned so.")
        var metric = false

        func validate() throws {
            for (flag, path) in [("model", model), ("--images", images)] {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw ValidationError("\(flag) \(path) is not a folder.")
                }
            }
            guard out.hasSuffix(".landmark") else { throw ValidationError("--out should end in .landmark, e.g. --out gate.landmark.") }
        }

        func run() throws {
            let outURL = URL(fileURLWithPath: out)
            let mapName = name ?? outURL.deletingPathExtension().lastPathComponent
            let metadata = MapMetadata(name: mapName, featureKind: .sift, isMetric: metric,
                                       alignment: metric ? "declared metric at import" : nil,
                                       createdAt: Date().timeIntervalSince1970,
                                       generator: "landmark import colmap \(model)")
            let modelURL = URL(fileURLWithPath: model)
            var bar: ProgressBar?
            let (map, report) = try ColmapImport.importModel(from: modelURL, images: URL(fileURLWithPath: images),
                                                             metadata: metadata) { done, total in
                if bar == nil { bar = ProgressBar("descriptors", total: total) }
                bar?.update(done)
            }
            bar?.finish()
            try LandmarkStore.write(map, to: outURL)
            print("wrote \(out): \(map.keyframes.count) keyframes, \(map.points.count) points, "
                  + "\(report.observations) descriptors (\(report.snapped) at a SIFT detection's scale)")
            if !metric { print("note: the map keeps COLMAP's own scale (not metric)") }
        }
    }
}
