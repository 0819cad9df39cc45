// Least squares conformal maps: Lévy, Petitjean, Ray, Maillot, "Least squares conformal maps for
// automatic texture atlas generation", SIGGRAPH 2002, section 3.
//
// Each triangle T with local orthonormal coordinates z_j = x_j + i y_j contributes the complex
// residual Σ_j W_j U_j / sqrt(d_T), where U_j = u_j + i v_j are the unknown UVs,
// W_1 = z_3 − z_2, W_2 = z_1 − z_3, W_3 = z_2 − z_1 and d_T is twice the triangle's area. The
// residual vanishes exactly for orientation-preserving similarities, so minimizing its sum of
// squares gives the most conformal map; two pinned vertices (the farthest pair, found by a
// double sweep) remove the similarity freedom. The real 2F × 2V system (pins moved to the
// right-hand side) is solved through its normal equations, assembled here block by block and
// factored by cvb_sparse_symmetric_solve (Eigen SimplicialLDLT), with cvb_sparse_least_squares
// (LDLᵀ, then QR) as the fallback.
import CVBridge
import Geometry

/// A chart's parameterization: its welded vertices and one UV each.
struct ChartUV: Sendable {
    /// Welded vertex ids of the chart.
    var vertices: [Int32]
    /// Local vertex index of each face corner, 3 per face, same face order as the input list.
    var localCorners: [Int32]
    /// One UV per local vertex, in model units (area-preserving up to LSCM's scale).
    var uvs: [SIMD2<Double>]
}

/// Collects a chart's vertices and local corner indices. A local vertex is a welded vertex
/// *and* one fan of the chart's faces around it, connected through edges inside the chart, so a
/// UV seam or a non-manifold vertex inside a chart stays cut open (the two fans get their own
/// UVs). `scratch` maps a chart face's topology id → its position in `faces` and must be all -1
/// on entry (face-sized); it is restored on exit.
func chartVertices(_ faces: [Int32], _ topo: AtlasTopology, scratch: inout [Int32]) -> (vertices: [Int32], localCorners: [Int32]) {
    for (i, f) in faces.enumerated() { scratch[Int(f)] = Int32(i) }
    defer { for f in faces { scratch[Int(f)] = -1 } }
    // Union-find over the chart's corners (3 per face, in `faces` order).
    var parent = (0..<Int32(faces.count * 3)).map { $0 }
    func find(_ x: Int32) -> Int32 {
        var x = x
        while parent[Int(x)] != x { parent[Int(x)] = parent[Int(parent[Int(x)])]; x = parent[Int(x)] }
        return x
    }
    for (i, f32) in faces.enumerated() {
        let f = Int(f32)
        for k in 0..<3 {
            let g = topo.neighbours[3 * f + k]
            guard g >= 0, scratch[Int(g)] >= 0 else { continue }
            let j = Int(scratch[Int(g)])
            // Corners of the shared edge's two ends, matched by welded vertex.
            for end in [k, (k + 1) % 3] {
                let w = topo.corners[3 * f + end]
                for m in 0..<3 where topo.corners[3 * Int(g) + m] == w {
                    let a = find(Int32(3 * i + end)), b = find(Int32(3 * j + m))
                    if a != b { parent[Int(a)] = b }
                }
            }
        }
    }
    var localOfRoot = [Int32](repeating: -1, count: faces.count * 3)
    var vertices: [Int32] = []
    var local = [Int32](repeating: 0, count: faces.count * 3)
    for c in 0..<(faces.count * 3) {
        let r = Int(find(Int32(c)))
        if localOfRoot[r] >= 0 { local[c] = localOfRoot[r] } else {
            let l = Int32(vertices.count)
            localOfRoot[r] = l
            vertices.append(topo.corners[3 * Int(faces[c / 3]) + c % 3])
            local[c] = l
        }
    }
    return (vertices, local)
}

