import Foundation
import Geometry

/// Surface distance between two meshes, the definition of `../shared/peers/mesh_baseline.py`:
/// `samples` points drawn on each surface (area-weighted, seeded), the exact distance from
/// each to the other surface (nearest point on a triangle, found through a bounding-volume
/// hierarchy), then
/// - hausdorff = the largest distance in either direction,
/// - rms = √(mean of all squared distances, both directions pooled),
/// - mean = mean of all distances,
/// each divided by the bounding-box diagonal of `a` (`relativeTo: "bboxDiagonal"`).
public struct SurfaceDistance: Sendable, Codable, Equatable {
    public var hausdorff: Double
    public var rms: Double
    public var mean: Double
    /// Largest distance from samples on `a` to `b`, and from `b` to `a` (relative).
    public var hausdorffAToB: Double
    public var hausdorffBToA: Double
    public var relativeTo = "bboxDiagonal"
    public var diagonal: Double
    public var samples: Int
    public var trianglesA: Int
    public var trianglesB: Int

    /// - Parameters:
    ///   - a, b: triangle meshes (only positions and indices are used); `a` sets the scale.
    ///   - samples: points per surface (100 000 in the peers' script).
    ///   - seed: the sampling seed (b's samples use seed + 1).
    public static func measure(_ a: Mesh, _ b: Mesh, samples: Int = 100_000, seed: UInt64 = 0) -> SurfaceDistance {
        let diagonal = a.boundsDiagonal
        let sa = samplePoints(a, count: samples, seed: seed)
        let sb = samplePoints(b, count: samples, seed: seed &+ 1)
        let treeA = TriangleBVH(a), treeB = TriangleBVH(b)
        let dAB = distances(sa, treeB), dBA = distances(sb, treeA)
        let all = dAB + dBA
        let scale = diagonal > 0 ? 1 / diagonal : 1
        let sq = all.reduce(0) { $0 + $1 * $1 }
        return SurfaceDistance(
            hausdorff: (all.max() ?? 0) * scale,
            rms: (sq / Double(Swift.max(all.count, 1))).squareRoot() * scale,
            mean: all.reduce(0, +) / Double(Swift.max(all.count, 1)) * scale,
            hausdorffAToB: (dAB.max() ?? 0) * scale, hausdorffBToA: (dBA.max() ?? 0) * scale,
            diagonal: diagonal, samples: samples, trianglesA: a.triangleCount, trianglesB: b.triangleCount)
    }

    static func distances(_ points: [SIMD3<Double>], _ tree: TriangleBVH) -> [Double] {
        // Two halves in parallel (the machine has 2 cores).
        let n = points.count
        var out = [Double](repeating: 0, count: n)
        let chunks = 2
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            nonisolated(unsafe) let target = base
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var hint = 0
                for i in stride(from: c * n / chunks, to: (c + 1) * n / chunks, by: 1) {
                    target[i] = tree.distance(to: points[i], hint: &hint)
                }
            }
        }
        return out
    }

    /// Area-weighted uniform samples on the surface (seeded SplitMix64).
    static func samplePoints(_ mesh: Mesh, count: Int, seed: UInt64) -> [SIMD3<Double>] {
        let t = mesh.triangleCount
        guard t > 0, count > 0 else { return [] }
        var cumulative = [Double](repeating: 0, count: t)
        var total = 0.0
        for i in 0..<t {
            let (a, b, c) = corners(mesh, i)
            let n = crossD(b - a, c - a)
            total += 0.5 * (n * n).sum().squareRoot()
            cumulative[i] = total
        }
        var rng = SplitMix64(seed: seed)
        var out: [SIMD3<Double>] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let r = Double(rng.next() >> 11) / Double(1 << 53) * total
            var lo = 0, hi = t - 1
            while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < r { lo = mid + 1 } else { hi = mid } }
            var u = Double(rng.next() >> 11) / Double(1 << 53), v = Double(rng.next() >> 11) / Double(1 << 53)
            if u + v > 1 { u = 1 - u; v = 1 - v }
            let (a, b, c) = corners(mesh, lo)
            out.append(a + u * (b - a) + v * (c - a))
        }
        return out
    }

    @inline(__always) static func corners(_ m: Mesh, _ t: Int) -> (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) {
        (SIMD3<Double>(m.positions[Int(m.indices[3 * t])]), SIMD3<Double>(m.positions[Int(m.indices[3 * t + 1])]),
         SIMD3<Double>(m.positions[Int(m.indices[3 * t + 2])]))
    }
}

/// A bounding-volume hierarchy over triangles for nearest-point queries (median split on
/// the longest axis of centroid bounds, leaves of ≤ 4 triangles).
final class TriangleBVH: @unchecked Sendable {
    struct Node { var lo: SIMD3<Double>; var hi: SIMD3<Double>; var start: Int32; var count: Int32; var right: Int32 }
    var nodes: [Node] = []
    var a: [SIMD3<Double>] = [], b: [SIMD3<Double>] = [], c: [SIMD3<Double>] = []

