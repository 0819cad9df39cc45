import Foundation
import Geometry
import Rendering
import Imaging
import GLTF

/// Why a character could not be posed for a preview.
public enum CharacterPoseError: Error, CustomStringConvertible {
    case noMeshes(String)
    case noAnimation(String, index: Int, count: Int)
    case notSkinned(String)
    case badTexture(String, image: Int, reason: String)

    public var description: String {
        switch self {
        case .noMeshes(let p): "\(p): the asset has no triangle meshes to render"
        case .noAnimation(let p, let i, let n): "\(p): animation \(i) does not exist (the asset has \(n))"
        case .notSkinned(let p): "\(p): the character has no skin, so an animation cannot move its mesh (skin it, or preview it without --animation)"
        case .badTexture(let p, let i, let r): "\(p): image \(i) is not a readable texture: \(r)"
        }
    }
}

/// Poses a glTF character at a time of one of its animations and turns it into a
/// `Rendering.Scene` in the character's frame (glTF: Y up, metres, facing +Z): node
/// transforms sampled from the animation (LINEAR, STEP; CUBICSPLINE uses its values),
/// then linear-blend skinning (`Σ wᵢ · world(jointᵢ) · inverseBind(jointᵢ)`, which glTF
/// defines to ignore the mesh node's own transform) or the node's world transform for
/// rigid meshes. Base colour factors and textures are kept.
public struct CharacterPoser {
    public let asset: GLTFAsset
    public let name: String
    private let parent: [Int]
    private var textures: [Texture] = []
    private var textureOfImage: [Int: Int] = [:]

    public init(asset: GLTFAsset, name: String) throws {
        self.asset = asset
        self.name = name
        let doc = asset.document
        var parent = [Int](repeating: -1, count: doc.nodes.count)
        for (i, n) in doc.nodes.enumerated() { for c in n.children ?? [] where c < parent.count { parent[c] = i } }
        self.parent = parent
        guard doc.meshes.contains(where: { $0.primitives.contains { $0.topology == .triangles } }) else {
            throw CharacterPoseError.noMeshes(name)
        }
        // Decode each base-colour image once.
        for material in doc.materials {
            guard let t = material.pbrMetallicRoughness?.baseColorTexture?.index, t < doc.textures.count,
                  let image = doc.textures[t].source, textureOfImage[image] == nil else { continue }
            let bytes = try imageBytes(image)
            do {
                textures.append(Texture(image: try Image8(decoding: bytes, channels: 3, name: "image \(image)")))
                textureOfImage[image] = textures.count - 1
            } catch {
                throw CharacterPoseError.badTexture(name, image: image, reason: "\(error)")
            }
        }
    }

    public var isSkinned: Bool { !asset.document.skins.isEmpty }
    public var animationCount: Int { asset.document.animations.count }

    /// The duration in seconds of animation `index` (the last key time).
    public func duration(ofAnimation index: Int) throws -> Double {
        let doc = asset.document
        guard index >= 0, index < doc.animations.count else {
            throw CharacterPoseError.noAnimation(name, index: index, count: doc.animations.count)
        }
        var end = 0.0
        for s in doc.animations[index].samplers { end = max(end, try asset.readDoubles(accessor: s.input).last ?? 0) }
        return end
    }

    /// The posed character at `time` seconds of its own animation `animation` (nil: the rest pose).
    public func scene(animation: Int?, time: Double) throws -> Scene {
        try scene(animationFrom: animation.map { (self, $0) }, time: time)
    }

