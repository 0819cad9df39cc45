// A bounding volume hierarchy over triangles for baking: closest ray hit (Möller–Trumbore,
// "Fast, minimum storage ray/triangle intersection", 1997) and closest point on the surface
// (Ericson, "Real-Time Collision Detection", 5.1.5). Built by median splits on the longest axis
// of the centroid bounds; leaves hold up to 4 triangles.
import Geometry

/// A hit on the surface: the triangle, the barycentric weights of its corners 1 and 2 (corner 0
/// gets 1 − u − v), the ray parameter (or distance for closest-point queries).
public struct SurfaceHit: Sendable, Equatable {
    public var triangle: Int
    public var u: Double
    public var v: Double
    public var t: Double
}

/// A static BVH over an indexed triangle mesh.
public struct SurfaceBVH: Sendable {
    private struct Node: Sendable {
        var lo: Vec3, hi: Vec3
        /// Leaf: first index into `order` and count > 0. Inner: left child = self + 1, right = `first`.
        var first: Int32, count: Int32
    }
    private var nodes: [Node] = []
    private var order: [Int32] = []
    private let positions: [Vec3]
    private let indices: [UInt32]

    /// Builds the hierarchy. Zero-area triangles are kept (they are never hit).
    /// - Parameters: positions and 3 indices per triangle (indices must be in range).
    public init(positions: [Vec3], indices: [UInt32]) {
        self.positions = positions
        self.indices = indices
        let count = indices.count / 3
        var lo = [Vec3](repeating: .zero, count: count), hi = lo, centre = lo
        for t in 0..<count {
            let a = positions[Int(indices[3 * t])], b = positions[Int(indices[3 * t + 1])], c = positions[Int(indices[3 * t + 2])]
            lo[t] = pointwiseMin(a, pointwiseMin(b, c)); hi[t] = pointwiseMax(a, pointwiseMax(b, c))
            centre[t] = (lo[t] + hi[t]) / 2
        }
        order = (0..<Int32(count)).map { $0 }
        nodes.reserveCapacity(max(1, 2 * count / 2))
        if count == 0 { nodes.append(Node(lo: .zero, hi: .zero, first: 0, count: 0)); return }
        build(0, count, lo, hi, centre)
    }

    private mutating func build(_ start: Int, _ end: Int, _ lo: [Vec3], _ hi: [Vec3], _ centre: [Vec3]) {
        var bl = Vec3(repeating: .infinity), bh = Vec3(repeating: -.infinity)
        var cl = Vec3(repeating: .infinity), ch = Vec3(repeating: -.infinity)
        for i in start..<end {
            let t = Int(order[i])
            bl = pointwiseMin(bl, lo[t]); bh = pointwiseMax(bh, hi[t])
            cl = pointwiseMin(cl, centre[t]); ch = pointwiseMax(ch, centre[t])
        }
        let index = nodes.count
        nodes.append(Node(lo: bl, hi: bh, first: Int32(start), count: Int32(end - start)))
        let extent = ch - cl
        guard end - start > 4, extent.max() > 0 else { return }
        let axis = extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2)
        let mid = (start + end) / 2
        // Partial sort: nth element by centroid on the axis.
        var slice = Array(order[start..<end])
        slice.sort { centre[Int($0)][axis] < centre[Int($1)][axis] }
        order.replaceSubrange(start..<end, with: slice)
        nodes[index].count = 0
        build(start, mid, lo, hi, centre)
        nodes[index].first = Int32(nodes.count)
        build(mid, end, lo, hi, centre)
    }

    /// The nearest intersection of the ray `origin + t·direction` with t in [tMin, tMax], either
    /// face orientation, or nil.
    public func intersect(origin: Vec3, direction: Vec3, tMin: Double = 0, tMax: Double = .infinity) -> SurfaceHit? {
        guard !order.isEmpty else { return nil }
        let inv = Vec3(1 / direction.x, 1 / direction.y, 1 / direction.z)
        var best: SurfaceHit? = nil
        var limit = tMax
        var stack: [Int32] = [0]
        stack.reserveCapacity(64)
        while let n = stack.popLast() {
            let node = nodes[Int(n)]
            guard slabHit(node.lo, node.hi, origin, inv, tMin, limit) else { continue }
            if node.count > 0 {
                for i in Int(node.first)..<Int(node.first + node.count) {
                    let t = Int(order[i])
                    if let h = rayTriangle(t, origin, direction, tMin, limit) { best = h; limit = h.t }
                }
            } else {
                stack.append(node.first); stack.append(n + 1)
            }
        }
        return best
    }

    /// The intersection of the line `origin + t·direction`, t in [−maxDistance, maxDistance],
    /// nearest to `origin` (smallest |t|), or nil. With `facing`, only triangles whose geometric
    /// normal (counter-clockwise winding) has a positive dot product with it count. `direction`
    /// should be a unit vector for |t| to be a distance.
    ///
    /// This is the baker's query: a texel's point on the target surface looks along its normal,
    /// both ways, for the source surface closest to it, so that another part of the model lying
    /// within the cage distance (a panel over a ring, a pin in a slot) is not taken instead.
    public func intersectNearest(origin: Vec3, direction: Vec3, maxDistance: Double, facing: Vec3? = nil) -> SurfaceHit? {
        guard !order.isEmpty, maxDistance > 0 else { return nil }
        let inv = Vec3(1 / direction.x, 1 / direction.y, 1 / direction.z)
        var best: SurfaceHit? = nil
        var limit = maxDistance
        var stack: [Int32] = [0]
        stack.reserveCapacity(64)
        while let n = stack.popLast() {
            let node = nodes[Int(n)]
            guard slabHit(node.lo, node.hi, origin, inv, -limit, limit) else { continue }
            if node.count > 0 {
                for i in Int(node.first)..<Int(node.first + node.count) {
                    let t = Int(order[i])
                    guard let h = rayTriangle(t, origin, direction, -limit, limit), abs(h.t) < limit || best == nil else { continue }
                    if let facing {
                        let a = positions[Int(indices[3 * t])], b = positions[Int(indices[3 * t + 1])], c = positions[Int(indices[3 * t + 2])]
                        guard dot(cross(b - a, c - a), facing) > 0 else { continue }
                    }
                    best = h; limit = abs(h.t)
                }
            } else {
                stack.append(node.first); stack.append(n + 1)
            }
        }
        return best
    }

    /// The closest point of the surface to `point` (t is its distance), or nil for an empty mesh.
    public func closestPoint(to point: Vec3, maxDistance: Double = .infinity) -> SurfaceHit? {
        guard !order.isEmpty else { return nil }
        var best: SurfaceHit? = nil
        var bestSq = maxDistance * maxDistance
        var stack: [Int32] = [0]
        while let n = stack.popLast() {
            let node = nodes[Int(n)]
            let d = pointwiseMax(pointwiseMax(node.lo - point, point - node.hi), .zero)
            guard dot(d, d) < bestSq else { continue }
            if node.count > 0 {
                for i in Int(node.first)..<Int(node.first + node.count) {
                    let t = Int(order[i])
                    let a = positions[Int(indices[3 * t])], b = positions[Int(indices[3 * t + 1])], c = positions[Int(indices[3 * t + 2])]
                    let (q, u, v) = closestPointOnTriangle(point, a, b, c)
                    let dsq = dot(q - point, q - point)
                    if dsq < bestSq { bestSq = dsq; best = SurfaceHit(triangle: t, u: u, v: v, t: dsq.squareRoot()) }
                }
            } else {
                // Visit the nearer child first (pushed last).
                let l = nodes[Int(n) + 1], r = nodes[Int(node.first)]
                let dl = boxDistanceSquared(l.lo, l.hi, point), dr = boxDistanceSquared(r.lo, r.hi, point)
                if dl < dr { stack.append(node.first); stack.append(n + 1) } else { stack.append(n + 1); stack.append(node.first) }
            }
        }
        return best
    }

    @inline(__always)
    private func rayTriangle(_ t: Int, _ o: Vec3, _ d: Vec3, _ tMin: Double, _ tMax: Double) -> SurfaceHit? {
        let a = positions[Int(indices[3 * t])], b = positions[Int(indices[3 * t + 1])], c = positions[Int(indices[3 * t + 2])]
        let e1 = b - a, e2 = c - a
        let p = cross(d, e2)
        let det = dot(e1, p)
        guard abs(det) > 1e-300 else { return nil }
        let invDet = 1 / det
        let s = o - a
        let u = dot(s, p) * invDet
        guard u >= -1e-12, u <= 1 + 1e-12 else { return nil }
        let q = cross(s, e1)
        let v = dot(d, q) * invDet
        guard v >= -1e-12, u + v <= 1 + 1e-12 else { return nil }
        let tt = dot(e2, q) * invDet
        guard tt >= tMin, tt <= tMax else { return nil }
        return SurfaceHit(triangle: t, u: u, v: v, t: tt)
    }
}

