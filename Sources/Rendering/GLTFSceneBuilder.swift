// A glTF asset as a scene for the rasterizer: the one conversion behind the render
// comparison (static, unlit) and character previews (posed by an animation, skinned, lit).
import Foundation
import Geometry
import Imaging
import GLTF

/// Builds rasterizer scenes of one glTF asset, posed any number of times.
///
/// The asset is read once (`init`): the triangle primitives of the nodes under its default
/// scene (all scenes' roots when it names none, the parentless nodes when it has no scenes),
/// visited depth first with roots and children in listed order; their materials (base colour
/// factor × base colour texture, sampled with the texture's own `texCoord` set and its
/// sampler's wrap mode, clamp if either axis clamps; × COLOR_0; double-sidedness); the
/// skins' inverse bind matrices. Each `scene(nodeLocalTransforms:skinning:)` then places the
/// vertices in the asset's frame (glTF: Y up, metres) for one pose. Morph targets stay at
/// weight 0.
public struct GLTFSceneBuilder: Sendable {
    /// One triangle primitive in its mesh's frame, attributes as the scene mesh wants them.
    private struct Primitive: Sendable {
        var positions: [Vec3]
        /// Empty: absent.
        var normals: [Vec3]
        var uvs: [SIMD2<Float>]
        var colors: [SIMD3<Float>]
        var indices: [UInt32]
        var material: Int
        /// JOINTS_0 and WEIGHTS_0, four per vertex; nil when either is absent.
        var joints: [UInt32]?
        var weights: [Float]?
    }
    /// A node that draws a mesh, in drawing order.
    private struct DrawnNode: Sendable {
        var node: Int
        /// Indices into `primitives`.
        var primitives: [Int]
        /// Index into `skins`, or nil for a rigid mesh.
        var skin: Int?
    }
    private struct Skin: Sendable {
        var joints: [Int]
        /// One per joint (identity when the skin has none).
        var inverseBindMatrices: [Matrix4]
    }

    /// The node count of the asset: the length `nodeLocalTransforms` must have.
    public let nodeCount: Int
    /// Each node's own local transform (parentFromNode): the rest pose.
    public let restLocalTransforms: [Matrix4]
    private let parent: [Int]
    private let primitives: [Primitive]
    private let drawnNodes: [DrawnNode]
    private let skins: [Int: Skin]
    private let materials: [Material]
    private let textures: [Texture]

