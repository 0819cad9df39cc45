import Foundation

/// A symmetric quadric error form Q(p) = pᵀAp + 2bᵀp + c over positions (Garland and
/// Heckbert 1997), with the total weight `w` (area) of the planes summed into it. Stored in
/// `Double`: with `Float`, rounding noise (~1e-7 of the squared extent) swamps error limits
/// of 1e-4 of the diagonal.
struct Quadric {
    var a00: Double = 0, a11: Double = 0, a22: Double = 0, a01: Double = 0, a02: Double = 0, a12: Double = 0
    var b0: Double = 0, b1: Double = 0, b2: Double = 0, c: Double = 0, w: Double = 0

    /// The quadric of the plane n·p + d = 0 (n unit), weighted by `weight`.
    init(plane n: SIMD3<Double>, d: Double, weight: Double) {
        a00 = weight * n.x * n.x; a11 = weight * n.y * n.y; a22 = weight * n.z * n.z
        a01 = weight * n.x * n.y; a02 = weight * n.x * n.z; a12 = weight * n.y * n.z
        b0 = weight * n.x * d; b1 = weight * n.y * d; b2 = weight * n.z * d
        c = weight * d * d; w = weight
    }
    init() {}

    @inline(__always) static func += (q: inout Quadric, r: Quadric) {
        q.a00 += r.a00; q.a11 += r.a11; q.a22 += r.a22; q.a01 += r.a01; q.a02 += r.a02; q.a12 += r.a12
        q.b0 += r.b0; q.b1 += r.b1; q.b2 += r.b2; q.c += r.c; q.w += r.w
    }
    @inline(__always) static func + (q: Quadric, r: Quadric) -> Quadric { var s = q; s += r; return s }

    /// Q(p), clamped at 0 (rounding can make it slightly negative).
    @inline(__always) func error(_ p: SIMD3<Double>) -> Double {
        let x = p.x, y = p.y, z = p.z
        let r = a00 * x * x + a11 * y * y + a22 * z * z
            + 2 * (a01 * x * y + a02 * x * z + a12 * y * z)
            + 2 * (b0 * x + b1 * y + b2 * z) + c
        return Swift.max(r, 0)
    }

    /// The minimizer of Q (solves A p = −b), or nil when A is near-singular (flat or
    /// straight regions, where any point on a plane or line is optimal).
    @inline(__always) func minimizer() -> SIMD3<Double>? {
        let m00 = a00, m11 = a11, m22 = a22
        let m01 = a01, m02 = a02, m12 = a12
        let c00 = m11 * m22 - m12 * m12, c01 = m02 * m12 - m01 * m22, c02 = m01 * m12 - m02 * m11
        let det = m00 * c00 + m01 * c01 + m02 * c02
        let scale = m00 + m11 + m22
        guard scale > 0, abs(det) > 1e-7 * scale * scale * scale else { return nil }
        let c11 = m00 * m22 - m02 * m02, c12 = m01 * m02 - m00 * m12, c22 = m00 * m11 - m01 * m01
        let bx = -b0, by = -b1, bz = -b2
        return SIMD3(c00 * bx + c01 * by + c02 * bz, c01 * bx + c11 * by + c12 * bz,
                     c02 * bx + c12 * by + c22 * bz) / det
    }
}

/// The linear part of Hoppe's attribute quadric for one attribute component: Σ w·(g, d)
/// where s(p) = g·p + d interpolates the attribute over each triangle (Hoppe 1999).
struct AttributeGradient {
    var gx: Double = 0, gy: Double = 0, gz: Double = 0, gd: Double = 0
    @inline(__always) static func += (q: inout AttributeGradient, r: AttributeGradient) {
        q.gx += r.gx; q.gy += r.gy; q.gz += r.gz; q.gd += r.gd
    }
    @inline(__always) func dot(_ p: SIMD3<Double>) -> Double {
        gx * p.x + gy * p.y + gz * p.z + gd
    }
}
