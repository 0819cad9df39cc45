/// A 4×4 matrix stored column-major, as glTF stores node, joint and inverse-bind matrices:
/// element (row r, column c) is `columnMajor[c * 4 + r]`. Points transform as M·[x y z 1]ᵀ,
/// so `worldFromNode = worldFromParent * parentFromNode`.
public struct Matrix4: Equatable, Sendable {
    /// The 16 elements, column by column.
    public var columnMajor: [Double]

    /// - Precondition: `columnMajor.count == 16`.
    public init(columnMajor: [Double]) {
        precondition(columnMajor.count == 16, "a 4×4 matrix needs 16 values, got \(columnMajor.count)")
        self.columnMajor = columnMajor
    }

    public static let identity = Matrix4(columnMajor: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])

    /// Element `i` of `columnMajor`.
    public subscript(i: Int) -> Double { columnMajor[i] }

    /// T·R·S, glTF's node transform: rotation as a unit quaternion [x, y, z, w] (glTF's order,
    /// not `Quaternion`'s w-first), scale per axis.
    public static func trs(translation t: [Double], rotation r: [Double], scale s: [Double]) -> Matrix4 {
        let (x, y, z, w) = (r[0], r[1], r[2], r[3])
        let rot: [Double] = [
            1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w),
            2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w),
            2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y),
        ]
        return Matrix4(columnMajor: [rot[0] * s[0], rot[1] * s[0], rot[2] * s[0], 0,
                                     rot[3] * s[1], rot[4] * s[1], rot[5] * s[1], 0,
                                     rot[6] * s[2], rot[7] * s[2], rot[8] * s[2], 0,
                                     t[0], t[1], t[2], 1])
    }

    /// The product a·b (apply b, then a).
    public static func * (a: Matrix4, b: Matrix4) -> Matrix4 {
        var out = [Double](repeating: 0, count: 16)
        for c in 0..<4 { for r in 0..<4 {
            var s = 0.0
            for k in 0..<4 { s += a.columnMajor[k * 4 + r] * b.columnMajor[c * 4 + k] }
            out[c * 4 + r] = s
        } }
        return Matrix4(columnMajor: out)
    }

    /// M·[p 1]ᵀ, the point's image (no projective divide: node and joint matrices are affine).
    public func transformPoint(_ p: Vec3) -> Vec3 {
        let m = columnMajor
        return Vec3(m[0] * p.x + m[4] * p.y + m[8] * p.z + m[12],
                    m[1] * p.x + m[5] * p.y + m[9] * p.z + m[13],
                    m[2] * p.x + m[6] * p.y + m[10] * p.z + m[14])
    }

    /// The upper 3×3 applied to a direction; exact for normals under rotations and uniform scale.
    public func transformDirection(_ d: Vec3) -> Vec3 {
        let m = columnMajor
        return Vec3(m[0] * d.x + m[4] * d.y + m[8] * d.z,
                    m[1] * d.x + m[5] * d.y + m[9] * d.z,
                    m[2] * d.x + m[6] * d.y + m[10] * d.z)
    }
}
