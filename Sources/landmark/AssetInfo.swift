import AssetPipeline
import ArgumentParser
import Foundation

/// `landmark asset info FILE`: what a mesh file holds.
struct AssetInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print meshes, triangles, materials, textures, skins and animations of a .glb/.gltf/.obj/.ply file."
    )

    @Argument(help: "The file to inspect (.glb, .gltf, .obj or .ply).")
    var file: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let asset = try AssetLoader.load(URL(fileURLWithPath: file))
        let summary = try AssetSummary(asset)
        if json {
            print(try summary.jsonString())
        } else {
            print(summary.text)
        }
    }
}
