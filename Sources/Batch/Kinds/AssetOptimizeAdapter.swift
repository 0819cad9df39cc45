import AssetPipeline
import Foundation

/// The seam between the `optimize` job kind and `AssetPipeline`: manifest fields →
/// `AssetOptimizeOptions`, `AssetLoader.load` → `optimizeAsset` → GLB writes, report → metrics.
///
/// `atlas: true` (or `{size, padding}`) unwraps the result into one UV atlas (2048² by
/// default) and re-bakes the input's textures onto it when it has any (`applyAtlas`).
enum AssetOptimizeAdapter {
    static func run(_ invocation: JobInvocation) throws -> JobOutcome {
        guard let input = invocation.url("input"), let output = invocation.outputs["output"] else {
            throw BatchError.jobFailed("optimize: input and output are required")
        }
        let targets = invocation.parameters["targets"]?.objectValue ?? [:]
        let decimation = DecimationOptions(targetTriangleCount: targets["triangles"]?.intValue,
                                           targetRatio: targets["ratio"]?.numberValue,
                                           maxError: targets["error"]?.numberValue)
        let ratios = OptimizeKind.lodRatios(invocation.parameters)
        let asset = try AssetLoader.load(input)
        var (optimized, lods, report) = try optimizeAsset(asset, options: AssetOptimizeOptions(decimation: decimation, lodRatios: ratios))
        var atlasMetrics: [String: ManifestValue] = [:]
        if let atlas = invocation.parameters["atlas"], atlas != .bool(false) {
            let settings = atlas.objectValue ?? [:]
            let step = try applyAtlas(original: asset, optimized: optimized, resolution: settings["size"]?.intValue ?? 2048,
                                      gutterTexels: settings["padding"]?.intValue, bake: !asset.document.images.isEmpty)
            optimized = step.asset
            report.warnings += step.report.lines
            atlasMetrics["atlasCharts"] = .number(Double(step.report.atlas.charts))
            atlasMetrics["atlasUtilization"] = .number(step.report.atlas.utilization)
        }
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
        metrics.merge(atlasMetrics) { $1 }
        if !report.lods.isEmpty { metrics["lodTriangles"] = .array(report.lods.map { .number(Double($0.triangles)) }) }
        if !report.warnings.isEmpty { metrics["warnings"] = .array(report.warnings.map(ManifestValue.string)) }
        return JobOutcome(metrics: metrics)
    }
}
