// Re-baking an asset's materials onto its new atlas: for every glTF mesh, the original
// primitives (the source, with their materials) are baked onto the unwrapped primitives (the
// target, TEXCOORD_0 = atlas) into one shared set of textures, which becomes the asset's one
// metallic-roughness material.
import Foundation
import Geometry
import Rendering
import Imaging
import GLTF

/// Figures of an asset bake.
public struct AssetBakeReport: Sendable, Codable, Equatable {
    public var meshes = 0
    public var rayHits = 0
    public var closestPointFallbacks = 0
    public var coveredTexels = 0
    public var warnings: [String] = []
}

/// Bakes `original`'s materials onto `unwrapped` (the same asset after `unwrapAsset`, possibly
/// decimated first: meshes and primitives must correspond by index). Every primitive that has
/// the atlas gets one new material with base colour, metallic-roughness, emissive (when any
/// source has emission) and normal textures (PNG), and loses its old-UV TEXCOORD_1.
/// - Throws: `ImageError` for a texture that is not an image, `BakeError`, `GLTFError`.
public func bakeAssetTextures(original: GLTFAsset, unwrapped: GLTFAsset, options: BakeOptions = BakeOptions())
    throws -> (asset: GLTFAsset, report: AssetBakeReport) {
    var report = AssetBakeReport()
    let doc = original.document
    // Source materials, images decoded once.
    var decoded: [Int: Image8] = [:]
    func image(_ info: GLTFTextureInfo?) throws -> Image8? {
        guard let info, info.index < doc.textures.count, let source = doc.textures[info.index].source,
              source < doc.images.count else { return nil }
        if let cached = decoded[source] { return cached }
        guard let bytes = original.imageBytes(source) else { return nil }
        let img = try Image8(decoding: bytes, channels: 3, name: original.imageName(source))
        decoded[source] = img
        return img
    }
    var materials: [BakeMaterial] = []
    var anyEmission = false
    for m in doc.materials {
        var b = BakeMaterial(baseColor: try image(m.pbrMetallicRoughness?.baseColorTexture),
                             metallicRoughness: try image(m.pbrMetallicRoughness?.metallicRoughnessTexture),
                             emissive: try image(m.emissiveTexture))
        if let f = m.pbrMetallicRoughness?.baseColorFactor, f.count == 4 { b.baseColorFactor = SIMD4(f[0], f[1], f[2], f[3]) }
        b.metallicFactor = m.pbrMetallicRoughness?.metallicFactor ?? 1
        b.roughnessFactor = m.pbrMetallicRoughness?.roughnessFactor ?? 1
        if let e = m.emissiveFactor, e.count == 3 { b.emissiveFactor = SIMD3(e[0], e[1], e[2]) }
        if b.emissiveFactor != .zero { anyEmission = true }
        materials.append(b)
    }
    materials.append(BakeMaterial())          // for primitives without a material
    let defaultMaterial = Int32(materials.count - 1)

    var opts = options
    opts.fillGutters = false
    opts.bakeEmissive = options.bakeEmissive && anyEmission
    let n = opts.resolution
    var covered = [Bool](repeating: false, count: n * n)
    var layers: [String: Image8] = [:]
    var out = unwrapped
    var targets: [(mesh: Int, primitive: Int)] = []
    for (m, mesh) in unwrapped.document.meshes.enumerated() where m < doc.meshes.count {
        // Target: this mesh's primitives that carry the atlas (and the old UVs in TEXCOORD_1).
        var target = Mesh(positions: [], indices: [])
        var parts: [Mesh] = []
        // Unwrapped primitives: the atlas in TEXCOORD_0 and the old UVs in TEXCOORD_1, or,
        // when the original had no UVs, only the atlas.
        let originalPrimitives = doc.meshes[m].primitives
        for (p, prim) in mesh.primitives.enumerated() where prim.attributes["TEXCOORD_0"] != nil
            && (prim.attributes["TEXCOORD_1"] != nil || originalPrimitives.allSatisfy { $0.attributes["TEXCOORD_0"] == nil }) {
            parts.append(try Mesh(gltf: unwrapped, mesh: m, primitive: p))
            targets.append((m, p))
        }
        guard !parts.isEmpty else { continue }
        target = Mesh.merging(parts.map { var q = $0; q.materialIDs = nil; return q })
        // Source: the original primitives of the same mesh.
        var positions: [Vec3] = [], indices: [UInt32] = [], uvs: [SIMD2<Double>] = [], normals: [Vec3] = []
        var materialOf: [Int32] = []
        var allNormals = true, hasUVs = false
        for (p, prim) in doc.meshes[m].primitives.enumerated() where (prim.mode ?? 4) == 4 {
            let part = try Mesh.validated(gltf: original, mesh: m, primitive: p)
            if part.uv0 != nil { hasUVs = true }
            let base = UInt32(positions.count)
            positions += part.positions.map { Vec3(Double($0.x), Double($0.y), Double($0.z)) }
            uvs += part.uv0.map { $0.map { SIMD2(Double($0.x), Double($0.y)) } } ?? [SIMD2<Double>](repeating: .zero, count: part.vertexCount)
            if let nn = part.normals { normals += nn.map { Vec3(Double($0.x), Double($0.y), Double($0.z)) } } else { allNormals = false }
            indices += part.indices.map { $0 + base }
            materialOf += [Int32](repeating: prim.material.map(Int32.init) ?? defaultMaterial, count: part.triangleCount)
        }
        if !hasUVs && !materialOf.contains(where: { materials[Int($0)].hasTexture }) {
            report.warnings.append("meshes[\(m)]: the original has no texture coordinates and no textures: the baked base colour is its material's constant colour; the normal map is baked from its surface")
        }
        let source = BakeSource(positions: positions, indices: indices, normals: allNormals ? normals : nil, uvs: uvs,
                                materialOfTriangle: materialOf, materials: materials)
        let bakeTarget = BakeTarget(positions: target.positions.map { Vec3(Double($0.x), Double($0.y), Double($0.z)) },
                                    indices: target.indices,
                                    normals: target.normals?.map { Vec3(Double($0.x), Double($0.y), Double($0.z)) },
                                    uvs: (target.uv0 ?? []).map { SIMD2(Double($0.x), Double($0.y)) })
        let baked = try bakeTextures(source: source, target: bakeTarget, options: opts)
        report.meshes += 1
        report.rayHits += baked.rayHits
        report.closestPointFallbacks += baked.closestPointFallbacks
        // Combine: texels this mesh covers and no earlier mesh did.
        for (name, img) in [("basecolor", baked.baseColor), ("metallicroughness", baked.metallicRoughness),
                            ("emissive", baked.emissive), ("normal", baked.normal)] {
            guard let img else { continue }
            var layer = layers[name] ?? Image8(width: n, height: n, channels: img.channels)
            for t in 0..<(n * n) where baked.covered[t] && !covered[t] {
                for c in 0..<img.channels { layer.pixels[t * img.channels + c] = img.pixels[t * img.channels + c] }
            }
            layers[name] = layer
        }
        for t in 0..<(n * n) where baked.covered[t] { covered[t] = true }
    }
    guard !targets.isEmpty else {
        report.warnings.append("no primitive carries an atlas (run unwrapAsset first): nothing baked")
        return (unwrapped, report)
    }
    report.coveredTexels = covered.reduce(0) { $0 + ($1 ? 1 : 0) }

    // New images, textures and the one material.
    func addTexture(_ name: String) throws -> GLTFTextureInfo? {
        guard var img = layers[name] else { return nil }
        fillGutters(&img, covered: covered, dilationRings: options.dilationRings)
        let index = out.document.images.count
        out.document.images.append(GLTFImage(uri: "atlas_\(name).png", mimeType: "image/png"))
        out.imageData[index] = try img.encoded(.png)
        out.document.textures.append(GLTFTexture(source: index))
        return GLTFTextureInfo(index: out.document.textures.count - 1)
    }
    var material = GLTFMaterial(name: "atlas")
    var pbr = GLTFPBRMetallicRoughness()
    pbr.baseColorTexture = try addTexture("basecolor")
    pbr.metallicRoughnessTexture = try addTexture("metallicroughness")
    material.pbrMetallicRoughness = pbr
    material.normalTexture = try addTexture("normal")
    if let e = try addTexture("emissive") { material.emissiveTexture = e; material.emissiveFactor = [1, 1, 1] }
    out.document.materials.append(material)
    let materialIndex = out.document.materials.count - 1
    for (m, p) in targets {
        out.document.meshes[m].primitives[p].material = materialIndex
        out.document.meshes[m].primitives[p].attributes["TEXCOORD_1"] = nil
    }
    return (out, report)
}
