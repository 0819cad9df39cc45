import Foundation
import Support
import Geometry

extension SkeletalClip {
    /// The clip a BVH document describes, in the file's own units and axes (`rootBase` is
    /// identity). Rotation channels compose in file order, `R = R_c1 · R_c2 · R_c3`;
    /// position channels replace the matching OFFSET component (the usual reading, e.g.
    /// Blender's). End Sites become joints with no motion.
    public init(bvh: BVHDocument) {
        let joints = bvh.joints
        let n = joints.count
        let skeleton = Skeleton(
            names: joints.map(\.name), parents: joints.map(\.parent),
            restLocal: joints.map { Rigid3(rotation: Quaternion.identity, translation: $0.offset) },
            isEndSite: joints.map(\.isEndSite))
        let frames = bvh.frameCount
        let cc = bvh.channelCount
        var rot = [Quaternion](repeating: .identity, count: frames * n)
        var tra = [Vec3](repeating: .zero, count: frames * n)
        let starts = bvh.channelStarts
        let degree = Double.pi / 180
        bvh.values.withUnsafeBufferPointer { v in
            for f in 0..<frames {
                let row = f * cc
                for j in 0..<n {
                    var q = Quaternion.identity
                    var t = joints[j].offset
                    var k = row + starts[j]
                    for ch in joints[j].channels {
                        let x = v[k]; k += 1
                        if ch.isRotation { q = q * EulerAngles.axisRotation(ch.axis, x * degree) } else { t[ch.axis] = x }
                    }
                    rot[f * n + j] = q
                    tra[f * n + j] = t
                }
            }
        }
        self.init(skeleton: skeleton, frameTime: bvh.frameTime, frameCount: frames, rotations: rot, translations: tra)
    }
}

/// Writes clips as BVH.
public enum BVHWriter {
    /// A BVH document for `clip`: root joints carry 6 channels (position, then rotation in
    /// `rotationOrder`), other joints 3 rotation channels, plus position channels when their
    /// translation moves. The root's OFFSET is zero and its position channels hold the full
    /// world position, so both BVH readings of root positions agree. Lengths are multiplied
    /// by `unitsPerWorldUnit` (100 writes centimetres from metres). Joints with no children
    /// that are not End Sites get a zero-length End Site.
    ///
    /// - Parameter rotationOrder: three distinct axes (0 = X, 1 = Y, 2 = Z); default ZYX.
    public static func document(from clip: SkeletalClip, unitsPerWorldUnit: Double = 1, rotationOrder: [Int] = [2, 1, 0]) -> BVHDocument {
        let sk = clip.skeleton
        let n = sk.count
        let rotChannels: [BVHChannel] = rotationOrder.map { [.xRotation, .yRotation, .zRotation][$0] }
        let posChannels: [BVHChannel] = [.xPosition, .yPosition, .zPosition]
        // Which non-root joints move their translation?
        var moving = [Bool](repeating: false, count: n)
        for j in 0..<n where sk.parents[j] >= 0 {
            let rest = clip.translations[j]
            for f in 0..<clip.frameCount where distance(clip.translations[f * n + j], rest) > 1e-9 { moving[j] = true; break }
        }
        var joints = [BVHJoint]()
        var newIndex = [Int](repeating: -1, count: n)
        let children = sk.children
        // BVH needs each subtree contiguous: emit depth-first.
        func emit(_ j: Int, parent: Int) {
            let isRoot = sk.parents[j] < 0
            var ch: [BVHChannel] = []
            if !sk.isEndSite[j] { ch = (isRoot || moving[j] ? posChannels : []) + rotChannels }
            let scale = isRoot ? 1 : sk.worldScales[sk.parents[j]]
            let offset = isRoot ? Vec3.zero : clip.translations[j] * scale * unitsPerWorldUnit
            newIndex[j] = joints.count
            joints.append(BVHJoint(name: sk.names[j], parent: parent, offset: offset, channels: ch, isEndSite: sk.isEndSite[j]))
            let me = joints.count - 1
            for c in children[j] { emit(c, parent: me) }
            if children[j].isEmpty && !sk.isEndSite[j] {
                joints.append(BVHJoint(name: sk.names[j] + " End", parent: me, offset: .zero, channels: [], isEndSite: true))
            }
        }
        for j in 0..<n where sk.parents[j] < 0 { emit(j, parent: -1) }
        var values = [Double]()
        let cc = joints.reduce(0) { $0 + $1.channels.count }
        values.reserveCapacity(cc * clip.frameCount)
        // Map output joints back to clip joints.
        var source = [Int](repeating: -1, count: joints.count)
        for j in 0..<n { source[newIndex[j]] = j }
        let degree = 180 / Double.pi
        var pose = WorldPose(count: n)
        for f in 0..<clip.frameCount {
            sk.forwardKinematics(rotations: clip.rotations, translations: clip.translations, frame: f, into: &pose)
            for (k, bj) in joints.enumerated() where !bj.channels.isEmpty {
                let j = source[k]
                let isRoot = sk.parents[j] < 0
                let q = isRoot ? pose.rotations[j] : clip.rotations[f * n + j]
                for c in bj.channels where !c.isRotation {
                    let t = isRoot ? pose.positions[j] * unitsPerWorldUnit
                                   : clip.translations[f * n + j] * sk.worldScales[sk.parents[j]] * unitsPerWorldUnit
                    values.append(t[c.axis])
                }
                let a = EulerAngles.angles(of: q, axes: rotationOrder)
                values.append(a[0] * degree); values.append(a[1] * degree); values.append(a[2] * degree)
            }
        }
        return BVHDocument(joints: joints, frameTime: clip.frameTime, values: values)
    }

