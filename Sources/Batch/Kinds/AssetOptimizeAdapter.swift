import AssetPipeline
import Foundation

/// The seam between the `optimize` job kind and `AssetPipeline`: manifest fields →
/// `AssetOptimizeOptions`, `AssetLoader.load` → `optimizeAsset` → GLB writes, report → metrics.
///
/// `atlas: true` (UV atlas and texture re-baking) is not in AssetPipeline's optimizer in this
/// build: such a job fails with "not available yet" and the other jobs run.
enum AssetOptimizeAdapter {
    static func run(_ invocation: JobInvocation) throws -> JobOutcome {
        guard let input = invocation.url("input"), let output = invocation.outputs["output"] else {
            throw BatchError.jobFailed("optimize: input and output are required")
        }
        if let atlas = invocation.parameters["atlas"], atlas != .bool(false) {
            throw BatchError.notAvailable(feature: "field 'atlas' (UV atlas and texture re-baking)",
                                          reason: "AssetPipeline's optimizer has no atlas step yet; set atlas: false")
        }
        let targets = invocation.parameters["targets"]?.objectValue ?? [:]
        let decimation = DecimationOptions(targetTriangleCount: targets["triangles"]?.intValue,
                                           targetRatio: targets["ratio"]?.numberValue,
                                           maxError: targets["error"]?.numberValue)
        let ratios = OptimizeKind.lodRatios(invocation.parameters)
        let asset = try AssetLoader.load(input)
        let (optimized, lods, report) = try optimizeAsset(asset, options: AssetOptimizeOptions(decimation: decimation, lodRatios: ratios))
        try optimized.validate()
        try optimized.write(to: output)
        for (index, lod) in lods.enumerated() {
            guard let url = invocation.outputs["lod\(index + 1)"] else { continue }
            try lod.write(to: url)
        }
        var metrics: [String: ManifestValue] = [
            "trianglesIn": .number(Double(report.trianglesIn)),
            "trianglesOut": .number(Double(report.output.triangles)),
            "verticesIn": .number(Double(report.verticesIn)),
            "verticesOut": .number(Double(report.output.vertices)),
            "error": .number(report.output.error),
        ]
        if !report.lods.isEmpty { metrics["lodTriangles"] = .array(report.lods.map { .number(Double($0.triangles)) }) }
        if !report.warnings.isEmpty { metrics["warnings"] = .array(report.warnings.map(ManifestValue.string)) }
        return JobOutcome(metrics: metrics)
    }
}
