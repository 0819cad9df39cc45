import AssetPipeline
import Foundation

/// The seam between the `optimize` job kind and `AssetPipeline`: manifest fields →
/// `AssetJob.Settings` (the settings `landmark asset optimize` maps its flags onto),
/// `AssetJob.run` → the job's temporary outputs, report → metrics.
///
/// `atlas: true` (or `{size, padding}`) unwraps the result into one UV atlas (2048² by
/// default) and re-bakes the input's textures onto it when it has any; `bake: true/false`
/// decides explicitly, as `asset optimize --bake` does.
enum AssetOptimizeAdapter {
    static func run(_ invocation: JobInvocation) throws -> JobOutcome {
        guard let input = invocation.url("input"), let output = invocation.outputs["output"] else {
            throw BatchError.jobFailed("optimize: input and output are required")
        }
        let settings = try settings(invocation.parameters)
        let lodOutputs = settings.lodRatios.indices.map { invocation.outputs["lod\($0 + 1)"] ?? AssetJob.lodURL(for: output, level: $0 + 1) }
        let (_, job) = try AssetJob.run(input: input, output: output, lodOutputs: lodOutputs, settings: settings)
        let report = job.optimize
        var metrics: [String: ManifestValue] = [
            "trianglesIn": .number(Double(report.trianglesIn)),
            "trianglesOut": .number(Double(report.output.triangles)),
            "verticesIn": .number(Double(report.verticesIn)),
            "verticesOut": .number(Double(report.output.vertices)),
            "error": .number(report.output.error),
        ]
        if let atlas = job.atlas?.atlas {
            metrics["atlasCharts"] = .number(Double(atlas.charts))
            metrics["atlasUtilization"] = .number(atlas.utilization)
        }
        if !report.lods.isEmpty { metrics["lodTriangles"] = .array(report.lods.map { .number(Double($0.triangles)) }) }
        if !report.warnings.isEmpty { metrics["warnings"] = .array(report.warnings.map(ManifestValue.string)) }
        return JobOutcome(metrics: metrics)
    }

    /// The job's manifest fields as `AssetJob.Settings` (not yet validated).
    /// - Throws: `BatchError.invalidJob` for a preset or texture format that does not exist.
    static func settings(_ parameters: [String: ManifestValue]) throws(BatchError) -> AssetJob.Settings {
        let targets = parameters["targets"]?.objectValue ?? [:]
        var settings = AssetJob.Settings(targetTriangles: targets["triangles"]?.intValue, targetRatio: targets["ratio"]?.numberValue,
                                         maxError: targets["error"]?.numberValue)
        settings.lodRatios = OptimizeKind.lodRatios(parameters)
        if let atlas = parameters["atlas"], atlas != .bool(false) {
            let fields = atlas.objectValue ?? [:]
            let bake: AssetJob.Settings.Bake = switch fields["bake"]?.boolValue {
            case true?: .always
            case false?: .never
            case nil: .whenTextured
            }
            settings.atlas = AssetJob.Settings.Atlas(sizeTexels: fields["size"]?.intValue ?? 2048,
                                                     paddingTexels: fields["padding"]?.intValue, bake: bake)
        }
        if let name = parameters["preset"]?.stringValue {
            guard let preset = AssetJob.Settings.Preset(rawValue: name) else {
                throw .invalidJob(job: "", field: "preset", message: "unknown preset '\(name)'; valid: "
                                  + AssetJob.Settings.Preset.allCases.map(\.rawValue).joined(separator: ", "))
            }
            settings.preset = preset
        }
        if let name = parameters["textureFormat"]?.stringValue {
            guard let format = TextureOutputFormat(rawValue: name) else {
                throw .invalidJob(job: "", field: "textureFormat", message: "unknown texture format '\(name)'; valid: "
                                  + TextureOutputFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            settings.textureFormat = format
        }
        settings.baseColorTexture = parameters["texture"]?.stringValue.map { URL(fileURLWithPath: $0) }
        settings.uvWeight = parameters["uvWeight"]?.numberValue
        if let detail = parameters["textureDetail"]?.numberValue { settings.textureDetail = detail }
        if let lock = parameters["lockBorders"]?.boolValue { settings.lockBorders = lock }
        if let quantize = parameters["quantize"]?.boolValue { settings.quantize = quantize }
        settings.maxTextureSize = parameters["maxTextureSize"]?.intValue
        if let quality = parameters["jpegQuality"]?.intValue { settings.jpegQuality = quality }
        if let keep = parameters["keepVertexOrder"]?.boolValue { settings.keepVertexOrder = keep }
        return settings
    }

    /// The manifest field an `AssetJob.Settings` property comes from, for error messages.
    static func manifestField(forSetting name: String) -> String {
        let fields = [
            "targetTriangles": "targets.triangles", "targetRatio": "targets.ratio", "maxError": "targets.error",
            "lodRatios": "lods", "atlas.sizeTexels": "atlas.size", "atlas.paddingTexels": "atlas.padding",
        ]
        return fields[name] ?? name
    }
}
