import Foundation
import GLTF
import Geometry

/// Opens any supported mesh file as a glTF asset: `.glb`/`.gltf` as they are; `.obj` (+ MTL
/// and its diffuse textures) and `.ply` as a one-mesh, one-node asset with one primitive
/// per material.
public enum AssetLoader {
    /// Opens `url`. For OBJ and PLY, `texture` decides the base colour texture of a mesh whose
    /// file names none (see `TextureAttachment`); glTF files are read as they are.
    public static func load(_ url: URL, texture: TextureAttachment = .convention) throws -> GLTFAsset {
        guard FileManager.default.fileExists(atPath: url.path) else { throw MeshError.missingFile(path: url.path) }
        let name = url.deletingPathExtension().lastPathComponent
        switch url.pathExtension.lowercased() {
        case "glb", "gltf": return try GLTFAsset(contentsOf: url)
        case "obj", "ply":
            var (mesh, materials): (Mesh, [OBJMaterial])
            if url.pathExtension.lowercased() == "obj" { (mesh, materials) = try OBJReader.read(contentsOf: url) }
            else { (mesh, materials) = (try PLYReader.read(contentsOf: url), [OBJMaterial(name: "default")]) }
            if materials.isEmpty { materials = [OBJMaterial(name: "default")] }
            switch texture {
            case .none: break
            case .file(let file):
                guard FileManager.default.fileExists(atPath: file.path) else { throw MeshError.missingFile(path: file.path) }
                for i in materials.indices { materials[i].diffuseTexture = file }
            case .convention:
                if mesh.uv0 != nil, materials.allSatisfy({ $0.diffuseTexture == nil }), let file = conventionalTexture(for: url) {
                    for i in materials.indices { materials[i].diffuseTexture = file }
                }
            }
            do { try mesh.validate() } catch let error as MeshError {
                throw MeshError.parse(file: url.lastPathComponent, line: 0, reason: error.description)
            }
            return try makeAsset(mesh, materials: materials, name: name)
        default: throw MeshError.unsupportedFormat(url.pathExtension)
        }
    }

    /// Where an OBJ/PLY's base colour texture comes from when the file (or its MTL) names none.
    public enum TextureAttachment: Sendable, Equatable {
        /// No texture.
        case none
        /// This image, for every material (replacing any `map_Kd`).
        case file(URL)
        /// The convention (`conventionalTexture(for:)`), only for a mesh with texture
        /// coordinates none of whose materials has a texture.
        case convention
    }

    /// The image a textureless OBJ/PLY takes by convention: `<stem>.png`, `.jpg` or `.jpeg`
    /// beside it, else the only PNG/JPEG file in its folder (spot: `spot_texture.png`).
    /// nil when neither exists (or the folder holds several other images).
    public static func conventionalTexture(for url: URL) -> URL? {
        let dir = url.deletingLastPathComponent(), stem = url.deletingPathExtension().lastPathComponent
        let extensions = ["png", "jpg", "jpeg"]
        for ext in extensions {
            let candidate = dir.appendingPathComponent(stem + "." + ext)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let images = files.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".") }
        return images.count == 1 ? dir.appendingPathComponent(images[0]) : nil
    }

    /// A glTF asset holding `mesh` (split into one primitive per material id) under one node.
    public static func makeAsset(_ mesh: Mesh, materials: [OBJMaterial], name: String) throws -> GLTFAsset {
        try mesh.validate()
        var asset = GLTFAsset()
        var primitives: [GLTFPrimitive] = []
        let materialCount = Swift.max(1, Int((mesh.materialIDs?.max() ?? 0) + 1))
        for m in 0..<materialCount {
            let part = mesh.materialIDs == nil ? mesh : mesh.submesh(material: Int32(m))
            guard part.triangleCount > 0 else { continue }
            var template = GLTFPrimitive()
            template.material = m < materials.count ? m : nil
            primitives.append(asset.appendPrimitive(part, like: template))
        }
        for material in materials {
            var g = GLTFMaterial(name: material.name)
            var pbr = GLTFPBRMetallicRoughness()
            pbr.baseColorFactor = [Double(material.diffuse.x), Double(material.diffuse.y), Double(material.diffuse.z), Double(material.opacity)]
            pbr.metallicFactor = 0
            pbr.roughnessFactor = 1
            if let texture = material.diffuseTexture {
                guard let bytes = FileManager.default.contents(atPath: texture.path) else {
                    throw MeshError.missingFile(path: texture.path)
                }
                let image = asset.document.images.count
                asset.document.images.append(GLTFImage(uri: texture.lastPathComponent, mimeType: GLTFAsset.mimeType(uri: texture.path, bytes: bytes)))
                asset.imageData[image] = bytes
                if asset.document.samplers.isEmpty {
                    var s = GLTFSampler(); s.magFilter = 9729; s.minFilter = 9987; s.wrapS = 10497; s.wrapT = 10497
                    asset.document.samplers.append(s)
                }
                asset.document.textures.append(GLTFTexture(source: image, sampler: 0))
                pbr.baseColorTexture = GLTFTextureInfo(index: asset.document.textures.count - 1)
            }
            if material.opacity < 1 { g.alphaMode = "BLEND" }
            g.pbrMetallicRoughness = pbr
            asset.document.materials.append(g)
        }
        asset.document.meshes = [GLTFMesh(name: name, primitives: primitives)]
        var node = GLTFNode(name: name)
        node.mesh = 0
        asset.document.nodes = [node]
        asset.document.scenes = [GLTFScene(nodes: [0])]
        asset.document.scene = 0
        return asset
    }

    /// Every triangle of the asset's default scene (all scenes' roots if none) in world
    /// space, node transforms applied (skins ignored: the bind pose), positions only.
    public static func worldMesh(_ asset: GLTFAsset) throws -> Mesh {
        let doc = asset.document
        var out = Mesh(positions: [], indices: [])
        var roots: [Int] = []
        if let s = doc.scene, s < doc.scenes.count { roots = doc.scenes[s].nodes ?? [] }
        else if !doc.scenes.isEmpty { roots = doc.scenes.flatMap { $0.nodes ?? [] } }
        else {
            var isChild = Set<Int>()
            for n in doc.nodes { for c in n.children ?? [] { isChild.insert(c) } }
            roots = doc.nodes.indices.filter { !isChild.contains($0) }
        }
        var stack: [(Int, Matrix4, Int)] = roots.map { ($0, .identity, 0) }
        while let (n, parent, depth) = stack.popLast() {
            guard depth < 256 else { continue }
            let world = parent * doc.nodes[n].localMatrix
            if let m = doc.nodes[n].mesh {
                for p in doc.meshes[m].primitives.indices {
                    guard [.triangles, .triangleStrip, .triangleFan].contains(doc.meshes[m].primitives[p].topology) else { continue }
                    let part = try Mesh(gltf: asset, mesh: m, primitive: p)
                    let base = UInt32(out.positions.count)
                    out.positions += part.positions.map { v in
                        let x = Double(v.x), y = Double(v.y), z = Double(v.z)
                        return SIMD3<Float>(Float(world[0] * x + world[4] * y + world[8] * z + world[12]),
                                            Float(world[1] * x + world[5] * y + world[9] * z + world[13]),
                                            Float(world[2] * x + world[6] * y + world[10] * z + world[14]))
                    }
                    out.indices += part.indices.map { $0 + base }
                }
            }
            for c in doc.nodes[n].children ?? [] { stack.append((c, world, depth + 1)) }
        }
        return out
    }
}
