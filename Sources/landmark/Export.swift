import ArgumentParser
import Foundation
import LandmarkMap

extension Landmark {
    /// `landmark export X.landmark --format colmap|ply --out PATH`.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export a landmark map as a COLMAP text model or a PLY point cloud.",
            discussion: """
                colmap writes cameras.txt, images.txt and points3D.txt into --out (a directory,
                created if missing), readable by COLMAP and pycolmap: poses are camera-from-world,
                pixel coordinates follow COLMAP's convention (+0.5 from OpenCV's).
                ply writes the points with their colours (binary little-endian unless --ascii),
                and with --cameras the camera centres as red vertices.

                Examples:
                  landmark export gate.landmark --format colmap --out model/
                  landmark export gate.landmark --format ply --out points.ply --cameras
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case colmap, ply }

        @Argument(help: "The .landmark file.")
        var file: String

        @Option(help: "colmap or ply.")
        var format: Format

        @Option(help: "Output: a directory for colmap, a .ply file for ply.")
        var out: String

        @Flag(help: "ply only: append the keyframes' camera centres as red vertices.")
        var cameras = false

        @Flag(help: "ply only: write ASCII instead of binary little-endian.")
        var ascii = false

        func validate() throws {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory)
            switch format {
            case .colmap:
                if cameras || ascii { throw ValidationError("--cameras and --ascii apply to --format ply only.") }
                if exists && !isDirectory.boolValue {
                    throw ValidationError("--out \(out) is a file; --format colmap writes a directory (cameras.txt, images.txt, points3D.txt).")
                }
            case .ply:
                if exists && isDirectory.boolValue { throw ValidationError("--out \(out) is a directory; --format ply writes one file, e.g. --out points.ply.") }
            }
            let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
            if !FileManager.default.fileExists(atPath: parent) {
                throw ValidationError("the folder \(parent) for --out does not exist; create it first.")
            }
        }

        func run() throws {
            let map = try LandmarkStore.read(from: URL(fileURLWithPath: file))
            let outURL = URL(fileURLWithPath: out)
            switch format {
            case .colmap:
                try ColmapText.write(map, to: outURL)
                print("wrote \(out): cameras.txt (\(map.cameras.count)), images.txt (\(map.keyframes.count)), points3D.txt (\(map.points.count))")
            case .ply:
                try PLY.write(map, to: outURL, includeCameras: cameras, encoding: ascii ? .ascii : .binary)
                print("wrote \(out): \(map.points.count) points" + (cameras ? " + \(map.keyframes.count) camera centres" : ""))
            }
            if !map.metadata.isMetric { print("note: the map is not metric (own scale); so are the exported coordinates") }
        }
    }
}
