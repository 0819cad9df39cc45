import ArgumentParser
import AssetPipeline
import Foundation

extension Landmark.Asset {
    /// `landmark asset uv IN --out OUT.glb [--report uv.json]`: a new UV atlas, no re-baking.
    struct UV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "uv",
            abstract: "Unwrap every mesh of an asset into one UV atlas (TEXCOORD_0) and write glTF.",
            discussion: """
            The old TEXCOORD_0 moves to TEXCOORD_1 and the materials' textures are pointed at it, so \
            the asset renders as before. The report gives charts, utilization, L2 stretch and flips.
            """
        )

        @Argument(help: "Input mesh (.glb, .gltf, .obj or .ply).")
        var input: String

        @Option(name: .long, help: "Output file (.glb or .gltf).")
        var out: String

        @Option(help: "Write the atlas report as JSON here.")
        var report: String?

        @Option(help: "Atlas width and height in texels.")
        var resolution = 1024

        @Option(help: "Minimum empty texels between charts.")
        var gutter = 2

        @Option(help: "Normal cone half-angle of a chart, in degrees (0–90).")
        var maxDeviation = 66.0

        func validate() throws {
            let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
            guard ext == "glb" || ext == "gltf" else { throw ValidationError("--out must end in .glb or .gltf; got '\(out)'.") }
            guard (8...16384).contains(resolution) else { throw ValidationError("--resolution must be between 8 and 16384, e.g. 2048; got \(resolution).") }
            guard gutter >= 0 && gutter * 4 < resolution else { throw ValidationError("--gutter must be ≥ 0 and under a quarter of the resolution; got \(gutter).") }
            guard maxDeviation > 0 && maxDeviation < 90 else { throw ValidationError("--max-deviation must be between 0 and 90 degrees; got \(maxDeviation).") }
        }

        func run() async throws {
            let asset = try AssetLoader.load(URL(fileURLWithPath: input))
            var options = AtlasOptions()
            options.resolution = resolution
            options.gutterTexels = gutter
            options.maxNormalDeviationDegrees = maxDeviation
            let (unwrapped, atlasReport) = try unwrapAsset(asset, options: options)
            try unwrapped.validate()
            // Both files are complete in memory before anything is written.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            let reportData = try encoder.encode(atlasReport)
            try unwrapped.write(to: URL(fileURLWithPath: out))
            if let report { try reportData.write(to: URL(fileURLWithPath: report), options: .atomic) }
            for w in atlasReport.warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
            print("charts       \(atlasReport.charts)")
            print(String(format: "utilization  %.3f of %d×%d", atlasReport.utilization, resolution, resolution))
            print(String(format: "L2 stretch   %.3f (worst chart %.3f)", atlasReport.l2Stretch, atlasReport.maxChartStretch))
            print("flips        \(atlasReport.flippedTriangles)")
            print("wrote        \(out)")
        }
    }
}
