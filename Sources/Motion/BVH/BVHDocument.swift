import Foundation
import Geometry

/// One BVH channel, as named in a `CHANNELS` line.
public enum BVHChannel: String, Sendable, CaseIterable {
    case xPosition = "Xposition", yPosition = "Yposition", zPosition = "Zposition"
    case xRotation = "Xrotation", yRotation = "Yrotation", zRotation = "Zrotation"

    /// 0, 1 or 2 for X, Y, Z.
    public var axis: Int {
        switch self {
        case .xPosition, .xRotation: return 0
        case .yPosition, .yRotation: return 1
        case .zPosition, .zRotation: return 2
        }
    }
    public var isRotation: Bool { self == .xRotation || self == .yRotation || self == .zRotation }
}

/// One joint of a BVH hierarchy, in file order (a parent always comes before its children).
/// End Sites are joints too (`isEndSite`, no channels) so that files round-trip.
public struct BVHJoint: Sendable, Equatable {
    /// The name as written after ROOT/JOINT (may hold spaces or colons); End Sites get
    /// `"<parent> End"`.
    public var name: String
    /// Index of the parent joint, -1 for a ROOT.
    public var parent: Int
    /// OFFSET in the file's units, in the parent's frame.
    public var offset: Vec3
    /// The channels in file order; rotations compose in this order (`R = R_c1 · R_c2 · R_c3`).
    public var channels: [BVHChannel]
    public var isEndSite: Bool

    public init(name: String, parent: Int, offset: Vec3, channels: [BVHChannel], isEndSite: Bool = false) {
        self.name = name; self.parent = parent; self.offset = offset
        self.channels = channels; self.isEndSite = isEndSite
    }
}

/// A BVH file as written: the hierarchy and the raw channel values (file units, degrees).
public struct BVHDocument: Sendable, Equatable {
    public var joints: [BVHJoint]
    /// Seconds per frame ("Frame Time").
    public var frameTime: Double
    /// `frameCount × channelCount` values, row-major by frame, in header channel order.
    public var values: [Double]

    public init(joints: [BVHJoint], frameTime: Double, values: [Double]) {
        self.joints = joints; self.frameTime = frameTime; self.values = values
    }
    /// Total channels per frame.
    public var channelCount: Int { joints.reduce(0) { $0 + $1.channels.count } }
    public var frameCount: Int { channelCount == 0 ? 0 : values.count / channelCount }
    /// Index of the first value of each joint inside a frame.
    public var channelStarts: [Int] {
        var s = [Int](), k = 0
        for j in joints { s.append(k); k += j.channels.count }
        return s
    }
}

/// Rotations from Euler angles in any channel order, and back.
public enum EulerAngles {
    /// The rotation `R_a0(θ0) · R_a1(θ1) · R_a2(θ2)` (angles in radians, axes 0/1/2 = X/Y/Z).
    @inlinable public static func quaternion(axes: [Int], radians: [Double]) -> Quaternion {
        var q = Quaternion.identity
        for (a, t) in zip(axes, radians) { q = q * axisRotation(a, t) }
        return q
    }
    @inlinable public static func axisRotation(_ axis: Int, _ t: Double) -> Quaternion {
        let s = sin(t / 2), c = cos(t / 2)
        switch axis {
        case 0: return Quaternion(w: c, x: s, y: 0, z: 0)
        case 1: return Quaternion(w: c, x: 0, y: s, z: 0)
        default: return Quaternion(w: c, x: 0, y: 0, z: s)
        }
    }
    /// Angles (radians) θ0, θ1, θ2 with `R = R_i(θ0) R_j(θ1) R_k(θ2)` for three distinct
    /// axes `[i, j, k]`. At gimbal lock (θ1 = ±90°) θ2 is set to 0.
    public static func angles(of q: Quaternion, axes: [Int]) -> [Double] {
        precondition(axes.count == 3 && Set(axes).count == 3, "three distinct axes")
        let m = q.matrix
        let i = axes[0], j = axes[1], k = axes[2]
        let even = (j - i + 3) % 3 == 1   // (0,1,2), (1,2,0), (2,0,1)
        let s: Double = even ? 1 : -1
        let sb = max(-1, min(1, s * m[i, k]))
        // atan2 with the cosine from the other two entries stays accurate near ±90°.
        let b = atan2(sb, (m[i, i] * m[i, i] + m[i, j] * m[i, j]).squareRoot())
        if abs(sb) < 1 - 1e-12 {
            let a = atan2(-s * m[j, k], m[k, k])
            let c = atan2(-s * m[i, j], m[i, i])
            return [a, b, c]
        }
        // Gimbal lock: only a ± c is defined; put it all in a.
        let a = atan2(s * m[k, j], m[j, j])
        return [a, b, 0]
    }
}