    init(_ mesh: Mesh) {
        let t = mesh.triangleCount
        var order = Array(0..<t)
        var centroids = [SIMD3<Double>](repeating: .zero, count: t)
        var ta = [SIMD3<Double>](), tb = [SIMD3<Double>](), tc = [SIMD3<Double>]()
        for i in 0..<t {
            let (p, q, r) = SurfaceDistance.corners(mesh, i)
            ta.append(p); tb.append(q); tc.append(r)
            centroids[i] = (p + q + r) / 3
        }
        guard t > 0 else { return }
        nodes.reserveCapacity(2 * t / 4 + 1)
        func build(_ start: Int, _ end: Int) -> Int {
            var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
            var clo = lo, chi = hi
            for i in start..<end {
                let k = order[i]
                lo = pointwiseMin(lo, pointwiseMin(ta[k], pointwiseMin(tb[k], tc[k])))
                hi = pointwiseMax(hi, pointwiseMax(ta[k], pointwiseMax(tb[k], tc[k])))
                clo = pointwiseMin(clo, centroids[k]); chi = pointwiseMax(chi, centroids[k])
            }
            let index = nodes.count
            nodes.append(Node(lo: lo, hi: hi, start: Int32(start), count: Int32(end - start), right: -1))
            if end - start <= 4 { return index }
            let extent = chi - clo
            let axis = extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2)
            let mid = (start + end) / 2
            order[start..<end].withUnsafeMutableBufferPointer { buf in
                nthElement(buf, mid - start) { centroids[$0][axis] < centroids[$1][axis] }
            }
            nodes[index].count = 0
            _ = build(start, mid)
            nodes[index].right = Int32(build(mid, end))
            return index
        }
        _ = build(0, t)
        a = order.map { ta[$0] }; b = order.map { tb[$0] }; c = order.map { tc[$0] }
    }

    /// Distance from `p` to the nearest triangle. `hint` carries the last best leaf start
    /// between nearby queries (unused when 0).
    func distance(to p: SIMD3<Double>, hint: inout Int) -> Double {
        guard !nodes.isEmpty else { return .infinity }
        var best = Double.infinity
        if hint < a.count { best = TriangleBVH.pointTriangleDistance2(p, a[hint], b[hint], c[hint]) }
        var stack = [Int32](); stack.reserveCapacity(64)
        stack.append(0)
        while let ni = stack.popLast() {
            let node = nodes[Int(ni)]
            if boxDistance2(p, node.lo, node.hi) >= best { continue }
            if node.count > 0 {
                for i in Int(node.start)..<Int(node.start + node.count) {
                    let d = TriangleBVH.pointTriangleDistance2(p, a[i], b[i], c[i])
                    if d < best { best = d; hint = i }
                }
            } else {
                let l = ni + 1, r = node.right
                let dl = boxDistance2(p, nodes[Int(l)].lo, nodes[Int(l)].hi), dr = boxDistance2(p, nodes[Int(r)].lo, nodes[Int(r)].hi)
                if dl < dr { stack.append(r); stack.append(l) } else { stack.append(l); stack.append(r) }
            }
        }
        return best.squareRoot()
    }

    @inline(__always) func boxDistance2(_ p: SIMD3<Double>, _ lo: SIMD3<Double>, _ hi: SIMD3<Double>) -> Double {
        let d = pointwiseMax(pointwiseMax(lo - p, p - hi), .zero)
        return (d * d).sum()
    }

    /// Squared distance from p to triangle abc (Ericson, Real-Time Collision Detection §5.1.5).
    static func pointTriangleDistance2(_ p: SIMD3<Double>, _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> Double {
        let ab = b - a, ac = c - a, ap = p - a
        let d1 = (ab * ap).sum(), d2 = (ac * ap).sum()
        func sq(_ v: SIMD3<Double>) -> Double { (v * v).sum() }
        if d1 <= 0 && d2 <= 0 { return sq(ap) }
        let bp = p - b
        let d3 = (ab * bp).sum(), d4 = (ac * bp).sum()
        if d3 >= 0 && d4 <= d3 { return sq(bp) }
        let vc = d1 * d4 - d3 * d2
        if vc <= 0 && d1 >= 0 && d3 <= 0 { let v = d1 / (d1 - d3); return sq(p - (a + v * ab)) }
        let cp = p - c
        let d5 = (ab * cp).sum(), d6 = (ac * cp).sum()
        if d6 >= 0 && d5 <= d6 { return sq(cp) }
        let vb = d5 * d2 - d1 * d6
        if vb <= 0 && d2 >= 0 && d6 <= 0 { let w = d2 / (d2 - d6); return sq(p - (a + w * ac)) }
        let va = d3 * d6 - d5 * d4
        if va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0 {
            let w = (d4 - d3) / ((d4 - d3) + (d5 - d6)); return sq(p - (b + w * (c - b)))
        }
        let denom = 1 / (va + vb + vc)
        let v = vb * denom, w = vc * denom
        return sq(p - (a + ab * v + ac * w))
    }
}

/// Partially sorts `buf` so that the element at `k` is in its sorted place (quickselect).
func nthElement<T>(_ buf: UnsafeMutableBufferPointer<T>, _ k: Int, _ less: (T, T) -> Bool) {
    var lo = 0, hi = buf.count - 1
    while lo < hi {
        let pivot = buf[(lo + hi) / 2]
        var i = lo, j = hi
        while i <= j {
            while less(buf[i], pivot) { i += 1 }
            while less(pivot, buf[j]) { j -= 1 }
            if i <= j { buf.swapAt(i, j); i += 1; j -= 1 }
        }
        if k <= j { hi = j } else if k >= i { lo = i } else { return }
    }
}