@inline(__always)
private func slabHit(_ lo: Vec3, _ hi: Vec3, _ o: Vec3, _ inv: Vec3, _ tMin: Double, _ tMax: Double) -> Bool {
    let t0 = (lo - o) * inv, t1 = (hi - o) * inv
    let near = pointwiseMin(t0, t1), far = pointwiseMax(t0, t1)
    // NaN (0 · ∞) compares false; treat as overlapping by using max/min that ignore it.
    let enter = max(tMin, near.max()), exit = min(tMax, far.min())
    return !(enter > exit)
}

@inline(__always)
private func boxDistanceSquared(_ lo: Vec3, _ hi: Vec3, _ p: Vec3) -> Double {
    let d = pointwiseMax(pointwiseMax(lo - p, p - hi), .zero)
    return dot(d, d)
}

/// Closest point on triangle abc to p, with the barycentric weights of b and c.
func closestPointOnTriangle(_ p: Vec3, _ a: Vec3, _ b: Vec3, _ c: Vec3) -> (Vec3, Double, Double) {
    let ab = b - a, ac = c - a, ap = p - a
    let d1 = dot(ab, ap), d2 = dot(ac, ap)
    if d1 <= 0 && d2 <= 0 { return (a, 0, 0) }
    let bp = p - b
    let d3 = dot(ab, bp), d4 = dot(ac, bp)
    if d3 >= 0 && d4 <= d3 { return (b, 1, 0) }
    let vc = d1 * d4 - d3 * d2
    if vc <= 0 && d1 >= 0 && d3 <= 0 { let v = d1 / (d1 - d3); return (a + v * ab, v, 0) }
    let cp = p - c
    let d5 = dot(ab, cp), d6 = dot(ac, cp)
    if d6 >= 0 && d5 <= d6 { return (c, 0, 1) }
    let vb = d5 * d2 - d1 * d6
    if vb <= 0 && d2 >= 0 && d6 <= 0 { let w = d2 / (d2 - d6); return (a + w * ac, 0, w) }
    let va = d3 * d6 - d5 * d4
    if va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0 {
        let w = (d4 - d3) / ((d4 - d3) + (d5 - d6))
        return (b + w * (c - b), 1 - w, w)
    }
    let denom = 1 / (va + vb + vc)
    let v = vb * denom, w = vc * denom
    if !(v.isFinite && w.isFinite) { return (a, 0, 0) }
    return (a + ab * v + ac * w, v, w)
}