/// Parameterizes one chart by LSCM.
/// - Parameters:
///   - faces: the chart's faces (non-degenerate), any order.
///   - scratch: face-sized, all -1 (restored on exit).
/// - Throws: `AtlasError.solverFailed` when the sparse solver reports a singular system.
func lscmParameterize(_ faces: [Int32], _ topo: AtlasTopology, chart: Int, scratch: inout [Int32]) throws -> ChartUV {
    let (vertices, local) = chartVertices(faces, topo, scratch: &scratch)
    let pos = vertices.map { topo.weldedPositions[Int($0)] }
    let vCount = vertices.count

    // Single triangle (or anything with three vertices): its own local frame is exact.
    if faces.count == 1 || vCount == 3 {
        var uvs = [SIMD2<Double>](repeating: .zero, count: vCount)
        let a = Int(local[0]), b = Int(local[1]), c = Int(local[2])
        let (za, zb, zc) = localFrame(pos[a], pos[b], pos[c])
        uvs[a] = za; uvs[b] = zb; uvs[c] = zc
        return ChartUV(vertices: vertices, localCorners: local, uvs: uvs)
    }

    // Pins: the farthest pair by a double sweep.
    var pinA = 0, pinB = 0, best = -1.0
    for v in 0..<vCount { let d = distance(pos[v], pos[0]); if d > best { best = d; pinA = v } }
    best = -1
    for v in 0..<vCount { let d = distance(pos[v], pos[pinA]); if d > best { best = d; pinB = v } }

    // Column of each free vertex's u (v is the next column).
    var column = [Int32](repeating: -1, count: vCount)
    var free: Int32 = 0
    for v in 0..<vCount where v != pinA && v != pinB { column[v] = free; free += 2 }

    // Per triangle: the scaled weights W_j (a_j + i b_j) and the residual's pinned part.
    let pinAUV = SIMD2<Double>(0, 0), pinBUV = SIMD2<Double>(best, 0)
    var weights = [SIMD2<Double>](repeating: .zero, count: faces.count * 3)
    var pinned = [SIMD2<Double>](repeating: .zero, count: faces.count)     // −Σ_pins W_j U_j (re, im)
    var valid = [Bool](repeating: false, count: faces.count)
    for i in 0..<faces.count {
        let l0 = Int(local[3 * i]), l1 = Int(local[3 * i + 1]), l2 = Int(local[3 * i + 2])
        let (z0, z1, z2) = localFrame(pos[l0], pos[l1], pos[l2])
        let dT = 2 * signedArea(z0, z1, z2)
        guard dT > 0 else { continue }
        valid[i] = true
        let s = 1 / dT.squareRoot()
        weights[3 * i] = (z2 - z1) * s; weights[3 * i + 1] = (z0 - z2) * s; weights[3 * i + 2] = (z1 - z0) * s
        for j in 0..<3 {
            let lj = Int(local[3 * i + j])
            guard lj == pinA || lj == pinB else { continue }
            let p = lj == pinA ? pinAUV : pinBUV, w = weights[3 * i + j]
            // (a + ib)(u + iv) = (a u − b v) + i (b u + a v)
            pinned[i] -= SIMD2(w.x * p.x - w.y * p.y, w.y * p.x + w.x * p.y)
        }
    }
    // Normal equations AᵀA x = Aᵀb assembled directly, upper triangle only. Row pair of a
    // triangle: Re = Σ a_j u_j − b_j v_j, Im = Σ b_j u_j + a_j v_j; the block of free corners
    // (j, k) is [[p, q], [−q, p]] with p = a_j a_k + b_j b_k, q = b_j a_k − a_j b_k.
    var upper: [cvb_triplet] = []
    upper.reserveCapacity(faces.count * 18)
    var atb = [Double](repeating: 0, count: Int(free))
    for i in 0..<faces.count where valid[i] {
        let r = pinned[i]
        for j in 0..<3 {
            let cj = column[Int(local[3 * i + j])]
            guard cj >= 0 else { continue }
            let wj = weights[3 * i + j]
            atb[Int(cj)] += wj.x * r.x + wj.y * r.y
            atb[Int(cj) + 1] += -wj.y * r.x + wj.x * r.y
            let d = wj.x * wj.x + wj.y * wj.y
            upper.append(cvb_triplet(row: cj, col: cj, value: d))
            upper.append(cvb_triplet(row: cj + 1, col: cj + 1, value: d))
            for k in 0..<3 where k != j {
                let ck = column[Int(local[3 * i + k])]
                guard ck > cj else { continue }
                let wk = weights[3 * i + k]
                let p = wj.x * wk.x + wj.y * wk.y, q = wj.y * wk.x - wj.x * wk.y
                upper.append(cvb_triplet(row: cj, col: ck, value: p))
                upper.append(cvb_triplet(row: cj, col: ck + 1, value: q))
                upper.append(cvb_triplet(row: cj + 1, col: ck, value: -q))
                upper.append(cvb_triplet(row: cj + 1, col: ck + 1, value: p))
            }
        }
    }
    var x = [Double](repeating: 0, count: Int(free))
    let status = upper.withUnsafeBufferPointer { t in
        cvb_sparse_symmetric_solve(free, t.baseAddress, Int64(t.count), atb, &x)
    }
    if status != CVB_OK {
        // Not positive definite (e.g. a part of the chart with no pin): least squares on A,
        // whose solver falls back to QR.
        var triplets: [cvb_triplet] = []
        triplets.reserveCapacity(faces.count * 12)
        var rhs = [Double](repeating: 0, count: faces.count * 2)
        for i in 0..<faces.count where valid[i] {
            rhs[2 * i] = pinned[i].x; rhs[2 * i + 1] = pinned[i].y
            for j in 0..<3 {
                let c = column[Int(local[3 * i + j])]
                guard c >= 0 else { continue }
                let a = weights[3 * i + j].x, b = weights[3 * i + j].y
                triplets.append(cvb_triplet(row: Int32(2 * i), col: c, value: a))
                triplets.append(cvb_triplet(row: Int32(2 * i), col: c + 1, value: -b))
                triplets.append(cvb_triplet(row: Int32(2 * i + 1), col: c, value: b))
                triplets.append(cvb_triplet(row: Int32(2 * i + 1), col: c + 1, value: a))
            }
        }
        let solved = sparseLeastSquares(rows: faces.count * 2, columns: Int(free), entries: triplets, rhs: rhs)
        guard let xs = solved.x else { throw AtlasError.solverFailed(chart: chart, message: solved.message) }
        x = xs
    }
    var uvs = [SIMD2<Double>](repeating: .zero, count: vCount)
    for v in 0..<vCount {
        if v == pinA { uvs[v] = pinAUV } else if v == pinB { uvs[v] = pinBUV } else { uvs[v] = SIMD2(x[Int(column[v])], x[Int(column[v]) + 1]) }
    }
    return ChartUV(vertices: vertices, localCorners: local, uvs: uvs)
}

/// A triangle in its own orthonormal frame: a at the origin, b on +x, c above (counter-clockwise
/// around the triangle's normal).
@inline(__always)
func localFrame(_ a: Vec3, _ b: Vec3, _ c: Vec3) -> (SIMD2<Double>, SIMD2<Double>, SIMD2<Double>) {
    let ab = b - a, ac = c - a
    let lab = length(ab)
    let e1 = ab / lab
    let n = normalize(cross(ab, ac))
    let e2 = cross(n, e1)
    return (.zero, SIMD2(lab, 0), SIMD2(dot(ac, e1), dot(ac, e2)))
}
