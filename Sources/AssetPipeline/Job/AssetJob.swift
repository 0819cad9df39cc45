import Foundation
import GLTF

/// The one recipe for optimizing an asset file, called by `landmark asset optimize` and by
/// batch `optimize` jobs alike: load → decimate (+ LODs) → atlas / bake → engine-ready →
/// validate → write. Every level is built in memory first; then all files are replaced
/// atomically together, so a failure writes nothing and a crash leaves old or new files.
public enum AssetJob {
    /// One file the job wrote.
    public struct WrittenFile: Sendable, Codable, Equatable {
        public var url: URL
        /// Size in bytes (for a `.gltf`, of its JSON; the `.bin` and images are not counted).
        public var bytes: Int
    }

    /// What a run did, for summaries and metrics.
    public struct Report: Sendable {
        /// The settings after the preset was applied to the input (e.g. mobile-ar's caps).
        public var applied: Settings
        /// Triangle counts and errors of each level; `warnings` gathers every step's warnings
        /// (decimation, then atlas and bake, then engine export) in that order.
        public var optimize: AssetOptimizeReport
        /// nil when `Settings.atlas` was nil.
        public var atlas: AtlasStepReport?
        /// The engine-export step of the main level.
        public var engine: EngineExportReport
        public var input: AssetSummary
        public var output: AssetSummary
        /// The input file plus the buffers and images it refers to by relative path, in bytes.
        public var inputBytes: Int
    }

    /// Where LOD level `level` (1, 2, …) of `output` is written by default: `out/x.glb` →
    /// `out/x_lod1.glb`.
    public static func lodURL(for output: URL, level: Int) -> URL {
        URL(fileURLWithPath: output.deletingPathExtension().path + "_lod\(level)." + output.pathExtension)
    }

    /// Runs the whole job.
    /// - Parameters:
    ///   - input: `.glb`, `.gltf`, `.obj` or `.ply`.
    ///   - output: `.glb` or `.gltf`; replaced if it exists.
    ///   - lodOutputs: one path per `settings.lodRatios` entry; nil: `lodURL(for:level:)`.
    ///   - settings: validated here first.
    ///   - progress: draw decimation progress bars on stderr (when it is a terminal).
    /// - Returns: the files written (the main output first, then the LODs) and the report.
    /// - Throws: `AssetJobError`, `MeshError`, `GLTFError`, `DecimationError`, `EngineExportError`;
    ///   nothing is written then.
    public static func run(input: URL, output: URL, lodOutputs: [URL]? = nil, settings: Settings,
                           progress: Bool = false) throws -> (outputs: [WrittenFile], report: Report) {
        try settings.validate()
        let outputExtension = output.pathExtension.lowercased()
        guard outputExtension == "glb" || outputExtension == "gltf" else { throw AssetJobError.unsupportedOutput(path: output.path) }
        let lodURLs = lodOutputs ?? settings.lodRatios.indices.map { lodURL(for: output, level: $0 + 1) }
        guard lodURLs.count == settings.lodRatios.count else {
            throw AssetJobError.invalidSetting(name: "lodRatios", message: "has \(settings.lodRatios.count) levels but \(lodURLs.count) LOD outputs were given")
        }

        // 1. Load, and resolve the preset against what the input holds.
        let asset = try AssetLoader.load(input, texture: settings.baseColorTexture.map { .file($0) } ?? .convention)
        let inputSummary = try AssetSummary(asset)
        let applied = resolvingPreset(settings, input: inputSummary)

        // 2. Decimate the main level and the LODs.
        var decimation = DecimationOptions(targetTriangleCount: applied.targetTriangles, targetRatio: applied.targetRatio,
                                           maxError: applied.maxError ?? Settings.defaultMaxError)
        decimation.lockBorders = applied.lockBorders
        if let uvWeight = applied.uvWeight { decimation.uvWeight = uvWeight }
        var optimizeOptions = AssetOptimizeOptions(decimation: decimation, lodRatios: applied.lodRatios)
        optimizeOptions.textureDetail = applied.textureDetail
        var (optimized, lods, report) = try optimizeAsset(asset, options: optimizeOptions, progress: progress)

        // 3. One UV atlas for the main level, textures re-baked onto it if asked.
        var atlasReport: AtlasStepReport?
        if let atlas = applied.atlas {
            let bake = atlas.bake == .always || (atlas.bake == .whenTextured && !asset.document.images.isEmpty)
            let step = try applyAtlas(original: asset, optimized: optimized, resolution: atlas.sizeTexels,
                                      gutterTexels: atlas.paddingTexels, bake: bake)
            optimized = step.asset
            atlasReport = step.report
            report.warnings += step.report.lines
        }

        // 4. Engine-ready: vertex order, quantization, textures, unused parts pruned.
        let engineOptions = engineExportOptions(applied)
        let (ready, engineReport) = try makeEngineReady(optimized, options: engineOptions)
        optimized = ready
        lods = try lods.map { try makeEngineReady($0, options: engineOptions).asset }
        report.warnings += engineReport.warnings

        // 5. Validate, then write every level at once.
        let outputSummary = try AssetSummary(optimized)
        try optimized.validate()
        let levels = [(optimized, output)] + Array(zip(lods, lodURLs))
        let sizes = try GLTFAsset.write(levels.map { (asset: $0.0, url: $0.1) })
        let written = zip(levels, sizes).map { WrittenFile(url: $0.1, bytes: $1) }
        return (written, Report(applied: applied, optimize: report, atlas: atlasReport, engine: engineReport,
                                input: inputSummary, output: outputSummary, inputBytes: inputBytes(input, asset)))
    }

    /// `settings` with the preset's caps applied for an input like `input`; unchanged without a preset.
    static func resolvingPreset(_ settings: Settings, input: AssetSummary) -> Settings {
        guard settings.preset == .mobileAR else { return settings }
        var applied = settings
        var triangles = min(settings.targetTriangles ?? Settings.mobileARTriangleCap, Settings.mobileARTriangleCap)
        if settings.targetRatio == nil, settings.maxError == nil, input.triangles <= triangles { triangles = input.triangles }
        applied.targetTriangles = triangles
        // One texture set: several textured materials become one baked atlas.
        if applied.atlas == nil, input.materials.count > 1 {
            applied.atlas = Settings.Atlas(sizeTexels: Settings.mobileARTextureSize, bake: .always)
        }
        applied.quantize = true
        applied.textureFormat = settings.textureFormat ?? .colorJPEG
        applied.maxTextureSize = min(settings.maxTextureSize ?? Settings.mobileARTextureSize, Settings.mobileARTextureSize)
        return applied
    }

    static func engineExportOptions(_ settings: Settings) -> EngineExportOptions {
        var options = EngineExportOptions()
        options.optimizeVertexOrder = !settings.keepVertexOrder
        options.quantize = settings.quantize
        options.textureFormat = settings.textureFormat ?? .keep
        options.maxTextureSize = settings.maxTextureSize
        options.jpegQuality = settings.jpegQuality
        return options
    }

    /// The input file plus the buffers and images a `.gltf` refers to by relative path.
    static func inputBytes(_ url: URL, _ asset: GLTFAsset) -> Int {
        func size(_ url: URL) -> Int { ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0 }
        var total = size(url)
        guard url.pathExtension.lowercased() == "gltf" else { return total }
        let folder = url.deletingLastPathComponent()
        let uris = asset.document.buffers.compactMap(\.uri) + asset.document.images.compactMap(\.uri)
        for uri in uris where !uri.hasPrefix("data:") {
            total += size(folder.appendingPathComponent(uri.removingPercentEncoding ?? uri))
        }
        return total
    }
}
