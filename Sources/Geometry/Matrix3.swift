/// A 3×3 matrix of doubles, row-major. Used inside solvers; rotations cross APIs as quaternions.
public struct Matrix3: Equatable, Sendable {
    public var rows: (Vec3, Vec3, Vec3)

    public init(rows r0: Vec3, _ r1: Vec3, _ r2: Vec3) { rows = (r0, r1, r2) }
    /// From nine values in row-major order.
    public init(_ m: [Double]) {
        precondition(m.count == 9, "Matrix3 needs 9 values")
        rows = (Vec3(m[0], m[1], m[2]), Vec3(m[3], m[4], m[5]), Vec3(m[6], m[7], m[8]))
    }
    public init(columns c0: Vec3, _ c1: Vec3, _ c2: Vec3) {
        rows = (Vec3(c0.x, c1.x, c2.x), Vec3(c0.y, c1.y, c2.y), Vec3(c0.z, c1.z, c2.z))
    }
    public static let identity = Matrix3(rows: Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1))
    public static func diagonal(_ d: Vec3) -> Matrix3 {
        Matrix3(rows: Vec3(d.x, 0, 0), Vec3(0, d.y, 0), Vec3(0, 0, d.z))
    }

    public subscript(row: Int, col: Int) -> Double {
        get { row == 0 ? rows.0[col] : row == 1 ? rows.1[col] : rows.2[col] }
        set {
            switch row {
            case 0: rows.0[col] = newValue
            case 1: rows.1[col] = newValue
            default: rows.2[col] = newValue
            }
        }
    }
    public var column0: Vec3 { Vec3(rows.0.x, rows.1.x, rows.2.x) }
    public var column1: Vec3 { Vec3(rows.0.y, rows.1.y, rows.2.y) }
    public var column2: Vec3 { Vec3(rows.0.z, rows.1.z, rows.2.z) }
    public var transposed: Matrix3 { Matrix3(rows: column0, column1, column2) }
    /// Row-major values.
    public var array: [Double] {
        [rows.0.x, rows.0.y, rows.0.z, rows.1.x, rows.1.y, rows.1.z, rows.2.x, rows.2.y, rows.2.z]
    }
    public var determinant: Double { dot(rows.0, cross(rows.1, rows.2)) }
    public var trace: Double { rows.0.x + rows.1.y + rows.2.z }

    /// The inverse; nil when the matrix is singular.
    public var inverse: Matrix3? {
        let det = determinant
        guard abs(det) > 1e-300 else { return nil }
        let c0 = cross(rows.1, rows.2), c1 = cross(rows.2, rows.0), c2 = cross(rows.0, rows.1)
        return Matrix3(columns: c0 / det, c1 / det, c2 / det)
    }

    public static func * (m: Matrix3, v: Vec3) -> Vec3 {
        Vec3(dot(m.rows.0, v), dot(m.rows.1, v), dot(m.rows.2, v))
    }
    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        let c0 = b.column0, c1 = b.column1, c2 = b.column2
        return Matrix3(rows:
            Vec3(dot(a.rows.0, c0), dot(a.rows.0, c1), dot(a.rows.0, c2)),
            Vec3(dot(a.rows.1, c0), dot(a.rows.1, c1), dot(a.rows.1, c2)),
            Vec3(dot(a.rows.2, c0), dot(a.rows.2, c1), dot(a.rows.2, c2)))
    }
    public static func * (a: Matrix3, s: Double) -> Matrix3 {
        Matrix3(rows: a.rows.0 * s, a.rows.1 * s, a.rows.2 * s)
    }
    public static func + (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(rows: a.rows.0 + b.rows.0, a.rows.1 + b.rows.1, a.rows.2 + b.rows.2)
    }
    public static func == (a: Matrix3, b: Matrix3) -> Bool { a.array == b.array }

    /// The skew-symmetric matrix [v]× with [v]× w = v × w.
    public static func skew(_ v: Vec3) -> Matrix3 {
        Matrix3(rows: Vec3(0, -v.z, v.y), Vec3(v.z, 0, -v.x), Vec3(-v.y, v.x, 0))
    }
    /// The outer product a bᵀ.
    public static func outer(_ a: Vec3, _ b: Vec3) -> Matrix3 {
        Matrix3(rows: b * a.x, b * a.y, b * a.z)
    }
}
