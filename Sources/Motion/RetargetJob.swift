import Foundation
import Geometry
import GLTF

/// File-level retargeting: BVH + character glTF in, character glTF with one new animation
/// (and optionally a BVH on the character's skeleton) out. Nothing is written on failure.
public enum RetargetJob {
    /// What a run decided and produced.
    public struct Summary: Sendable {
        public var result: RetargetResult
        public var source: MotionSource
        public var targetMap: BodyMap
        public var rig: CharacterRig
        public var animationIndex: Int
    }

    /// Reads a `--map` file: a JSON object `{"sourceBone": "targetBone", …}`.
    public static func readMapping(path: String, source: Skeleton, target: Skeleton) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MotionError.unreadableFile(path: path, reason: "no such file or not readable")
        }
        guard let obj = try? JSONSerialization.jsonObject(with: data), let dict = obj as? [String: Any] else {
            throw MotionError.mappingFormat(file: path, message: "expected a JSON object {\"sourceBone\": \"targetBone\", …}")
        }
        var out = [String: String]()
        for (k, v) in dict.sorted(by: { $0.key < $1.key }) {
            guard let t = v as? String else { throw MotionError.mappingFormat(file: path, message: "the value for '\(k)' is not a bone name string") }
            guard source.index(of: k) != nil else { throw MotionError.mappingUnknownBone(file: path, bone: k, skeleton: "source (BVH)") }
            guard target.index(of: t) != nil else { throw MotionError.mappingUnknownBone(file: path, bone: t, skeleton: "character") }
            out[k] = t
        }
        return out
    }

    /// The result as BVH (centimetres): the hips subtree of the character, with virtual
    /// parents applied (an IK-rig foot hangs under its lower leg), and an End Site at the
    /// sole under each foot-chain leaf (its rest height above the floor).
    public static func bvhDocument(_ clip: SkeletalClip, map: BodyMap) -> BVHDocument {
        let sk = clip.skeleton
        let (T, order) = sk.reparented(map.virtualParents)
        var newIndex = [Int](repeating: 0, count: sk.count)
        for (i, o) in order.enumerated() { newIndex[o] = i }
        let hips = newIndex[map[.hips]!]
        let keep = (0..<T.count).filter { T.isAncestor(hips, of: $0) }
        var sub = [Int](repeating: -1, count: T.count)
        for (i, k) in keep.enumerated() { sub[k] = i }
        let restW = sk.restWorld()
        // Sole End Sites under the foot-chain leaves.
        let feet = [map[.leftFoot]!, map[.rightFoot]!].map { newIndex[$0] }
        let soleRest = keep.filter { k in feet.contains { T.isAncestor($0, of: k) } }.map { restW.positions[order[$0]].y }.min() ?? 0
        let hipsH = restW.positions[order[hips]].y - soleRest
        let floorT = (soleRest >= 0 && soleRest <= 0.1 * hipsH) ? 0 : soleRest
        var names = keep.map { T.names[$0] }, parents = keep.map { $0 == hips ? -1 : sub[T.parents[$0]] }
        var locals = keep.map { $0 == hips ? Rigid3(rotation: restW.rotations[order[hips]], translation: restW.positions[order[hips]]) : T.restLocal[$0] }
        var ends = [Bool](repeating: false, count: keep.count)
        var endOffsets = [(Int, Vec3)]()
        for (i, k) in keep.enumerated() where feet.contains(where: { T.isAncestor($0, of: k) }) && !keep.contains(where: { T.parents[$0] == k }) {
            let j = order[k]
            let down = Vec3(0, -(restW.positions[j].y - floorT), 0)
            let local = restW.rotations[j].conjugate.rotate(down) / restW.scales[j]
            names.append(T.names[k] + " Sole"); parents.append(i); locals.append(Rigid3(rotation: Quaternion.identity, translation: local)); ends.append(true)
            endOffsets.append((names.count - 1, local))
        }
        let out = Skeleton(names: names, parents: parents, restLocal: locals, isEndSite: ends)
        let m = out.count, n = sk.count
        var rot = [Quaternion](repeating: .identity, count: clip.frameCount * m), tra = [Vec3](repeating: .zero, count: clip.frameCount * m)
        var pose = WorldPose(count: n)
        for f in 0..<clip.frameCount {
            sk.forwardKinematics(rotations: clip.rotations, translations: clip.translations, frame: f, into: &pose)
            for (i, k) in keep.enumerated() {
                let j = order[k]
                if i == sub[hips] { rot[f * m + i] = pose.rotations[j]; tra[f * m + i] = pose.positions[j]; continue }
                let p = order[T.parents[k]]
                let inv = pose.rotations[p].conjugate
                rot[f * m + i] = (inv * pose.rotations[j]).normalized
                tra[f * m + i] = inv.rotate(pose.positions[j] - pose.positions[p]) / pose.scales[p]
            }
            for (e, off) in endOffsets { tra[f * m + e] = off }
        }
        let outClip = SkeletalClip(skeleton: out, frameTime: clip.frameTime, frameCount: clip.frameCount, rotations: rot, translations: tra)
        return BVHWriter.document(from: outClip, unitsPerWorldUnit: 100)
    }

    static func loadAsset(_ path: String) throws -> GLTFAsset {
        guard FileManager.default.fileExists(atPath: path) else { throw MotionError.unreadableFile(path: path, reason: "no such file") }
        do { return try GLTFAsset(contentsOf: URL(fileURLWithPath: path)) }
        catch let e as GLTFError { throw MotionError.gltf("\(path): \(e.description)") }
    }

    /// The character's rig and body map.
    public static func loadCharacter(_ path: String) throws -> (GLTFAsset, CharacterRig, BodyMap) {
        let asset = try loadAsset(path)
        let rig = try CharacterRig(asset: asset, path: path)
        let map = try BodyMap.detect(rig.skeleton, positions: rig.skeleton.restWorld().positions, label: "character \(path)")
        return (asset, rig, map)
    }

    /// Runs the whole job. `units`/`up` describe the BVH; `mapPath` is an optional override file.
    public static func run(bvhPath: String, characterPath: String, outPath: String, bvhOutPath: String? = nil,
                           mapPath: String? = nil, units: BVHUnits = .auto, up: UpAxis = .auto,
                           options: RetargetOptions = RetargetOptions(), animationName: String? = nil,
                           keepExistingAnimations: Bool = false) throws -> Summary {
        let source = try MotionSource(bvh: BVHReader.read(path: bvhPath), units: units, up: up, label: "source \(bvhPath)")
        var (asset, rig, tMap) = try loadCharacter(characterPath)
        var opts = options
        if let mapPath { opts.overrides = try readMapping(path: mapPath, source: source.clip.skeleton, target: rig.skeleton) }
        let result = try Retargeter.retarget(source: source, target: rig.skeleton, targetMap: tMap, options: opts)
        let name = animationName ?? URL(fileURLWithPath: bvhPath).deletingPathExtension().lastPathComponent
        var extras: [String: JSONValue] = [
            // File names only: the same job on another machine or folder writes the same bytes.
            "source": .string(URL(fileURLWithPath: bvhPath).lastPathComponent),
            "units": .string(units.description), "up": .string(up.rawValue),
            "metresPerUnit": .number(source.metresPerUnit),
            "fps": .number(opts.fps), "inPlace": .bool(opts.inPlace), "footIK": .bool(opts.footIK),
            "scale": .number(result.scale),
            "feet": .array(result.feet.map { .string($0) }),
            "ikJoints": .array(result.ikJoints.map { .string($0) }),
            "contacts": .array(result.contacts.map { side in .array(side.map { .array([.number(Double($0.lowerBound)), .number(Double($0.upperBound))]) }) }),
        ]
        if let g = opts.ground { extras["ground"] = .number(g) }
        if let mapPath { extras["map"] = .string(URL(fileURLWithPath: mapPath).lastPathComponent) }
        // By default the output holds only the new animation (the character's own clips are dropped).
        if !keepExistingAnimations { asset.document.animations = [] }
        let index = GLTFAnimationIO.appendAnimation(to: &asset, rig: rig, clip: result.clip, times: result.times, name: name,
                                                    extras: .object(["landmarkMotion": .object(extras)]))
        // Write: BVH text first (in memory), then the GLB, then the BVH; undo on failure.
        let bvhDoc = bvhOutPath.map { _ in bvhDocument(result.clip, map: tMap) }
        do { try asset.write(to: URL(fileURLWithPath: outPath)) }
        catch let e as GLTFError { throw MotionError.gltf(e.description) }
        if let bvhOutPath, let bvhDoc {
            do { try BVHWriter.write(bvhDoc, to: bvhOutPath) }
            catch { try? FileManager.default.removeItem(atPath: outPath); throw error }
        }
        tMap = try BodyMap.detect(rig.skeleton, positions: rig.skeleton.restWorld().positions, label: "character")
        return Summary(result: result, source: source, targetMap: tMap, rig: rig, animationIndex: index)
    }
}
