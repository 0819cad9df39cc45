import AssetPipeline
import Foundation

/// `optimize`: makes a film-grade asset fit for phones (decimation, UV atlas, engine-ready
/// export, LODs) and writes GLB, through `AssetJob`, the recipe `landmark asset optimize` runs
/// too (see `AssetOptimizeAdapter.swift`): the same settings give the same bytes.
///
/// ```yaml
/// - kind: optimize
///   input: assets/*.glb          # a glob: one job per matched file
///   output: out/{stem}.glb
///   targets: {ratio: 0.25}      # or triangles: 50000, and/or error: 0.01 (relative; default 0.01)
///   lods: [0.5, 0.25]           # or a count: 3; written as out/x_lod1.glb, out/x_lod2.glb
///   atlas: false                # or true (2048² atlas, textures re-baked), or {size: 2048, padding: 4, bake: true}
///   preset: mobile-ar           # and the other `asset optimize` options: quantize, textureFormat, …
/// ```
public struct OptimizeKind: JobKind {
    public init() {}
    public let name = "optimize"
    public var parameters: [ParameterSpec] {
        [
            ParameterSpec("input", .inputPath, required: true, help: "the asset to optimize (.glb, .gltf, .obj, .ply; may be a glob)"),
            ParameterSpec("output", .outputPath, required: true, help: "the GLB to write, e.g. out/{stem}.glb"),
            ParameterSpec("targets", .object([
                ParameterSpec("triangles", .integer, help: "at most this many triangles"),
                ParameterSpec("ratio", .number, help: "keep this fraction of the triangles, in (0, 1]"),
                ParameterSpec("error", .number, help: "maximum geometric error relative to the mesh's extent"),
            ]), help: "decimation targets; the first one reached stops decimation"),
            ParameterSpec("lods", .oneOf([.integer, .list(.number)]),
                          help: "extra levels of detail written beside the output (x_lod1.glb, ...): decreasing ratios of the input's triangles, or a count n (each level half the previous, from targets.ratio)"),
            ParameterSpec("atlas", .oneOf([.boolean, .object([
                ParameterSpec("size", .integer, help: "atlas texture size in pixels"),
                ParameterSpec("padding", .integer, help: "gutter between charts in pixels"),
                ParameterSpec("bake", .boolean, help: "re-bake the materials onto the atlas (default: when the input has textures)"),
            ])]), help: "re-unwrap into one UV atlas and re-bake the textures"),
            // The options of `landmark asset optimize`, under the same names in camel case.
            ParameterSpec("preset", .string, help: "platform preset: mobile-ar (at most 100k triangles, one texture set of at most 2048², quantized, JPEG base colour)"),
            ParameterSpec("texture", .inputPath, help: "base colour texture for an OBJ/PLY input that names none (default: <stem>.png/.jpg beside it)"),
            ParameterSpec("uvWeight", .number, help: "weight of texture-coordinate error against position error (bbox diagonals per UV unit)"),
            ParameterSpec("textureDetail", .number, help: "texture-aware decimation strength (default 4; 0 turns it off)"),
            ParameterSpec("lockBorders", .boolean, help: "keep open borders exactly"),
            ParameterSpec("quantize", .boolean, help: "store attributes as normalized integers (KHR_mesh_quantization)"),
            ParameterSpec("textureFormat", .string, help: "texture encoding: keep, png, jpeg or color-jpeg"),
            ParameterSpec("maxTextureSize", .integer, help: "downscale textures larger than this many pixels on a side"),
            ParameterSpec("jpegQuality", .integer, help: "JPEG quality 1…100 (default 90)"),
            ParameterSpec("keepVertexOrder", .boolean, help: "keep the decimator's vertex order (no vertex cache and fetch ordering)"),
        ]
    }

    public func validate(_ parameters: [String: ManifestValue]) throws(BatchError) {
        if let output = parameters["output"]?.stringValue, !output.lowercased().hasSuffix(".glb") {
            throw .invalidJob(job: "", field: "output", message: "must end in .glb (a .gltf writes side files that cannot be committed atomically), got '\(output)'")
        }
        let targets = parameters["targets"]?.objectValue ?? [:]
        if targets.isEmpty && parameters["preset"] == nil {
            throw .invalidJob(job: "", field: "targets", message: "missing: give triangles, ratio and/or error, e.g. targets: {ratio: 0.25}")
        }
        if let ratio = targets["ratio"]?.numberValue, !(ratio > 0 && ratio <= 1) {
            throw .invalidJob(job: "", field: "targets.ratio", message: "must be in (0, 1], got \(ratio)")
        }
        if let triangles = targets["triangles"]?.intValue, triangles < 1 {
            throw .invalidJob(job: "", field: "targets.triangles", message: "must be at least 1, got \(triangles)")
        }
        if let error = targets["error"]?.numberValue, error < 0 {
            throw .invalidJob(job: "", field: "targets.error", message: "must be >= 0, got \(error)")
        }
        if let lods = parameters["lods"] {
            if let count = lods.intValue, count < 0 || count > 8 {
                throw .invalidJob(job: "", field: "lods", message: "a count must be between 0 and 8, got \(count)")
            }
            let ratios = (lods.arrayValue ?? []).compactMap(\.numberValue)
            for ratio in ratios where !(ratio > 0 && ratio < 1) {
                throw .invalidJob(job: "", field: "lods", message: "each ratio must be in (0, 1), got \(ratio)")
            }
            if zip(ratios, ratios.dropFirst()).contains(where: { $0 <= $1 }) {
                throw .invalidJob(job: "", field: "lods", message: "ratios must decrease, e.g. [0.5, 0.25, 0.1]")
            }
        }
        // The remaining ranges are AssetJob's own checks, reported under the manifest's field.
        let settings = try AssetOptimizeAdapter.settings(parameters)
        do { try settings.validate() } catch AssetJobError.invalidSetting(let name, let message) {
            throw .invalidJob(job: "", field: AssetOptimizeAdapter.manifestField(forSetting: name), message: message)
        } catch {
            throw .invalidJob(job: "", field: "", message: "\(error)")
        }
    }

    /// LOD ratios of the input's triangles: a list as given, or a count n → each level half the
    /// previous one, starting from `targets.ratio` (r/2, r/4, …) or from the input (0.5, 0.25, …).
    static func lodRatios(_ parameters: [String: ManifestValue]) -> [Double] {
        let value = parameters["lods"]
        if let count = value?.intValue {
            let start = parameters["targets"]?.objectValue?["ratio"]?.numberValue ?? 1
            return (0..<max(0, count)).map { start * pow(0.5, Double($0 + 1)) }
        }
        return value?.arrayValue?.compactMap(\.numberValue) ?? []
    }

    /// One more output per LOD beside the main one: `out/x.glb` → `out/x_lod1.glb`, … (the
    /// names `landmark asset optimize` uses).
    public func derivedOutputs(parameters: [String: ManifestValue], outputs: [String: String]) -> [String: String] {
        guard let main = outputs["output"] else { return [:] }
        var derived: [String: String] = [:]
        for index in OptimizeKind.lodRatios(parameters).indices {
            derived["lod\(index + 1)"] = AssetJob.lodURL(for: URL(fileURLWithPath: main), level: index + 1).path
        }
        return derived
    }

    public func run(_ invocation: JobInvocation) throws -> JobOutcome {
        try AssetOptimizeAdapter.run(invocation)
    }
}