    /// Reads `asset`'s drawable content and decodes its base colour textures.
    /// - Parameter unlit: true draws base colours as they are (a texture comparison wants
    ///   that); false lights them with the rasterizer's sun.
    /// - Throws: `GLTFSceneError` naming a texture that does not decode, a vertex attribute
    ///   of the wrong length or a skin with too few inverse bind matrices; `GLTFError` for
    ///   unreadable accessors. A texture whose image has no bytes is left out (the material
    ///   keeps its colour).
    public init(asset: GLTFAsset, unlit: Bool = false) throws {
        let doc = asset.document
        nodeCount = doc.nodes.count
        restLocalTransforms = doc.nodes.map(\.localMatrix)
        var parent = [Int](repeating: -1, count: doc.nodes.count)
        for (i, n) in doc.nodes.enumerated() { for c in n.children ?? [] where c >= 0 && c < parent.count { parent[c] = i } }
        self.parent = parent

        var materials: [Material] = [], textures: [Texture] = []
        var materialOf: [Int: Int] = [:]
        var textureOf: [TextureKey: Int] = [:]
        var decoded: [Int: Image8] = [:]
        /// The scene texture of `info`: its image, decoded once, with its sampler's wrap.
        func texture(_ info: GLTFTextureInfo) throws -> Int? {
            guard info.index >= 0, info.index < doc.textures.count, let source = doc.textures[info.index].source else { return nil }
            var wrap = TextureWrap.repeat
            if let s = doc.textures[info.index].sampler, s >= 0, s < doc.samplers.count,
               doc.samplers[s].wrapS == Self.clampToEdge || doc.samplers[s].wrapT == Self.clampToEdge { wrap = .clamp }
            let key = TextureKey(image: source, wrap: wrap)
            if let t = textureOf[key] { return t }
            var image = decoded[source]
            if image == nil {
                do { image = try asset.decodedImage(info, channels: 3) } catch {
                    throw GLTFSceneError.undecodableTexture(image: source, name: asset.imageName(source), reason: "\(error)")
                }
                decoded[source] = image
            }
            guard let image else { return nil }
            textures.append(Texture(image: image, wrap: wrap))
            textureOf[key] = textures.count - 1
            return textures.count - 1
        }
        /// The scene material of glTF material `m` (nil: glTF's default material).
        func material(_ m: Int?) throws -> Int {
            let key = m ?? -1
            if let i = materialOf[key] { return i }
            var mat = Material(unlit: unlit)
            if let m, m >= 0, m < doc.materials.count {
                let g = doc.materials[m]
                if let f = g.pbrMetallicRoughness?.baseColorFactor, f.count >= 3 { mat.baseColor = SIMD3(Float(f[0]), Float(f[1]), Float(f[2])) }
                if let info = g.pbrMetallicRoughness?.baseColorTexture { mat.texture = try texture(info) }
                mat.doubleSided = g.doubleSided ?? false
            }
            materials.append(mat)
            materialOf[key] = materials.count - 1
            return materials.count - 1
        }

        var primitives: [Primitive] = []
        var primitivesOfMesh: [Int: [Int]] = [:]
        var drawnNodes: [DrawnNode] = []
        var skins: [Int: Skin] = [:]
        for n in Self.drawingOrder(doc) {
            guard let m = doc.nodes[n].mesh, m >= 0, m < doc.meshes.count else { continue }
            if primitivesOfMesh[m] == nil {
                var list: [Int] = []
                for (p, prim) in doc.meshes[m].primitives.enumerated() where Self.triangleModes.contains(prim.topology) {
                    primitives.append(try Self.readPrimitive(asset, mesh: m, primitive: p, material: try material(prim.material)))
                    list.append(primitives.count - 1)
                }
                primitivesOfMesh[m] = list
            }
            var skin: Int?
            if let s = doc.nodes[n].skin, s >= 0, s < doc.skins.count {
                skin = s
                if skins[s] == nil { skins[s] = try Self.readSkin(asset, skin: s) }
            }
            drawnNodes.append(DrawnNode(node: n, primitives: primitivesOfMesh[m] ?? [], skin: skin))
        }
        self.primitives = primitives
        self.drawnNodes = drawnNodes
        self.skins = skins
        self.materials = materials.isEmpty ? [Material(unlit: unlit)] : materials
        self.textures = textures
    }

    /// The scene in one pose: one `Mesh` per triangle primitive of each drawn node, in the
    /// asset's frame.
    /// - Parameters:
    ///   - nodeLocalTransforms: each node's parentFromNode transform, `nodeCount` of them
    ///     (an animation sampled at a time); nil uses the nodes' own (`restLocalTransforms`).
    ///   - skinning: true deforms skinned meshes by linear-blend skinning,
    ///     `Σ wᵢ · world(jointᵢ) · inverseBind(jointᵢ)` (weights renormalized when their sum
    ///     is off 1 by more than 1e-4), which glTF defines to ignore the mesh node's own
    ///     transform; false draws them undeformed under their node's world transform, like
    ///     rigid meshes. A vertex with no positive weight keeps its node's transform.
    /// - Throws: `GLTFSceneError.nodeTransformCount` when `nodeLocalTransforms` has the wrong
    ///   length.
    public func scene(nodeLocalTransforms: [Matrix4]? = nil, skinning: Bool = false) throws -> Scene {
        let local = nodeLocalTransforms ?? restLocalTransforms
        guard local.count == nodeCount else {
            throw GLTFSceneError.nodeTransformCount(count: local.count, nodeCount: nodeCount)
        }
        var world = [Matrix4?](repeating: nil, count: nodeCount)
        func worldMatrix(_ n: Int) -> Matrix4 {
            if let w = world[n] { return w }
            // Walk up to a known (or root) ancestor, then compose down; a parent cycle
            // (invalid glTF) stops after nodeCount steps.
            var chain = [n]
            while let top = chain.last, parent[top] >= 0, world[parent[top]] == nil, chain.count <= nodeCount { chain.append(parent[top]) }
            for c in chain.reversed() {
                let p = parent[c]
                world[c] = p >= 0 && p != c ? (world[p] ?? .identity) * local[c] : local[c]
            }
            return world[n]!
        }

        var scene = Scene(meshes: [], materials: materials, textures: textures)
        for drawn in drawnNodes {
            let nodeWorld = worldMatrix(drawn.node)
            var jointMatrices: [Matrix4]?
            if skinning, let s = drawn.skin, let skin = skins[s] {
                jointMatrices = zip(skin.joints, skin.inverseBindMatrices).map { joint, inverseBind in
                    (joint >= 0 && joint < nodeCount ? worldMatrix(joint) : .identity) * inverseBind
                }
            }
            for p in drawn.primitives {
                scene.addMesh(Self.place(primitives[p], nodeWorld: nodeWorld, jointMatrices: jointMatrices))
            }
        }
        return scene
    }

