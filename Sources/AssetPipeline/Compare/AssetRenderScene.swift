// A glTF asset as a scene for the project's rasterizer (Rendering): what the render
// comparison draws. Static: node transforms applied, skins in their bind pose (glTF node
// transforms of skinned meshes are applied as for any mesh), morph targets at weight 0.
import Foundation
import Geometry
import Rendering
import GLTF

/// Builds the rasterizer scene of `asset`'s default scene (all scenes' roots when it names
/// none): one `Rendering.Mesh` per triangle primitive in world space, materials carrying the
/// base colour factor × base colour texture (sampled with the texture's own `texCoord` set)
/// × COLOR_0, double-sidedness, and the sampler's wrap mode (clamp if either axis clamps).
/// - Parameter unlit: true draws the base colour as is (no lighting), which is what a
///   texture comparison wants; false lights it with the rasterizer's default sun.
/// - Throws: `ImageError` naming the image when a base colour texture does not decode;
///   `GLTFError`/`MeshError` for unreadable primitives.
public func renderScene(of asset: GLTFAsset, unlit: Bool = true) throws -> Scene {
    let doc = asset.document
    var scene = Scene(meshes: [], materials: [], textures: [])
    var textureOfImage: [Int: Int] = [:]
    var materialOf: [Int: Int] = [:]

    func texture(_ info: GLTFTextureInfo) throws -> Int? {
        guard info.index >= 0, info.index < doc.textures.count, let source = doc.textures[info.index].source else { return nil }
        if let t = textureOfImage[source] { return t }
        guard let img = try asset.decodedImage(info, channels: 3) else { return nil }
        var wrap = TextureWrap.repeat
        if let s = doc.textures[info.index].sampler, s >= 0, s < doc.samplers.count,
           doc.samplers[s].wrapS == 33071 || doc.samplers[s].wrapT == 33071 { wrap = .clamp }
        let t = scene.addTexture(Texture(image: img, wrap: wrap))
        textureOfImage[source] = t
        return t
    }
    /// The scene material of glTF material `m` (nil: glTF's default material) and the
    /// texture coordinate set its base colour texture samples.
    func material(_ m: Int?) throws -> (index: Int, texCoord: Int) {
        var texCoord = 0
        if let m, m >= 0, m < doc.materials.count { texCoord = doc.materials[m].pbrMetallicRoughness?.baseColorTexture?.texCoord ?? 0 }
        let key = m ?? -1
        if let i = materialOf[key] { return (i, texCoord) }
        var mat = Material(unlit: unlit)
        if let m, m >= 0, m < doc.materials.count {
            let g = doc.materials[m]
            if let f = g.pbrMetallicRoughness?.baseColorFactor, f.count >= 3 { mat.baseColor = SIMD3(Float(f[0]), Float(f[1]), Float(f[2])) }
            if let info = g.pbrMetallicRoughness?.baseColorTexture { mat.texture = try texture(info) }
            mat.doubleSided = g.doubleSided ?? false
        }
        let i = scene.addMaterial(mat)
        materialOf[key] = i
        return (i, texCoord)
    }

    var roots: [Int] = []
    if let s = doc.scene, s >= 0, s < doc.scenes.count { roots = doc.scenes[s].nodes ?? [] }
    else if !doc.scenes.isEmpty { roots = doc.scenes.flatMap { $0.nodes ?? [] } }
    else {
        var isChild = Set<Int>()
        for n in doc.nodes { for c in n.children ?? [] { isChild.insert(c) } }
        roots = doc.nodes.indices.filter { !isChild.contains($0) }
    }
    var stack: [(node: Int, parent: Matrix4, depth: Int)] = roots.map { ($0, .identity, 0) }
    while let (n, parent, depth) = stack.popLast() {
        guard n >= 0, n < doc.nodes.count, depth < 256 else { continue }
        let world = parent * doc.nodes[n].localMatrix
        if let m = doc.nodes[n].mesh, m >= 0, m < doc.meshes.count {
            for (p, prim) in doc.meshes[m].primitives.enumerated()
            where [.triangles, .triangleStrip, .triangleFan].contains(prim.topology) {
                let part = try Mesh(gltf: asset, mesh: m, primitive: p)
                let (materialIndex, texCoord) = try material(prim.material)
                let w = world
                func point(_ v: SIMD3<Float>) -> SIMD3<Float> {
                    let x = Double(v.x), y = Double(v.y), z = Double(v.z)
                    return SIMD3(Float(w[0] * x + w[4] * y + w[8] * z + w[12]), Float(w[1] * x + w[5] * y + w[9] * z + w[13]),
                                 Float(w[2] * x + w[6] * y + w[10] * z + w[14]))
                }
                func direction(_ v: SIMD3<Float>) -> SIMD3<Float> {
                    let x = Double(v.x), y = Double(v.y), z = Double(v.z)
                    let d = SIMD3<Float>(Float(w[0] * x + w[4] * y + w[8] * z), Float(w[1] * x + w[5] * y + w[9] * z),
                                         Float(w[2] * x + w[6] * y + w[10] * z))
                    let l = (d * d).sum().squareRoot()
                    return l > 0 ? d / l : d
                }
                let uvs = (texCoord == 1 ? part.uv1 : part.uv0) ?? []
                scene.addMesh(Rendering.Mesh(positions: part.positions.map(point), normals: part.normals?.map(direction) ?? [],
                                             uvs: uvs, colors: part.colors?.map { SIMD3($0.x, $0.y, $0.z) } ?? [],
                                             indices: part.indices, material: materialIndex))
            }
        }
        for c in doc.nodes[n].children ?? [] { stack.append((c, world, depth + 1)) }
    }
    if scene.materials.isEmpty { scene.materials = [Material(unlit: unlit)] }
    return scene
}
