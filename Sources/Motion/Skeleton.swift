import Geometry

/// A joint hierarchy with its rest pose, shared by BVH sources and glTF characters.
///
/// Joints are stored parents-first (`parents[j] < j`), so forward kinematics is one pass.
/// Local transforms are rigid, `parentFromJoint` (x_parent = R · x_joint + t). A root joint's
/// parent frame is placed in the world by `rootBase[j]` (a similarity: the units of a BVH
/// file, an up-axis change, or a glTF node's non-joint ancestors). World space is whatever
/// `rootBase` maps to; after `BVHImport` and for glTF characters that is Y up, metres.
public struct Skeleton: Sendable {
    public var names: [String]
    /// Parent index, -1 for a root; always smaller than the joint's own index.
    public var parents: [Int]
    /// Rest pose, `parentFromJoint`, in the parent's units.
    public var restLocal: [Rigid3]
    /// True for BVH End Sites (no channels, kept so that files round-trip).
    public var isEndSite: [Bool]
    /// `worldFromParentFrame` for root joints (ignored for other joints).
    public var rootBase: [Sim3]

    public init(names: [String], parents: [Int], restLocal: [Rigid3], isEndSite: [Bool]? = nil, rootBase: [Sim3]? = nil) {
        precondition(names.count == parents.count && names.count == restLocal.count)
        for (j, p) in parents.enumerated() { precondition(p < j, "Skeleton joints must be parents-first") }
        self.names = names; self.parents = parents; self.restLocal = restLocal
        self.isEndSite = isEndSite ?? Array(repeating: false, count: names.count)
        self.rootBase = rootBase ?? Array(repeating: .identity, count: names.count)
    }

    public var count: Int { names.count }
    public func index(of name: String) -> Int? { names.firstIndex(of: name) }
    /// Children of each joint, in index order.
    public var children: [[Int]] {
        var c = Array(repeating: [Int](), count: count)
        for (j, p) in parents.enumerated() where p >= 0 { c[p].append(j) }
        return c
    }
    /// World scale of each joint (the product of its root's base scale; joints are rigid).
    public var worldScales: [Double] {
        var s = [Double](repeating: 1, count: count)
        for j in 0..<count { s[j] = parents[j] < 0 ? rootBase[j].scale : s[parents[j]] }
        return s
    }
    /// True when `a` is `b` or an ancestor of `b`.
    public func isAncestor(_ a: Int, of b: Int) -> Bool {
        var k = b
        while k >= 0 { if k == a { return true }; k = parents[k] }
        return false
    }
    /// The joints from `a` (exclusive) down to `b` (inclusive); nil when `a` is not an ancestor of `b`.
    public func path(from a: Int, to b: Int) -> [Int]? {
        var p = [Int](), k = b
        while k >= 0 && k != a { p.append(k); k = parents[k] }
        return k == a ? p.reversed() : nil
    }
    /// Lowest common ancestor of the given joints (-1 if they are in different trees).
    public func commonAncestor(_ joints: [Int]) -> Int {
        guard var a = joints.first else { return -1 }
        for b in joints.dropFirst() {
            var k = a
            while k >= 0 && !isAncestor(k, of: b) { k = parents[k] }
            a = k
            if a < 0 { return -1 }
        }
        return a
    }
    /// World transforms of the rest pose.
    public func restWorld() -> WorldPose {
        var w = WorldPose(count: count)
        forwardKinematics(rotations: restLocal.map(\.rotation), translations: restLocal.map(\.translation), frame: 0, into: &w)
        return w
    }

    /// Forward kinematics of one frame of frame-major local arrays (`frame * count + j`).
    /// Writes world rotations and positions into `pose` (sized `count`).
    @inlinable
    public func forwardKinematics(rotations: [Quaternion], translations: [Vec3], frame: Int, into pose: inout WorldPose) {
        let base = frame * count
        rotations.withUnsafeBufferPointer { r in
            translations.withUnsafeBufferPointer { t in
                for j in 0..<count {
                    let p = parents[j]
                    if p < 0 {
                        let b = rootBase[j]
                        pose.rotations[j] = b.rotation * r[base + j]
                        pose.positions[j] = b.apply(t[base + j])
                        pose.scales[j] = b.scale
                    } else {
                        let pr = pose.rotations[p]
                        pose.rotations[j] = pr * r[base + j]
                        pose.positions[j] = pose.positions[p] + pr.rotate(t[base + j]) * pose.scales[p]
                        pose.scales[j] = pose.scales[p]
                    }
                }
            }
        }
    }

    /// Local rotation of joint `j` that gives it the world rotation `world`, given its parent's
    /// world rotation in `pose` (root: its base).
    @inlinable
    public func localRotation(_ j: Int, world: Quaternion, pose: WorldPose) -> Quaternion {
        let p = parents[j]
        let parentWorld = p < 0 ? rootBase[j].rotation : pose.rotations[p]
        return (parentWorld.conjugate * world).normalized
    }
}

/// World transforms of every joint for one frame. Positions in world units (metres once
/// imported), rotations `worldFromJoint`, scales the joint frame's world scale.
public struct WorldPose: Sendable {
    public var rotations: [Quaternion]
    public var positions: [Vec3]
    public var scales: [Double]
    public init(count: Int) {
        rotations = Array(repeating: .identity, count: count)
        positions = Array(repeating: .zero, count: count)
        scales = Array(repeating: 1, count: count)
    }
}

/// An animation on a skeleton: local rotations and translations per frame, frame-major
/// (`frame * skeleton.count + joint`), sampled every `frameTime` seconds.
public struct SkeletalClip: Sendable {
    public var skeleton: Skeleton
    public var frameTime: Double
    public var frameCount: Int
    public var rotations: [Quaternion]
    public var translations: [Vec3]

    public init(skeleton: Skeleton, frameTime: Double, frameCount: Int, rotations: [Quaternion], translations: [Vec3]) {
        precondition(rotations.count == frameCount * skeleton.count && translations.count == rotations.count)
        self.skeleton = skeleton; self.frameTime = frameTime; self.frameCount = frameCount
        self.rotations = rotations; self.translations = translations
    }
    /// Seconds from the first to the last frame.
    public var duration: Double { Double(max(frameCount - 1, 0)) * frameTime }
    public var fps: Double { 1 / frameTime }

    public func pose(frame: Int) -> WorldPose {
        var w = WorldPose(count: skeleton.count)
        skeleton.forwardKinematics(rotations: rotations, translations: translations, frame: frame, into: &w)
        return w
    }
    /// World positions of every joint for every frame, frame-major.
    public func worldPositions() -> [Vec3] {
        var out = [Vec3](); out.reserveCapacity(frameCount * skeleton.count)
        var w = WorldPose(count: skeleton.count)
        for f in 0..<frameCount {
            skeleton.forwardKinematics(rotations: rotations, translations: translations, frame: f, into: &w)
            out.append(contentsOf: w.positions)
        }
        return out
    }
}
