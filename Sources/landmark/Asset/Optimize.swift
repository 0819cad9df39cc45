import AssetPipeline
import ArgumentParser
import Foundation
import GLTF

extension Landmark.Asset {
    /// `landmark asset optimize IN --out OUT.glb [--triangles N | --ratio R | --error E] [--lods …]`.
    struct Optimize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "optimize",
            abstract: "Decimate every mesh of an asset and write glTF (.glb or .gltf), optionally with LODs.",
            discussion: """
            LOD levels are written as separate files beside the output: OUT_lod1.glb, OUT_lod2.glb, …
            Each is a complete asset (same nodes, skins, animations, materials) whose meshes are
            decimated from the previous level to the given ratio of the input's triangles.
            """
        )

        @Argument(help: "Input mesh (.glb, .gltf, .obj or .ply).")
        var input: String

        @Option(name: .long, help: "Output file (.glb or .gltf).")
        var out: String

        @Option(help: "Target triangle count for the whole asset.")
        var triangles: Int?

        @Option(help: "Target ratio of the input triangles, in (0, 1].")
        var ratio: Double?

        @Option(help: "Maximum error relative to each mesh's bounding-box diagonal, e.g. 0.002. With --triangles or --ratio it defaults to 0.01, so that seams and borders are not torn to reach a count; pass --error 1 to reach the count at any cost.")
        var error: Double?

        @Option(help: "LOD ratios of the input triangles, decreasing, e.g. 0.5,0.25,0.1.")
        var lods: String?

        @Option(help: "Also unwrap the result into one UV atlas of N×N texels (TEXCOORD_0; old UVs move to TEXCOORD_1 unless --bake).")
        var atlas: Int?

        @Flag(help: "With --atlas: re-bake base colour, metallic-roughness, emissive and a normal map from the input onto the atlas, as one material.")
        var bake = false

        @Option(help: "Base colour texture for an OBJ/PLY input that names none. Without it such an input takes <stem>.png/.jpg beside it, else the only image in its folder.")
        var texture: String?

        @Option(help: "Weight of texture-coordinate error against position error (bbox diagonals per UV unit); higher keeps texture mapping tighter.")
        var uvWeight: Double?

        @Option(help: "Texture-aware decimation strength: triangles under base colour texture edges weigh up to 1 + 16×S in the error, so the texture stays in place there (0 turns it off).")
        var textureDetail: Double = AssetOptimizeOptions.defaultTextureDetail

        @Flag(help: "Store positions, normals, tangents and UVs as normalized integers (KHR_mesh_quantization, declared required).")
        var quantize = false

        @Option(help: "Texture encoding: keep, png, jpeg, or color-jpeg (base colour and emissive JPEG, data maps keep their format). KTX2 is not offered: Debian has no KTX2 encoder.")
        var textureFormat: TextureOutputFormat?

        @Option(help: "Downscale textures larger than N pixels on a side.")
        var maxTextureSize: Int?

        @Option(help: "JPEG quality 1…100 for --texture-format jpeg/color-jpeg.")
        var jpegQuality = 90

        @Flag(help: "Keep the decimator's vertex order (skip meshoptimizer's vertex cache and fetch ordering).")
        var keepVertexOrder = false

        @Option(help: "Platform preset. mobile-ar: at most 100k triangles, one texture set of at most 2048² (multi-material assets are unwrapped and re-baked onto one 2048² atlas), quantized, JPEG base colour.")
        var preset: Preset?

        enum Preset: String, ExpressibleByArgument, CaseIterable { case mobileAR = "mobile-ar" }

        @Flag(help: "Keep open borders exactly.")
        var lockBorders = false

        @OptionGroup var global: GlobalOptions
        /// `--json`: print the summary as JSON.
        var json: Bool { global.json }

        /// `--preset mobile-ar`'s triangle budget and texture size.
        static let mobileTriangleCap = 100_000
        static let mobileTextureSize = 2048

        /// meshoptimizer's default `target_error` too: 1 % of the diagonal.
        static let defaultMaxError = 0.01

        func validate() throws {
            if preset == .mobileAR, let t = triangles, t > Self.mobileTriangleCap {
                throw ValidationError("--preset mobile-ar allows at most \(Self.mobileTriangleCap) triangles; got --triangles \(t).")
            }
            if preset == nil, triangles == nil, ratio == nil, error == nil {
                throw ValidationError("Give a target: --triangles N, --ratio R or --error E (e.g. --ratio 0.1).")
            }
            if let r = ratio, !(r > 0 && r <= 1) { throw ValidationError("--ratio must be in (0, 1], e.g. 0.25; got \(r).") }
            if let t = triangles, t < 1 { throw ValidationError("--triangles must be at least 1; got \(t).") }
            if let e = error, !(e >= 0) { throw ValidationError("--error must be ≥ 0, e.g. 0.002; got \(e).") }
            let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
            guard ext == "glb" || ext == "gltf" else { throw ValidationError("--out must end in .glb or .gltf; got '\(out)'.") }
            _ = try lodRatios()
            if let w = uvWeight, !(w >= 0) { throw ValidationError("--uv-weight must be ≥ 0, e.g. 4; got \(w).") }
            if !(textureDetail >= 0 && textureDetail.isFinite) { throw ValidationError("--texture-detail must be ≥ 0, e.g. 4 (0 turns it off); got \(textureDetail).") }
            if bake && atlas == nil { throw ValidationError("--bake needs --atlas N (the atlas resolution), e.g. --atlas 2048 --bake.") }
            if let m = maxTextureSize, m < 1 { throw ValidationError("--max-texture-size must be at least 1, e.g. 2048; got \(m).") }
            guard (1...100).contains(jpegQuality) else { throw ValidationError("--jpeg-quality must be 1…100, e.g. 90; got \(jpegQuality).") }
            if let atlas, !(8...16384).contains(atlas) { throw ValidationError("--atlas must be between 8 and 16384 texels, e.g. 2048; got \(atlas).") }
        }

        func lodRatios() throws -> [Double] {
            guard let lods else { return [] }
            let parts = lods.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.allSatisfy({ $0 != nil && $0! > 0 && $0! < 1 }) else {
                throw ValidationError("--lods takes decreasing ratios in (0, 1) separated by commas, e.g. 0.5,0.25,0.1; got '\(lods)'.")
            }
            let values = parts.map { $0! }
            guard zip(values, values.dropFirst()).allSatisfy({ $0 > $1 }) else {
                throw ValidationError("--lods ratios must decrease, e.g. 0.5,0.25,0.1; got '\(lods)'.")
            }
            return values
        }

        func run() async throws {
            let start = Date()
            var settings = AssetJob.Settings(targetTriangles: triangles, targetRatio: ratio, maxError: error)
            settings.lodRatios = try lodRatios()
            settings.lockBorders = lockBorders
            settings.uvWeight = uvWeight
            settings.textureDetail = textureDetail
            settings.atlas = atlas.map { AssetJob.Settings.Atlas(sizeTexels: $0, bake: bake ? .always : .never) }
            settings.quantize = quantize
            settings.textureFormat = textureFormat
            settings.maxTextureSize = maxTextureSize
            settings.jpegQuality = jpegQuality
            settings.keepVertexOrder = keepVertexOrder
            settings.baseColorTexture = texture.map { URL(fileURLWithPath: $0) }
            settings.preset = preset == .mobileAR ? .mobileAR : nil
            let (files, job) = try AssetJob.run(input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: out),
                                                settings: settings, progress: !json)
            let report = job.optimize, engineReport = job.engine, summaryIn = job.input, summaryOut = job.output
            let written = files.map { ($0.url.path, $0.bytes) }
            let seconds = Date().timeIntervalSince(start)
            let summary = OptimizeSummary(input: input, output: written.map(\.0), trianglesIn: report.trianglesIn,
                                          trianglesOut: report.output.triangles, error: report.output.error,
                                          seconds: seconds, bytesIn: job.inputBytes, bytesOut: written.map(\.1),
                                          lods: report.lods, warnings: report.warnings,
                                          materialsIn: summaryIn.materials.count, materialsOut: summaryOut.materials.count,
                                          texturesIn: summaryIn.textures, texturesOut: summaryOut.textures,
                                          imagesIn: summaryIn.images, imagesOut: summaryOut.images, engine: engineReport)
            if json {
                let encoder = JSONEncoder(); encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                for w in report.warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
                print("triangles  \(report.trianglesIn) → \(report.output.triangles)")
                print(String(format: "error      %.3g of the bounding-box diagonal", report.output.error))
                for (i, lod) in report.lods.enumerated() {
                    print(String(format: "lod%d       %d triangles (ratio %.3g), error %.3g → %@", i + 1, lod.triangles, lod.ratio ?? 0, lod.error, written[i + 1].0))
                }
                print("materials  \(summaryIn.materials.count) → \(summaryOut.materials.count)")
                print("textures   \(summaryIn.textures) → \(summaryOut.textures) (images \(summaryIn.images) → \(summaryOut.images), \(engineReport.imagesReencoded) re-encoded)")
                if engineReport.acmrBefore > 0 {
                    print(String(format: "vertex cache ACMR %.3f → %.3f (16-entry FIFO)", engineReport.acmrBefore, engineReport.acmrAfter))
                }
                if job.applied.quantize {
                    print("quantized  \(engineReport.quantizedPrimitives) primitives (KHR_mesh_quantization)" +
                          (engineReport.floatPositions.isEmpty ? "" : "; float positions: " + engineReport.floatPositions.joined(separator: "; ")))
                }
                print(String(format: "time       %.2f s", seconds))
                print("bytes      \(summary.bytesIn) → \(summary.bytesOut.first ?? 0) (\(out))")
            }
        }

        struct OptimizeSummary: Codable {
            var input: String
            var output: [String]
            var trianglesIn: Int
            var trianglesOut: Int
            var error: Double
            var seconds: Double
            var bytesIn: Int
            var bytesOut: [Int]
            var lods: [AssetLevelReport]
            var warnings: [String]
            var materialsIn: Int
            var materialsOut: Int
            var texturesIn: Int
            var texturesOut: Int
            var imagesIn: Int
            var imagesOut: Int
            var engine: EngineExportReport
        }

        func fileSize(_ url: URL) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
        }

        /// The input file plus the buffers and images it refers to by relative path.
        func inputSize(_ url: URL, _ asset: GLTFAsset) -> Int {
            var total = fileSize(url)
            guard url.pathExtension.lowercased() == "gltf" else { return total }
            let dir = url.deletingLastPathComponent()
            let uris = asset.document.buffers.compactMap(\.uri) + asset.document.images.compactMap(\.uri)
            for uri in uris where !uri.hasPrefix("data:") {
                total += fileSize(dir.appendingPathComponent(uri.removingPercentEncoding ?? uri))
            }
            return total
        }
    }
}

extension TextureOutputFormat: ExpressibleByArgument {}
