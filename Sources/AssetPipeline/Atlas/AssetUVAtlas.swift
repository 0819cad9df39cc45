// The glTF side of the atlas: one UV atlas over every triangle primitive of an asset, written
// back as TEXCOORD_0. The old TEXCOORD_0 moves to TEXCOORD_1 and the materials' textures are
// pointed at it (texCoord 1), so the asset renders as before until it is re-baked.
import Foundation
import Geometry
import GLTF

public extension Mesh {
    /// A copy with vertex `i` taken from this mesh's vertex `vertexSource[i]` (every attribute,
    /// morph targets included) and the given triangles.
    func remapped(vertexSource: [UInt32], indices newIndices: [UInt32]) -> Mesh {
        func pick<T>(_ a: [T]?) -> [T]? { a.map { arr in vertexSource.map { arr[Int($0)] } } }
        var out = Mesh(positions: vertexSource.map { positions[Int($0)] }, indices: newIndices)
        out.normals = pick(normals); out.tangents = pick(tangents)
        out.uv0 = pick(uv0); out.uv1 = pick(uv1); out.colors = pick(colors)
        out.joints = pick(joints); out.weights = pick(weights)
        out.targets = targets.map { MorphTarget(positions: pick($0.positions), normals: pick($0.normals), tangents: pick($0.tangents)) }
        out.materialIDs = materialIDs
        return out
    }
}

/// Unwraps every triangle primitive of `asset` into one shared atlas.
///
/// Primitives are never merged into one chart (each is its own "material" for segmentation),
/// and positions are taken in each mesh's own frame (node scales are not applied, so meshes
/// under scaled nodes get a proportionally different texel density).
/// - Returns: the new asset and the atlas report. Primitives that are not triangles or carry
///   attributes a `Mesh` does not model are left as they were (listed in the warnings).
public func unwrapAsset(_ asset: GLTFAsset, options: AtlasOptions = AtlasOptions()) throws -> (asset: GLTFAsset, report: AtlasReport) {
    var parts: [(mesh: Int, primitive: Int, data: Mesh)] = []
    var warnings: [String] = []
    for (m, mesh) in asset.document.meshes.enumerated() {
        for (p, prim) in mesh.primitives.enumerated() {
            guard (prim.mode ?? 4) == 4 || prim.mode == 5 || prim.mode == 6 else {
                warnings.append("meshes[\(m)].primitives[\(p)]: not triangles, kept as is"); continue
            }
            let extra = Set(prim.attributes.keys).subtracting(meshCarriedSemantics)
            guard extra.isEmpty else {
                warnings.append("meshes[\(m)].primitives[\(p)]: attributes \(extra.sorted()) not carried, kept as is"); continue
            }
            parts.append((m, p, try Mesh.validated(gltf: asset, mesh: m, primitive: p)))
        }
    }
    // One input: parts side by side, a "material" per part so charts never span two parts.
    var input = AtlasInputMesh(positions: [Vec3](), indices: [], uvs: nil, materialOfTriangle: [])
    var oldUVs: [SIMD2<Double>] = []
    let anyUVs = parts.contains { $0.data.uv0 != nil }
    var vertexOffset: [Int] = [], triangleOffset: [Int] = []
    for (i, part) in parts.enumerated() {
        vertexOffset.append(input.positions.count); triangleOffset.append(input.triangleCount)
        input.positions += part.data.positions.map { Vec3(Double($0.x), Double($0.y), Double($0.z)) }
        input.indices += part.data.indices.map { $0 + UInt32(vertexOffset[i]) }
        input.materialOfTriangle! += [Int32](repeating: Int32(i), count: part.data.triangleCount)
        oldUVs += part.data.uv0.map { $0.map { SIMD2(Double($0.x), Double($0.y)) } }
            ?? [SIMD2<Double>](repeating: .zero, count: part.data.vertexCount)
    }
    if anyUVs { input.uvs = oldUVs }
    var atlas = try generateUVAtlas(input, options: options)
    atlas.report.warnings += warnings

    // Split the atlas back into primitives.
    var out = asset
    var retargeted = Set<Int>()
    for (i, part) in parts.enumerated() {
        let t0 = triangleOffset[i], t1 = t0 + part.data.triangleCount
        var local = [Int32](repeating: -1, count: atlas.uvs.count)
        var source: [UInt32] = [], uvs: [SIMD2<Float>] = [], indices: [UInt32] = []
        for k in (3 * t0)..<(3 * t1) {
            let v = Int(atlas.indices[k])
            if local[v] < 0 {
                local[v] = Int32(source.count)
                source.append(atlas.vertexSource[v] - UInt32(vertexOffset[i]))
                uvs.append(SIMD2(Float(atlas.uvs[v].x), Float(atlas.uvs[v].y)))
            }
            indices.append(UInt32(local[v]))
        }
        var mesh = part.data.remapped(vertexSource: source, indices: indices)
        let original = asset.document.meshes[part.mesh].primitives[part.primitive]
        var template = original
        if mesh.uv0 != nil && mesh.uv1 == nil {
            mesh.uv1 = mesh.uv0
            template.attributes["TEXCOORD_1"] = template.attributes["TEXCOORD_0"]
            if let material = original.material { retargeted.insert(material) }
        } else if mesh.uv0 != nil {
            atlas.report.warnings.append("meshes[\(part.mesh)].primitives[\(part.primitive)]: has TEXCOORD_1 already; its old TEXCOORD_0 is replaced, re-bake its textures")
        }
        mesh.uv0 = uvs
        out.document.meshes[part.mesh].primitives[part.primitive] = out.appendPrimitive(mesh, like: template)
    }
    // Textures keep sampling the old UVs, now TEXCOORD_1.
    for m in retargeted where m < out.document.materials.count {
        var mat = out.document.materials[m]
        func move(_ info: inout GLTFTextureInfo?) { if info != nil && (info!.texCoord ?? 0) == 0 { info!.texCoord = 1 } }
        if var pbr = mat.pbrMetallicRoughness {
            move(&pbr.baseColorTexture); move(&pbr.metallicRoughnessTexture)
            mat.pbrMetallicRoughness = pbr
        }
        move(&mat.normalTexture); move(&mat.occlusionTexture); move(&mat.emissiveTexture)
        out.document.materials[m] = mat
    }
    return (out, atlas.report)
}