    /// The posed character at `time` seconds of animation `index` of `source`: another
    /// asset's animation (e.g. `mocap retarget`'s output for this character) applied to this
    /// character's nodes by node name. Throws `notSkinned` when this character has no skin.
    public func scene(animationFrom source: (poser: CharacterPoser, index: Int)?, time: Double) throws -> Scene {
        let doc = asset.document
        var local = doc.nodes.map(Self.restTRS)
        if let (other, index) = source {
            guard isSkinned else { throw CharacterPoseError.notSkinned(name) }
            let animations = other.asset.document.animations
            guard index >= 0, index < animations.count else {
                throw CharacterPoseError.noAnimation(other.name, index: index, count: animations.count)
            }
            if other.asset.document.nodes.count == doc.nodes.count && other.name == name {
                try apply(animations[index], at: time, to: &local)
            } else {
                var otherLocal = other.asset.document.nodes.map(Self.restTRS)
                let animated = try other.apply(animations[index], at: time, to: &otherLocal)
                var byName: [String: Int] = [:]
                for (i, n) in doc.nodes.enumerated() { if let nm = n.name { byName[nm] = i } }
                for n in animated {
                    guard let nm = other.asset.document.nodes[n].name, let mine = byName[nm] else { continue }
                    local[mine] = otherLocal[n]
                }
            }
        }
        var world = [Matrix4?](repeating: nil, count: doc.nodes.count)
        func worldMatrix(_ n: Int) -> Matrix4 {
            if let w = world[n] { return w }
            let m = parent[n] >= 0 ? worldMatrix(parent[n]) * local[n].matrix : local[n].matrix
            world[n] = m
            return m
        }
        var out = Scene(meshes: [], materials: [], textures: textures)
        var materialIndex: [Int: Int] = [:]
        func material(_ m: Int?) -> Int {
            let key = m ?? -1
            if let i = materialIndex[key] { return i }
            var mat = Material()
            if let m, m < doc.materials.count {
                let pbr = doc.materials[m].pbrMetallicRoughness
                if let f = pbr?.baseColorFactor, f.count >= 3 { mat.baseColor = SIMD3(Float(f[0]), Float(f[1]), Float(f[2])) }
                if let t = pbr?.baseColorTexture?.index, t < doc.textures.count, let img = doc.textures[t].source {
                    mat.texture = textureOfImage[img]
                }
                mat.doubleSided = doc.materials[m].doubleSided ?? false
            }
            out.materials.append(mat)
            materialIndex[key] = out.materials.count - 1
            return out.materials.count - 1
        }
        for (n, node) in doc.nodes.enumerated() {
            guard let meshIndex = node.mesh, meshIndex < doc.meshes.count else { continue }
            // Skinning matrices: world(joint) · inverseBind(joint).
            var jointMatrices: [Matrix4]?
            if let s = node.skin, s < doc.skins.count {
                let skin = doc.skins[s]
                let ibm = try skin.inverseBindMatrices.map { try asset.readDoubles(accessor: $0) }
                jointMatrices = skin.joints.enumerated().map { j, jointNode in
                    let inv = ibm.map { Matrix4(columnMajor: Array($0[(16 * j)..<(16 * j + 16)])) } ?? .identity
                    return worldMatrix(jointNode) * inv
                }
            }
            let nodeWorld = worldMatrix(n)
            for primitive in doc.meshes[meshIndex].primitives where primitive.topology == .triangles {
                guard let pa = primitive.attributes["POSITION"] else { continue }
                let p = try asset.readFloats(accessor: pa)
                let vertexCount = p.count / 3
                let nrm = try primitive.attributes["NORMAL"].map { try asset.readFloats(accessor: $0) }
                let uv = try primitive.attributes["TEXCOORD_0"].map { try asset.readFloats(accessor: $0) }
                let indices = try primitive.indices.map { try asset.readUInt32(accessor: $0) } ?? (0..<UInt32(vertexCount)).map { $0 }
                var joints: [UInt32]?, weights: [Float]?
                if jointMatrices != nil, let ja = primitive.attributes["JOINTS_0"], let wa = primitive.attributes["WEIGHTS_0"] {
                    joints = try asset.readUInt32(accessor: ja)
                    weights = try asset.readFloats(accessor: wa)
                }
                var positions = [SIMD3<Float>](repeating: .zero, count: vertexCount)
                var normals = [SIMD3<Float>]()
                if nrm != nil { normals = [SIMD3<Float>](repeating: .zero, count: vertexCount) }
                for v in 0..<vertexCount {
                    let pos = Vec3(Double(p[3 * v]), Double(p[3 * v + 1]), Double(p[3 * v + 2]))
                    var m = nodeWorld
                    if let joints, let weights, let jm = jointMatrices {
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
                    let q = m.transformPoint(pos)
                    positions[v] = SIMD3(Float(q.x), Float(q.y), Float(q.z))
                    if let nrm {
                        let d = m.transformDirection(Vec3(Double(nrm[3 * v]), Double(nrm[3 * v + 1]), Double(nrm[3 * v + 2])))
                        let l = max(1e-12, (d.x * d.x + d.y * d.y + d.z * d.z).squareRoot())
                        normals[v] = SIMD3(Float(d.x / l), Float(d.y / l), Float(d.z / l))
                    }
                }
                let uvs = uv.map { u in (0..<vertexCount).map { SIMD2<Float>(u[2 * $0], u[2 * $0 + 1]) } } ?? []
                out.meshes.append(Rendering.Mesh(positions: positions, normals: normals, uvs: uvs, indices: indices,
                                                 material: material(primitive.material)))
            }
        }
        guard !out.meshes.isEmpty else { throw CharacterPoseError.noMeshes(name) }
        if out.materials.isEmpty { out.materials = [Material()] }
        return out
    }

    // MARK: - Animation sampling

    struct TRS {
        var t = [0.0, 0, 0], r = [0.0, 0, 0, 1], s = [1.0, 1, 1]   // r: glTF order x, y, z, w
        var fixedMatrix: Matrix4?
        var matrix: Matrix4 {
            if let fixedMatrix { return fixedMatrix }
            let q = Quaternion(w: r[3], x: r[0], y: r[1], z: r[2]).normalized
            return Matrix4.trs(translation: t, rotation: [q.x, q.y, q.z, q.w], scale: s)
        }
    }

    static func restTRS(_ node: GLTFNode) -> TRS {
        var trs = TRS()
        if let m = node.matrix, m.count == 16 { trs.fixedMatrix = Matrix4(columnMajor: m); return trs }
        if let t = node.translation, t.count == 3 { trs.t = t }
        if let r = node.rotation, r.count == 4 { trs.r = r }
        if let s = node.scale, s.count == 3 { trs.s = s }
        return trs
    }

    /// Samples `animation` at `time` into `local`; returns the animated nodes.
    @discardableResult
    private func apply(_ animation: GLTFAnimation, at time: Double, to local: inout [TRS]) throws -> Set<Int> {
        var animated = Set<Int>()
        for channel in animation.channels {
            guard let node = channel.target.node, node < local.count, channel.sampler < animation.samplers.count else { continue }
            let sampler = animation.samplers[channel.sampler]
            let times = try asset.readDoubles(accessor: sampler.input)
            var values = try asset.readDoubles(accessor: sampler.output)
            guard !times.isEmpty else { continue }
            let width: Int
            switch channel.target.path {
            case "translation", "scale": width = 3
            case "rotation": width = 4
            default: continue   // morph weights are not rendered
            }
            if sampler.interpolation == "CUBICSPLINE" {   // keep the values, drop the tangents
                values = (0..<times.count).flatMap { k in Array(values[(3 * k + 1) * width..<(3 * k + 2) * width]) }
            }
            guard values.count >= times.count * width else { continue }
            var k = 0
            while k + 1 < times.count && times[k + 1] <= time { k += 1 }
            let a = Array(values[(k * width)..<(k * width + width)])
            var v = a
            if time > times[k], k + 1 < times.count, sampler.interpolation != "STEP" {
                let b = Array(values[((k + 1) * width)..<((k + 1) * width + width)])
                let u = (time - times[k]) / (times[k + 1] - times[k])
                if width == 4 {
                    let q = Quaternion.slerp(Quaternion(w: a[3], x: a[0], y: a[1], z: a[2]), Quaternion(w: b[3], x: b[0], y: b[1], z: b[2]), u)
                    v = [q.x, q.y, q.z, q.w]
                } else {
                    v = (0..<width).map { a[$0] + (b[$0] - a[$0]) * u }
                }
            }
            local[node].fixedMatrix = nil
            animated.insert(node)
            switch channel.target.path {
            case "translation": local[node].t = v
            case "rotation": local[node].r = v
            default: local[node].s = v
            }
        }
        return animated
    }

    // MARK: - Images

    private func imageBytes(_ index: Int) throws -> Data {
        let doc = asset.document
        guard index < doc.images.count else { throw CharacterPoseError.badTexture(name, image: index, reason: "no such image") }
        let image = doc.images[index]
        if let data = asset.imageData[index] { return data }
        if let v = image.bufferView, v < doc.bufferViews.count {
            let view = doc.bufferViews[v]
            guard view.buffer < asset.buffers.count else { throw CharacterPoseError.badTexture(name, image: index, reason: "bad buffer") }
            let buffer = asset.buffers[view.buffer]
            let start = buffer.startIndex + (view.byteOffset ?? 0)
            guard start + view.byteLength <= buffer.endIndex else {
                throw CharacterPoseError.badTexture(name, image: index, reason: "buffer view runs past its buffer")
            }
            return buffer.subdata(in: start..<(start + view.byteLength))
        }
        if let uri = image.uri, uri.hasPrefix("data:"), let comma = uri.firstIndex(of: ","),
           let data = Data(base64Encoded: String(uri[uri.index(after: comma)...])) {
            return data
        }
        throw CharacterPoseError.badTexture(name, image: index, reason: "its bytes are not available")
    }
}
