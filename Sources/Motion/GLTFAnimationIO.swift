import Foundation
import Geometry
import GLTF

/// Writes a retargeted clip into a character's glTF as one new animation, and reads it back.
public enum GLTFAnimationIO {
    /// Appends an animation named `name` to `asset`: for every joint node, a translation
    /// (VEC3) and a rotation (VEC4, x y z w) channel, LINEAR samplers sharing one time
    /// accessor in seconds; every accessor has min/max. `extras` goes on the animation.
    /// Returns the animation index.
    @discardableResult
    public static func appendAnimation(to asset: inout GLTFAsset, rig: CharacterRig, clip: SkeletalClip,
                                       times: [Double], name: String, extras: JSONValue?) -> Int {
        precondition(times.count == clip.frameCount)
        let n = rig.skeleton.count
        let timeAccessor = asset.appendAccessor(floats: times.map { Float($0) }, type: .scalar, minMax: true, name: "\(name) time")
        var anim = GLTFAnimation(name: name)
        for j in 0..<n {
            var t = [Float](), r = [Float]()
            t.reserveCapacity(clip.frameCount * 3); r.reserveCapacity(clip.frameCount * 4)
            var prev = Quaternion.identity
            for f in 0..<clip.frameCount {
                let v = clip.translations[f * n + j]
                t += [Float(v.x), Float(v.y), Float(v.z)]
                var q = clip.rotations[f * n + j]
                // Keep consecutive quaternions on the same hemisphere (LINEAR interpolates them).
                if f > 0 && q.w * prev.w + q.x * prev.x + q.y * prev.y + q.z * prev.z < 0 { q = Quaternion(w: -q.w, x: -q.x, y: -q.y, z: -q.z) }
                prev = q
                r += [Float(q.x), Float(q.y), Float(q.z), Float(q.w)]
            }
            let ta = asset.appendAccessor(floats: t, type: .vec3, minMax: true)
            let ra = asset.appendAccessor(floats: r, type: .vec4, minMax: true)
            anim.samplers.append(.init(input: timeAccessor, output: ta, interpolation: "LINEAR"))
            anim.channels.append(.init(sampler: anim.samplers.count - 1, target: .init(node: rig.nodes[j], path: "translation")))
            anim.samplers.append(.init(input: timeAccessor, output: ra, interpolation: "LINEAR"))
            anim.channels.append(.init(sampler: anim.samplers.count - 1, target: .init(node: rig.nodes[j], path: "rotation")))
        }
        anim.extras = extras
        asset.document.animations.append(anim)
        return asset.document.animations.count - 1
    }

    /// Reads animation `index` as a clip on `rig` (joints without a channel keep their rest
    /// value), sampled at the key times of its first channel. Returns the clip and times.
    public static func readAnimation(_ asset: GLTFAsset, rig: CharacterRig, index: Int) throws -> (SkeletalClip, [Double]) {
        let doc = asset.document
        guard index < doc.animations.count else { throw MotionError.gltf("the file has no animation \(index)") }
        let anim = doc.animations[index]
        guard let first = anim.channels.first else { throw MotionError.gltf("animation \(index) has no channels") }
        let times = try asset.readDoubles(accessor: anim.samplers[first.sampler].input)
        let n = rig.skeleton.count, frames = times.count
        var rot = [Quaternion](), tra = [Vec3]()
        for _ in 0..<frames { rot += rig.skeleton.restLocal.map(\.rotation); tra += rig.skeleton.restLocal.map(\.translation) }
        var jointOfNode = [Int: Int]()
        for (j, node) in rig.nodes.enumerated() { jointOfNode[node] = j }
        for ch in anim.channels {
            guard let node = ch.target.node, let j = jointOfNode[node] else { continue }
            let s = anim.samplers[ch.sampler]
            let keyTimes = try asset.readDoubles(accessor: s.input)
            let v = try asset.readDoubles(accessor: s.output)
            guard keyTimes.count == frames else { throw MotionError.gltf("animation \(index): channels with different key times are not supported") }
            switch ch.target.path {
            case "rotation":
                for f in 0..<frames { rot[f * n + j] = Quaternion(w: v[f * 4 + 3], x: v[f * 4], y: v[f * 4 + 1], z: v[f * 4 + 2]).normalized }
            case "translation":
                for f in 0..<frames { tra[f * n + j] = Vec3(v[f * 3], v[f * 3 + 1], v[f * 3 + 2]) }
            default: continue
            }
        }
        let ft = frames > 1 ? times[1] - times[0] : 1 / 30
        return (SkeletalClip(skeleton: rig.skeleton, frameTime: ft, frameCount: frames, rotations: rot, translations: tra), times)
    }
}
