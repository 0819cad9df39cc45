import Foundation
import Geometry
import GLTF

/// A glTF character's skeleton: one skin's joints as a `Skeleton` (parents-first), with the
/// glTF node of each joint. The rest pose is the nodes' own TRS; non-joint ancestors (e.g.
/// a `Z_UP` node) become the roots' `rootBase`, so world space is the glTF scene (Y up, metres).
public struct CharacterRig: Sendable {
    public var skeleton: Skeleton
    /// glTF node index of each skeleton joint.
    public var nodes: [Int]
    public var skinIndex: Int

    /// Reads skin `skin` of `asset`. Throws `MotionError.noSkin` when there is none.
    public init(asset: GLTFAsset, path: String, skin: Int = 0) throws {
        let doc = asset.document
        guard skin < doc.skins.count, !doc.skins[skin].joints.isEmpty else { throw MotionError.noSkin(path: path) }
        var parentNode = [Int](repeating: -1, count: doc.nodes.count)
        for (i, n) in doc.nodes.enumerated() { for c in n.children ?? [] where c < doc.nodes.count { parentNode[c] = i } }
        let jointNodes = doc.skins[skin].joints
        let jointSet = Set(jointNodes)
        func depth(_ n: Int) -> Int { var d = 0, k = n; while parentNode[k] >= 0 { d += 1; k = parentNode[k] }; return d }
        let order = jointNodes.sorted { (depth($0), $0) < (depth($1), $1) }
        var indexOfNode = [Int: Int]()
        for (i, n) in order.enumerated() { indexOfNode[n] = i }
        var parents = [Int](), locals = [Rigid3](), bases = [Sim3]()
        for n in order {
            var p = parentNode[n]
            var base = Sim3.identity
            while p >= 0 && !jointSet.contains(p) { base = Self.localSim3(doc.nodes[p]) * base; p = parentNode[p] }
            if p >= 0 { parents.append(indexOfNode[p]!); bases.append(.identity) }
            else { parents.append(-1); bases.append(base) }
            let s = Self.localSim3(doc.nodes[n])
            locals.append(Rigid3(rotation: s.rotation, translation: s.translation))
        }
        // A joint whose parent joint carries no base but whose chain skipped non-joint nodes
        // between two joints is rare; those nodes' transforms are folded in only for roots.
        skeleton = Skeleton(names: order.map { doc.nodes[$0].name ?? "node\($0)" }, parents: parents,
                            restLocal: locals, rootBase: bases)
        nodes = order
        skinIndex = skin
    }

    /// A node's local transform as a similarity (uniform scale: the mean of its scale).
    public static func localSim3(_ node: GLTFNode) -> Sim3 {
        if let m = node.matrix, m.count == 16 {
            let c0 = Vec3(m[0], m[1], m[2]), c1 = Vec3(m[4], m[5], m[6]), c2 = Vec3(m[8], m[9], m[10])
            let s = (length(c0) + length(c1) + length(c2)) / 3
            let r = Matrix3(columns: normalize(c0), normalize(c1), normalize(c2))
            return Sim3(scale: s, rotation: Quaternion(r), translation: Vec3(m[12], m[13], m[14]))
        }
        let t = node.translation.map { Vec3($0[0], $0[1], $0[2]) } ?? .zero
        let q = node.rotation.map { Quaternion(w: $0[3], x: $0[0], y: $0[1], z: $0[2]).normalized } ?? .identity
        let s = node.scale.map { ($0[0] + $0[1] + $0[2]) / 3 } ?? 1
        return Sim3(scale: s, rotation: q, translation: t)
    }
}
