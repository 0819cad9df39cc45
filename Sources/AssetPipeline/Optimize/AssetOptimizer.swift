import Foundation
import Rendering
import Imaging
import GLTF

/// What `optimizeAsset` does to a glTF asset.
public struct AssetOptimizeOptions: Sendable {
    /// Targets and weights. A triangle-count target applies to the whole asset: each mesh
    /// gets the same ratio (target ÷ total input triangles).
    public var decimation: DecimationOptions
    /// LOD levels as ratios of the input triangle count, e.g. [0.5, 0.25, 0.1]. Each level
    /// is decimated from the previous one. Empty: no LODs.
    public var lodRatios: [Double] = []
    /// Texture-aware decimation: the strength of `textureDetailWeights` (0 turns it off).
    /// Triangles under the edges of a primitive's base colour texture weigh up to
    /// 1 + 16 × this in the decimation error, so the texture keeps its place on the surface
    /// where a slide would show. Untextured primitives are unaffected.
    public var textureDetail: Double = AssetOptimizeOptions.defaultTextureDetail
    public static let defaultTextureDetail = 4.0
    public init(decimation: DecimationOptions, lodRatios: [Double] = []) {
        self.decimation = decimation
        self.lodRatios = lodRatios
    }

    public func validate() throws {
        try decimation.validate()
        for r in lodRatios where !(r > 0 && r < 1) {
            throw DecimationError.invalidOptions("LOD ratios must be in (0, 1), got \(r)")
        }
        for (a, b) in zip(lodRatios, lodRatios.dropFirst()) where b >= a {
            throw DecimationError.invalidOptions("LOD ratios must decrease (\(a) then \(b))")
        }
        if !(textureDetail >= 0 && textureDetail.isFinite) {
            throw DecimationError.invalidOptions("textureDetail must be finite and ≥ 0, got \(textureDetail)")
        }
    }
}

/// Figures of one optimized level.
public struct AssetLevelReport: Sendable, Codable, Equatable {
    public var ratio: Double?
    public var triangles: Int
    public var vertices: Int
    /// Largest decimation error over the meshes, relative to each mesh's bbox diagonal.
    public var error: Double
}

public struct AssetOptimizeReport: Sendable, Codable, Equatable {
    public var trianglesIn = 0
    public var verticesIn = 0
    public var output = AssetLevelReport(ratio: nil, triangles: 0, vertices: 0, error: 0)
    public var lods: [AssetLevelReport] = []
    public var warnings: [String] = []
}