    // MARK: - Posing

    /// The primitive's vertices under `nodeWorld`, or skinned by `jointMatrices`.
    private static func place(_ prim: Primitive, nodeWorld: Matrix4, jointMatrices: [Matrix4]?) -> Mesh {
        let vertexCount = prim.positions.count
        var positions = [SIMD3<Float>](repeating: .zero, count: vertexCount)
        var normals = [SIMD3<Float>](repeating: .zero, count: prim.normals.isEmpty ? 0 : vertexCount)
        for v in 0..<vertexCount {
            var m = nodeWorld
            if let jm = jointMatrices, let joints = prim.joints, let weights = prim.weights {
                // Linear blend skinning: the weighted sum of the joints' matrices.
                var blend = [Double](repeating: 0, count: 16)
                var total: Float = 0
                for k in 0..<4 {
                    let w = weights[4 * v + k], j = Int(joints[4 * v + k])
                    guard w > 0, j < jm.count else { continue }
                    total += w
                    for e in 0..<16 { blend[e] += Double(w) * jm[j][e] }
                }
                if abs(total - 1) > 1e-4 { for e in 0..<16 { blend[e] /= Double(total) } }
                m = total <= 0 ? nodeWorld : Matrix4(columnMajor: blend)
            }
            let q = m.transformPoint(prim.positions[v])
            positions[v] = SIMD3(Float(q.x), Float(q.y), Float(q.z))
            if !prim.normals.isEmpty {
                let d = m.transformDirection(prim.normals[v])
                let l = max(1e-12, (d.x * d.x + d.y * d.y + d.z * d.z).squareRoot())
                normals[v] = SIMD3(Float(d.x / l), Float(d.y / l), Float(d.z / l))
            }
        }
        return Mesh(positions: positions, normals: normals, uvs: prim.uvs, colors: prim.colors, indices: prim.indices,
                    material: prim.material)
    }

    // MARK: - Reading

    private struct TextureKey: Hashable {
        var image: Int
        var wrap: TextureWrap
    }
    /// glTF's CLAMP_TO_EDGE sampler wrap value.
    private static let clampToEdge = 33071
    private static let triangleModes: Set<GLTFPrimitiveMode> = [.triangles, .triangleStrip, .triangleFan]

    /// The nodes of the scene to draw, depth first, roots and children in listed order;
    /// each node once.
    private static func drawingOrder(_ doc: GLTFDocument) -> [Int] {
        var roots: [Int]
        if let s = doc.scene, s >= 0, s < doc.scenes.count { roots = doc.scenes[s].nodes ?? [] }
        else if !doc.scenes.isEmpty { roots = doc.scenes.flatMap { $0.nodes ?? [] } }
        else {
            var isChild = Set<Int>()
            for n in doc.nodes { for c in n.children ?? [] { isChild.insert(c) } }
            roots = doc.nodes.indices.filter { !isChild.contains($0) }
        }
        var order: [Int] = []
        var visited = Set<Int>()
        var stack = Array(roots.reversed())
        while let n = stack.popLast() {
            guard n >= 0, n < doc.nodes.count, visited.insert(n).inserted else { continue }
            order.append(n)
            stack += (doc.nodes[n].children ?? []).reversed()
        }
        return order
    }

