import AssetPipeline
import ArgumentParser
import Foundation

/// `landmark asset compare A B [--json]`: surface distance between two meshes.
struct AssetCompare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Symmetric Hausdorff and RMS surface distance between two meshes, relative to A's bounding-box diagonal.",
        discussion: "Same definition as ../shared/peers/mesh_baseline.py: area-weighted samples on each surface, exact nearest-point distances both ways."
    )

    @Argument(help: "Reference mesh (sets the scale).") var a: String
    @Argument(help: "Mesh to compare.") var b: String
    @Option(help: "Samples per surface.") var samples = 100_000
    @Option(help: "Sampling seed.") var seed: UInt64 = 0
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard samples >= 100 else { throw ValidationError("--samples must be at least 100; got \(samples).") }
    }

    func run() async throws {
        let meshA = try AssetLoader.worldMesh(AssetLoader.load(URL(fileURLWithPath: a)))
        let meshB = try AssetLoader.worldMesh(AssetLoader.load(URL(fileURLWithPath: b)))
        let d = SurfaceDistance.measure(meshA, meshB, samples: samples, seed: seed)
        if json {
            let encoder = JSONEncoder(); encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(d), as: UTF8.self))
        } else {
            print(String(format: "hausdorff %.4g, rms %.4g, mean %.4g (relative to A's bbox diagonal %.4g); triangles %d vs %d",
                         d.hausdorff, d.rms, d.mean, d.diagonal, d.trianglesA, d.trianglesB))
        }
    }
}