/// Decimates every triangle primitive of `asset`, keeping everything else (nodes, skins,
/// animations, materials, textures, morph targets, extensions, extras) as it was.
///
/// Primitives of one glTF mesh with the same attributes are decimated together, so their
/// shared borders stay closed (they act as seams). Primitives with attributes a `Mesh` does
/// not carry (e.g. JOINTS_1, TEXCOORD_2, custom `_NAME`) or that are not triangles pass
/// through unchanged, with a warning.
///
/// - Returns: the optimized asset, one asset per LOD ratio (same nodes, skins and
///   animations; meshes decimated further), and the report.
public func optimizeAsset(_ asset: GLTFAsset, options: AssetOptimizeOptions,
                          progress: Bool = false) throws -> (asset: GLTFAsset, lods: [GLTFAsset], report: AssetOptimizeReport) {
    try options.validate()
    var report = AssetOptimizeReport()

    // 1. Group primitives per mesh and read them.
    struct Group { var mesh: Int; var primitives: [Int]; var merged: Mesh }
    var groups: [Group] = []
    for (m, mesh) in asset.document.meshes.enumerated() {
        var bySignature: [String: [Int]] = [:]
        var order: [String] = []
        for (p, prim) in mesh.primitives.enumerated() {
            let keys = Set(prim.attributes.keys)
            guard prim.topology == .triangles || prim.topology == .triangleStrip || prim.topology == .triangleFan else {
                report.warnings.append("meshes[\(m)].primitives[\(p)]: mode \(prim.mode ?? 4) is not triangles, kept as is"); continue
            }
            guard keys.isSubset(of: meshCarriedSemantics) else {
                report.warnings.append("meshes[\(m)].primitives[\(p)]: attributes \(keys.subtracting(meshCarriedSemantics).sorted()) are not decimated, primitive kept as is"); continue
            }
            let signature = keys.sorted().joined(separator: ",") + "|" + (prim.targets ?? []).map { $0.keys.sorted().joined(separator: ",") }.joined(separator: ";")
            if bySignature[signature] == nil { order.append(signature) }
            bySignature[signature, default: []].append(p)
        }
        for s in order {
            let prims = bySignature[s]!
            let parts = try prims.map { try Mesh.validated(gltf: asset, mesh: m, primitive: $0) }
            groups.append(Group(mesh: m, primitives: prims, merged: Mesh.merging(parts)))
        }
    }
    report.trianglesIn = groups.reduce(0) { $0 + $1.merged.triangleCount }
    report.verticesIn = groups.reduce(0) { $0 + $1.merged.vertexCount }

    // 2. One ratio for all meshes when the target is a triangle count.
    var perMesh = options.decimation
    if let count = perMesh.targetTriangleCount {
        let ratio = report.trianglesIn > 0 ? Swift.min(1, Double(count) / Double(report.trianglesIn)) : 1
        perMesh.targetTriangleCount = nil
        perMesh.targetRatio = Swift.max(perMesh.targetRatio ?? 0, ratio)
    }
    perMesh.showProgress = progress

    // Texture detail: the squared gradient of each base colour image, decoded once.
    let detailStrength = options.textureDetail
    var gradients: [Int: (gradient: [Float], width: Int, height: Int)?] = [:]
    func baseColourDetail(group g: Int, part: Int) -> (gradient: [Float], width: Int, height: Int, uvSet: Int)? {
        let doc = asset.document
        guard part < groups[g].primitives.count,
              let m = doc.meshes[groups[g].mesh].primitives[groups[g].primitives[part]].material, m >= 0, m < doc.materials.count,
              let info = doc.materials[m].pbrMetallicRoughness?.baseColorTexture,
              info.index >= 0, info.index < doc.textures.count,
              let source = doc.textures[info.index].source, source >= 0, source < doc.images.count else { return nil }
        if gradients[source] == nil {
            if let bytes = asset.imageBytes(source),
               let image = try? Image8(decoding: bytes, channels: 3, name: asset.imageName(source)) {
                let g = boxBlurred(squaredGradientImage(image), width: image.width, height: image.height,
                                   radius: textureDetailBlurRadius)
                gradients[source] = .some((g, image.width, image.height))
            } else {
                report.warnings.append("images[\(source)]: not decodable, decimation ignores its detail")
                gradients[source] = .some(nil)
            }
        }
        guard let found = gradients[source], let found else { return nil }
        return (found.gradient, found.width, found.height, info.texCoord ?? 0)
    }

    // 3. Decimate each group, then each LOD from the previous level.
    func decimateAll(_ inputs: [Mesh], options: DecimationOptions) throws -> ([Mesh], AssetLevelReport) {
        var outs: [Mesh] = []
        var level = AssetLevelReport(ratio: options.targetRatio, triangles: 0, vertices: 0, error: 0)
        for (i, input) in inputs.enumerated() {
            var o = options
            o.triangleWeights = textureDetailWeights(mesh: input, strength: detailStrength) { t in
                baseColourDetail(group: i, part: Int(input.materialIDs?[t] ?? 0))
            }
            if let r = options.targetRatio { o.targetRatio = nil; o.targetTriangleCount = Int((Double(groups[i].merged.triangleCount) * r).rounded()) }
            let (out, r) = try decimate(input, options: o)
            for w in r.warnings { report.warnings.append("meshes[\(groups[i].mesh)]: \(w)") }
            outs.append(out)
            level.triangles += out.triangleCount
            level.vertices += out.vertexCount
            level.error = Swift.max(level.error, r.error)
        }
        return (outs, level)
    }
    let (main, mainReport) = try decimateAll(groups.map(\.merged), options: perMesh)
    report.output = mainReport
    var levels: [[Mesh]] = []
    var previous = main
    for ratio in options.lodRatios {
        var o = perMesh
        o.targetRatio = ratio
        let (lod, lodReport) = try decimateAll(previous, options: o)
        report.lods.append(lodReport)
        levels.append(lod)
        previous = lod
    }

    // 4. Write each level's primitives into a copy of the asset.
    func build(_ meshes: [Mesh]) -> GLTFAsset {
        var out = asset
        var replaced: [Int: [Int: GLTFPrimitive?]] = [:]
        for (g, group) in groups.enumerated() {
            for (i, p) in group.primitives.enumerated() {
                let part = meshes[g].materialIDs == nil ? meshes[g] : meshes[g].submesh(material: Int32(i))
                let original = asset.document.meshes[group.mesh].primitives[p]
                replaced[group.mesh, default: [:]][p] = part.triangleCount > 0 ? out.appendPrimitive(part, like: original) : .some(nil)
            }
        }
        for (m, prims) in replaced {
            var list: [GLTFPrimitive] = []
            for (p, original) in out.document.meshes[m].primitives.enumerated() {
                if let r = prims[p] { if let r { list.append(r) } } else { list.append(original) }
            }
            out.document.meshes[m].primitives = list
        }
        return out
    }
    let optimized = build(main)
    let lods = levels.map(build)
    for (m, mesh) in optimized.document.meshes.enumerated() where mesh.primitives.isEmpty {
        report.warnings.append("meshes[\(m)] lost all its triangles")
    }
    return (optimized, lods, report)
}
