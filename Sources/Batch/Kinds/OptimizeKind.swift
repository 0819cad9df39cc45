import Foundation

/// `optimize`: makes a film-grade asset fit for phones (decimation, UV atlas, LODs) and writes
/// GLB, through `AssetPipeline` (see `AssetOptimizeAdapter.swift`).
///
/// ```yaml
/// - kind: optimize
///   input: assets/*.glb          # a glob: one job per matched file
///   output: out/{stem}.glb
///   targets: {ratio: 0.25}      # or triangles: 50000, and/or error: 0.01 (relative)
///   lods: [0.5, 0.25]           # or a count: 3
///   atlas: true                 # or {size: 2048, padding: 4}
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
                          help: "extra levels of detail: a count (each halves the triangles) or a list of ratios"),
            ParameterSpec("atlas", .oneOf([.boolean, .object([
                ParameterSpec("size", .integer, help: "atlas texture size in pixels"),
                ParameterSpec("padding", .integer, help: "gutter between charts in pixels"),
            ])]), help: "re-unwrap into one UV atlas and re-bake the textures"),
        ]
    }

    public func validate(_ parameters: [String: JSONValue]) throws(BatchError) {
        if let targets = parameters["targets"]?.objectValue {
            if let ratio = targets["ratio"]?.numberValue, !(ratio > 0 && ratio <= 1) {
                throw .invalidJob(job: "", field: "targets.ratio", message: "must be in (0, 1], got \(ratio)")
            }
            if let triangles = targets["triangles"]?.intValue, triangles < 1 {
                throw .invalidJob(job: "", field: "targets.triangles", message: "must be at least 1, got \(triangles)")
            }
            if let error = targets["error"]?.numberValue, error < 0 {
                throw .invalidJob(job: "", field: "targets.error", message: "must be >= 0, got \(error)")
            }
        }
        if let lods = parameters["lods"] {
            if let count = lods.intValue, count < 0 || count > 8 {
                throw .invalidJob(job: "", field: "lods", message: "a count must be between 0 and 8, got \(count)")
            }
            for ratio in lods.arrayValue ?? [] where !((ratio.numberValue ?? 0) > 0 && (ratio.numberValue ?? 0) <= 1) {
                throw .invalidJob(job: "", field: "lods", message: "each ratio must be in (0, 1], got \(ratio.canonicalJSON)")
            }
        }
    }

    public func run(_ invocation: JobInvocation) throws -> JobOutcome {
        try AssetOptimizeAdapter.run(invocation)
    }
}
