import AssetPipeline
import ArgumentParser
import Foundation

extension Landmark.Asset {
    /// `landmark asset info FILE`: what a mesh file holds.
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "info",
            abstract: "Print meshes, triangles, materials, textures, skins and animations of a .glb/.gltf/.obj/.ply file."
        )

        @Argument(help: "The file to inspect (.glb, .gltf, .obj or .ply).")
        var file: String

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let asset = try AssetLoader.load(URL(fileURLWithPath: file))
            let summary = try AssetSummary(asset)
            if global.json {
                print(try summary.jsonString())
            } else {
                print(summary.text)
            }
        }
    }
}
