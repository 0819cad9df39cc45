import Foundation

/// A rotation as a unit quaternion, stored and serialized **w first**: `[w, x, y, z]`
/// (as COLMAP and PoseLib do). Hamilton convention: `q * v * q⁻¹` rotates v.
public struct Quaternion: Equatable, Sendable, Codable {
    public var w: Double, x: Double, y: Double, z: Double

    public init(w: Double, x: Double, y: Double, z: Double) {
        self.w = w; self.x = x; self.y = y; self.z = z
    }
    /// From `[w, x, y, z]`.
    public init?(wxyz a: [Double]) {
        guard a.count == 4 else { return nil }
        self.init(w: a[0], x: a[1], y: a[2], z: a[3])
    }
    public static let identity = Quaternion(w: 1, x: 0, y: 0, z: 0)

    /// Rotation by `angle` radians about `axis` (need not be unit length).
    public init(axis: Vec3, angle: Double) {
        let a = normalize(axis), s = sin(angle / 2)
        self.init(w: cos(angle / 2), x: a.x * s, y: a.y * s, z: a.z * s)
    }
    /// From a rotation vector (axis × angle in radians), as OpenCV's Rodrigues.
    public init(rotationVector r: Vec3) {
        let angle = length(r)
        if angle < 1e-12 { self = Quaternion(w: 1, x: r.x / 2, y: r.y / 2, z: r.z / 2).normalized }
        else { self.init(axis: r, angle: angle) }
    }
    /// From a rotation matrix (Shepperd's method, robust near 180°).
    public init(_ m: Matrix3) {
        let t = m.trace
        var q: Quaternion
        if t > 0 {
            let s = (t + 1).squareRoot() * 2
            q = Quaternion(w: 0.25 * s, x: (m[2, 1] - m[1, 2]) / s, y: (m[0, 2] - m[2, 0]) / s, z: (m[1, 0] - m[0, 1]) / s)
        } else if m[0, 0] > m[1, 1] && m[0, 0] > m[2, 2] {
            let s = (1 + m[0, 0] - m[1, 1] - m[2, 2]).squareRoot() * 2
            q = Quaternion(w: (m[2, 1] - m[1, 2]) / s, x: 0.25 * s, y: (m[0, 1] + m[1, 0]) / s, z: (m[0, 2] + m[2, 0]) / s)
        } else if m[1, 1] > m[2, 2] {
            let s = (1 + m[1, 1] - m[0, 0] - m[2, 2]).squareRoot() * 2
            q = Quaternion(w: (m[0, 2] - m[2, 0]) / s, x: (m[0, 1] + m[1, 0]) / s, y: 0.25 * s, z: (m[1, 2] + m[2, 1]) / s)
        } else {
            let s = (1 + m[2, 2] - m[0, 0] - m[1, 1]).squareRoot() * 2
            q = Quaternion(w: (m[1, 0] - m[0, 1]) / s, x: (m[0, 2] + m[2, 0]) / s, y: (m[1, 2] + m[2, 1]) / s, z: 0.25 * s)
        }
        self = q.normalized
    }
    /// The rotation taking unit direction `from` onto unit direction `to` (shortest arc).
    public init(from: Vec3, to: Vec3) {
        let a = normalize(from), b = normalize(to)
        let d = dot(a, b)
        if d < -1 + 1e-12 {
            var axis = cross(Vec3(1, 0, 0), a)
            if length(axis) < 1e-6 { axis = cross(Vec3(0, 1, 0), a) }
            self.init(axis: axis, angle: .pi)
        } else {
            let c = cross(a, b)
            self = Quaternion(w: 1 + d, x: c.x, y: c.y, z: c.z).normalized
        }
    }

    public var wxyz: [Double] { [w, x, y, z] }
    public var vector: Vec3 { Vec3(x, y, z) }
    public var norm: Double { (w * w + x * x + y * y + z * z).squareRoot() }
    public var normalized: Quaternion {
        let n = norm
        return Quaternion(w: w / n, x: x / n, y: y / n, z: z / n)
    }
    public var conjugate: Quaternion { Quaternion(w: w, x: -x, y: -y, z: -z) }
    /// The inverse rotation (the conjugate of a unit quaternion).
    public var inverse: Quaternion { conjugate }

    /// The rotation angle in radians, in [0, π].
    public var angle: Double { 2 * atan2(length(vector), abs(w)) }
    /// Axis × angle (radians).
    public var rotationVector: Vec3 {
        let q = w < 0 ? Quaternion(w: -w, x: -x, y: -y, z: -z) : self
        let s = length(q.vector)
        if s < 1e-12 { return q.vector * 2 }
        return q.vector / s * (2 * atan2(s, q.w))
    }

    public var matrix: Matrix3 {
        let (w, x, y, z) = (self.w, self.x, self.y, self.z)
        return Matrix3(rows:
            Vec3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
            Vec3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
            Vec3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)))
    }

    public func rotate(_ v: Vec3) -> Vec3 {
        // v' = v + 2w(q×v) + 2 q×(q×v)
        let q = vector
        let t = cross(q, v) * 2
        return v + t * w + cross(q, t)
    }
    public static func * (a: Quaternion, b: Quaternion) -> Quaternion {
        Quaternion(
            w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
            x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
            y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
            z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w)
    }
    public static func * (q: Quaternion, v: Vec3) -> Vec3 { q.rotate(v) }

    /// The angle in radians of the rotation between `a` and `b`.
    public static func angleBetween(_ a: Quaternion, _ b: Quaternion) -> Double {
        let d = abs(a.w * b.w + a.x * b.x + a.y * b.y + a.z * b.z)
        return 2 * acos(min(1, d))
    }
    /// Spherical linear interpolation, t in [0, 1], along the shortest arc.
    public static func slerp(_ a: Quaternion, _ b: Quaternion, _ t: Double) -> Quaternion {
        var b = b
        var d = a.w * b.w + a.x * b.x + a.y * b.y + a.z * b.z
        if d < 0 { b = Quaternion(w: -b.w, x: -b.x, y: -b.y, z: -b.z); d = -d }
        if d > 0.9995 {
            return Quaternion(w: a.w + (b.w - a.w) * t, x: a.x + (b.x - a.x) * t,
                              y: a.y + (b.y - a.y) * t, z: a.z + (b.z - a.z) * t).normalized
        }
        let th = acos(d), s = sin(th)
        let wa = sin((1 - t) * th) / s, wb = sin(t * th) / s
        return Quaternion(w: a.w * wa + b.w * wb, x: a.x * wa + b.x * wb,
                          y: a.y * wa + b.y * wb, z: a.z * wa + b.z * wb)
    }
}
