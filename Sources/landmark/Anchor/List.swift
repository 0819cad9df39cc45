import ArgumentParser
import Foundation
import LandmarkMap

extension Landmark.Anchor {
    /// `landmark anchor list MAP [--json]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a map's anchors.")
        @Argument(help: "The .landmark file.") var map: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let anchors = try LandmarkStore.anchors(in: URL(fileURLWithPath: map))
            if global.json {
                let data = try JSONEncoder.landmark.encode(anchors.map(AnchorJSON.init))
                print(String(decoding: data, as: UTF8.self))
                return
            }
            if anchors.isEmpty { print("no anchors"); return }
            for a in anchors {
                let p = a.position, f = a.forward
                print(String(format: "%@\tposition (%.3f, %.3f, %.3f)\tforward (%.3f, %.3f, %.3f)", a.name, p.x, p.y, p.z, f.x, f.y, f.z))
            }
        }
    }
}
