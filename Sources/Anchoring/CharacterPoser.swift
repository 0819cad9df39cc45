import Foundation
import Geometry
import Rendering
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
/// transforms sampled from the animation (LINEAR, STEP; CUBICSPLINE uses its values), then
/// `GLTFSceneBuilder`'s linear-blend skinning (or the node's world transform for rigid
/// meshes), lit. The asset is read and its textures decoded once, at `init`.
public struct CharacterPoser: Sendable {
    public let asset: GLTFAsset
    public let name: String
    private let builder: GLTFSceneBuilder

    /// - Throws: `CharacterPoseError.noMeshes` when the asset has no triangle primitive,
    ///   `.badTexture` for a base colour image that is missing or does not decode;
    ///   `GLTFError`/`GLTFSceneError` for unreadable primitives.
    public init(asset: GLTFAsset, name: String) throws {
        self.asset = asset
        self.name = name
        let doc = asset.document
        guard doc.meshes.contains(where: { $0.primitives.contains { [.triangles, .triangleStrip, .triangleFan].contains($0.topology) } }) else {
            throw CharacterPoseError.noMeshes(name)
        }
        // A preview without the character's texture would mislead: a missing image is an error.
        for material in doc.materials {
            guard let t = material.pbrMetallicRoughness?.baseColorTexture?.index, t >= 0, t < doc.textures.count,
                  let image = doc.textures[t].source, asset.imageBytes(image) == nil else { continue }
            throw CharacterPoseError.badTexture(name, image: image,
                                                reason: image >= 0 && image < doc.images.count ? "its bytes are not available" : "no such image")
        }
        do {
            builder = try GLTFSceneBuilder(asset: asset, unlit: false)
        } catch GLTFSceneError.undecodableTexture(let image, _, let reason) {
            throw CharacterPoseError.badTexture(name, image: image, reason: reason)
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
        let scene = try builder.scene(nodeLocalTransforms: local.map(\.matrix), skinning: true)
        guard !scene.meshes.isEmpty else { throw CharacterPoseError.noMeshes(name) }
        return scene
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
}