    /// BVH text for a document (tabs, 6 decimals).
    public static func text(_ doc: BVHDocument) -> String {
        var out = "HIERARCHY\n"
        let children: [[Int]] = {
            var c = Array(repeating: [Int](), count: doc.joints.count)
            for (j, jt) in doc.joints.enumerated() where jt.parent >= 0 { c[jt.parent].append(j) }
            return c
        }()
        func num(_ x: Double) -> String { String(format: "%.6f", x == 0 ? 0 : x) }
        func write(_ j: Int, depth: Int) {
            let ind = String(repeating: "\t", count: depth)
            let jt = doc.joints[j]
            if jt.isEndSite { out += ind + "End Site\n" } else { out += ind + (jt.parent < 0 ? "ROOT " : "JOINT ") + jt.name + "\n" }
            out += ind + "{\n"
            out += ind + "\tOFFSET \(num(jt.offset.x)) \(num(jt.offset.y)) \(num(jt.offset.z))\n"
            if !jt.isEndSite {
                out += ind + "\tCHANNELS \(jt.channels.count)" + jt.channels.map { " " + $0.rawValue }.joined() + "\n"
            }
            for c in children[j] { write(c, depth: depth + 1) }
            out += ind + "}\n"
        }
        for (j, jt) in doc.joints.enumerated() where jt.parent < 0 { write(j, depth: 0) }
        out += "MOTION\nFrames: \(doc.frameCount)\nFrame Time: \(String(format: "%.8f", doc.frameTime))\n"
        let cc = doc.channelCount
        var line = ""
        for f in 0..<doc.frameCount {
            line.removeAll(keepingCapacity: true)
            for k in 0..<cc {
                if k > 0 { line += " " }
                line += num(doc.values[f * cc + k])
            }
            out += line + "\n"
        }
        return out
    }

    /// Replaces `path` with `doc` atomically (Support's `atomicReplace`): a failure or a crash
    /// leaves the old file or the new one, never a partial one or none.
    public static func write(_ doc: BVHDocument, to path: String) throws {
        do { try atomicReplace(Data(text(doc).utf8), at: URL(fileURLWithPath: path)) } catch {
            throw MotionError.unreadableFile(path: path, reason: "cannot write: \(error)")
        }
    }
}