    private static func readPrimitive(_ asset: GLTFAsset, mesh m: Int, primitive p: Int, material: Int) throws -> Primitive {
        let doc = asset.document
        let prim = doc.meshes[m].primitives[p]
        guard let positionAccessor = prim.attributes["POSITION"] else {
            throw GLTFError.invalidPrimitive(mesh: m, primitive: p, reason: "no POSITION attribute")
        }
        let flat = try asset.readFloats(accessor: positionAccessor)
        let n = flat.count / 3
        /// The attribute's first `width` components per vertex, flattened; nil when absent.
        /// - Throws: `attributeCount` unless it has one element of at least `width`
        ///   components per vertex.
        func read(_ semantic: String, width: Int) throws -> [Float]? {
            guard let a = prim.attributes[semantic] else { return nil }
            let values = try asset.readFloats(accessor: a)
            let components = doc.accessors[a].elementType?.componentCount ?? width
            guard components >= width, values.count == n * components else {
                throw GLTFSceneError.attributeCount(mesh: m, primitive: p, attribute: semantic,
                                                    count: values.count / max(1, components), vertexCount: n)
            }
            if components == width { return values }
            return stride(from: 0, to: values.count, by: components).flatMap { values[$0..<($0 + width)] }
        }
        let positions = (0..<n).map { Vec3(Double(flat[3 * $0]), Double(flat[3 * $0 + 1]), Double(flat[3 * $0 + 2])) }
        let normals = try read("NORMAL", width: 3)
        let texCoord = prim.material.flatMap { $0 >= 0 && $0 < doc.materials.count ? doc.materials[$0] : nil }?
            .pbrMetallicRoughness?.baseColorTexture?.texCoord ?? 0
        let uv = try read("TEXCOORD_\(texCoord)", width: 2)
        let colors = try read("COLOR_0", width: 3)
        var joints: [UInt32]?, weights: [Float]?
        if let ja = prim.attributes["JOINTS_0"], prim.attributes["WEIGHTS_0"] != nil {
            let values = try asset.readUInt32(accessor: ja)
            guard values.count == 4 * n else {
                throw GLTFSceneError.attributeCount(mesh: m, primitive: p, attribute: "JOINTS_0", count: values.count / 4, vertexCount: n)
            }
            joints = values
            weights = try read("WEIGHTS_0", width: 4)
        }
        return Primitive(
            positions: positions,
            normals: normals.map { v in (0..<n).map { Vec3(Double(v[3 * $0]), Double(v[3 * $0 + 1]), Double(v[3 * $0 + 2])) } } ?? [],
            uvs: uv.map { u in (0..<n).map { SIMD2(u[2 * $0], u[2 * $0 + 1]) } } ?? [],
            colors: colors.map { c in (0..<n).map { SIMD3(c[3 * $0], c[3 * $0 + 1], c[3 * $0 + 2]) } } ?? [],
            indices: try asset.triangleIndices(mesh: m, primitive: p),
            material: material, joints: joints, weights: weights)
    }

    private static func readSkin(_ asset: GLTFAsset, skin s: Int) throws -> Skin {
        let skin = asset.document.skins[s]
        guard let accessor = skin.inverseBindMatrices else {
            return Skin(joints: skin.joints, inverseBindMatrices: Array(repeating: .identity, count: skin.joints.count))
        }
        let values = try asset.readDoubles(accessor: accessor)
        guard values.count >= 16 * skin.joints.count else {
            throw GLTFSceneError.inverseBindMatrixCount(skin: s, count: values.count / 16, jointCount: skin.joints.count)
        }
        return Skin(joints: skin.joints,
                    inverseBindMatrices: (0..<skin.joints.count).map { Matrix4(columnMajor: Array(values[(16 * $0)..<(16 * $0 + 16)])) })
    }
}

extension Scene {
    /// The scene of `asset` in one pose (see `GLTFSceneBuilder`, which reads the asset once
    /// for many poses).
    public init(gltf asset: GLTFAsset, options: GLTFSceneOptions = GLTFSceneOptions()) throws {
        self = try GLTFSceneBuilder(asset: asset, unlit: options.unlit)
            .scene(nodeLocalTransforms: options.nodeLocalTransforms, skinning: options.skinning)
    }
}
