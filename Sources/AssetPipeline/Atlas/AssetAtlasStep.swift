import Foundation
import GLTF

/// What `applyAtlas` did, for summaries and reports.
public struct AtlasStepReport: Sendable {
    public var atlas: AtlasReport
    public var baked: AssetBakeReport?
    /// One line per step, e.g. "atlas: 31 charts, utilization 0.683, …".
    public var lines: [String]
}

/// The atlas stage of `asset optimize` (and of batch `optimize` jobs): unwraps `optimized`
/// into one UV atlas of `resolution`² texels and, with `bake`, re-bakes `original`'s
/// materials onto it as one material.
/// - Parameters:
///   - original: the asset before decimation (the surface the textures are sampled from).
///   - optimized: the decimated asset to unwrap.
///   - resolution: atlas size in texels (8…16384).
///   - gutterTexels: empty texels between charts; nil keeps `AtlasOptions`' default.
///   - bake: false keeps the old textures, which then sample TEXCOORD_1 (the old UVs).
public func applyAtlas(original: GLTFAsset, optimized: GLTFAsset, resolution: Int, gutterTexels: Int? = nil,
                       bake: Bool) throws -> (asset: GLTFAsset, report: AtlasStepReport) {
    var atlasOptions = AtlasOptions()
    atlasOptions.resolution = resolution
    if let gutterTexels { atlasOptions.gutterTexels = gutterTexels }
    var (asset, atlasReport) = try unwrapAsset(optimized, options: atlasOptions)
    var lines = atlasReport.warnings
    lines.append(String(format: "atlas: %d charts, utilization %.3f, L2 stretch %.3f, %d flips%@",
                        atlasReport.charts, atlasReport.utilization, atlasReport.l2Stretch, atlasReport.flippedTriangles,
                        bake ? "" : " (textures not re-baked: they sample TEXCOORD_1)"))
    var bakeReport: AssetBakeReport?
    if bake {
        var bakeOptions = BakeOptions()
        bakeOptions.resolution = resolution
        let (baked, report) = try bakeAssetTextures(original: original, unwrapped: asset, options: bakeOptions)
        asset = baked
        bakeReport = report
        lines += report.warnings
        lines.append("bake: \(report.meshes) meshes, \(report.coveredTexels) texels, \(report.closestPointFallbacks) closest-point fallbacks")
    }
    return (asset, AtlasStepReport(atlas: atlasReport, baked: bakeReport, lines: lines))
}
