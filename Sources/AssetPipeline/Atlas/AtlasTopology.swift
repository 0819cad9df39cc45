import Geometry

/// Face-level topology of an atlas input: welded vertices, face normals and areas, and the
/// neighbour across each edge. Internal to the atlas stages.
struct AtlasTopology: Sendable {
    /// Welded vertex of every input vertex (same position → same id).
    var weldedOfVertex: [Int32]
    var weldedCount: Int
    /// Position of every welded vertex.
    var weldedPositions: [Vec3]
    /// Welded corner ids, 3 per triangle.
    var corners: [Int32]
    /// Unit face normals (zero for degenerate faces).
    var normals: [Vec3]
    /// Face areas in squared model units.
    var areas: [Double]
    var centroids: [Vec3]
    /// Neighbour across edge (corner k, corner k+1) of each face; -1 for a border, a
    /// non-manifold edge, a UV or material seam, or a degenerate neighbour.
    var neighbours: [Int32]
    /// True for faces with zero area (or a repeated vertex), which take no part in charts.
    var degenerate: [Bool]
    var degenerateCount: Int

    var faceCount: Int { areas.count }
}

/// Checks the input's sizes, indices and values.
func validateAtlasInput(_ mesh: AtlasInputMesh) throws {
    guard mesh.indices.count % 3 == 0 else { throw AtlasError.invalidIndexCount(mesh.indices.count) }
    let n = mesh.positions.count
    for (k, i) in mesh.indices.enumerated() where Int(i) >= n {
        throw AtlasError.indexOutOfRange(triangle: k / 3, index: i, vertexCount: n)
    }
    for (v, p) in mesh.positions.enumerated() where !p.isFinite {
        throw AtlasError.nonFiniteValue(field: "position", vertex: v)
    }
    if let uvs = mesh.uvs {
        guard uvs.count == n else { throw AtlasError.attributeCountMismatch(field: "uvs", expected: n, got: uvs.count) }
        for (v, uv) in uvs.enumerated() where !(uv.x.isFinite && uv.y.isFinite) {
            throw AtlasError.nonFiniteValue(field: "uv", vertex: v)
        }
    }
    if let m = mesh.materialOfTriangle, m.count != mesh.triangleCount {
        throw AtlasError.attributeCountMismatch(field: "materialOfTriangle", expected: mesh.triangleCount, got: m.count)
    }
}

/// Builds the topology: welds equal positions, computes normals and areas, marks degenerate
/// faces (area below 1e-12 of the squared bounding-box diagonal, or a repeated corner) and finds
/// edge neighbours through a vertex→face table.
func buildAtlasTopology(_ mesh: AtlasInputMesh) -> AtlasTopology {
    let positions = mesh.positions
    let idx = mesh.indices
    let faceCount = idx.count / 3

    // Weld on exact position.
    var weldMap = [Vec3: Int32](minimumCapacity: positions.count)
    var welded = [Int32](repeating: 0, count: positions.count)
    var weldedCount: Int32 = 0
    var weldedPositions: [Vec3] = []
    for (v, p) in positions.enumerated() {
        if let w = weldMap[p] { welded[v] = w } else {
            weldMap[p] = weldedCount; welded[v] = weldedCount; weldedCount += 1; weldedPositions.append(p)
        }
    }
    weldMap = [:]

    var lo = Vec3(repeating: .infinity), hi = Vec3(repeating: -.infinity)
    for p in positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
    let diag2 = positions.isEmpty ? 0 : dot(hi - lo, hi - lo)
    let minArea = max(diag2 * 1e-12, .leastNormalMagnitude)

    var corners = [Int32](repeating: 0, count: idx.count)
    var normals = [Vec3](repeating: .zero, count: faceCount)
    var areas = [Double](repeating: 0, count: faceCount)
    var centroids = [Vec3](repeating: .zero, count: faceCount)
    var degenerate = [Bool](repeating: false, count: faceCount)
    var degenerateCount = 0
    for f in 0..<faceCount {
        let a = Int(idx[3 * f]), b = Int(idx[3 * f + 1]), c = Int(idx[3 * f + 2])
        corners[3 * f] = welded[a]; corners[3 * f + 1] = welded[b]; corners[3 * f + 2] = welded[c]
        let pa = positions[a], pb = positions[b], pc = positions[c]
        let n = cross(pb - pa, pc - pa)
        let len = length(n)
        areas[f] = 0.5 * len
        centroids[f] = (pa + pb + pc) / 3
        let wa = welded[a], wb = welded[b], wc = welded[c]
        if 0.5 * len <= minArea || wa == wb || wb == wc || wa == wc {
            degenerate[f] = true; degenerateCount += 1; areas[f] = 0
        } else {
            normals[f] = n / len
        }
    }

    // Vertex → faces (CSR) over welded vertices, non-degenerate faces only.
    var start = [Int32](repeating: 0, count: Int(weldedCount) + 1)
    for f in 0..<faceCount where !degenerate[f] {
        for k in 0..<3 { start[Int(corners[3 * f + k]) + 1] += 1 }
    }
    for v in 0..<Int(weldedCount) { start[v + 1] += start[v] }
    var fill = start
    var star = [Int32](repeating: 0, count: Int(start[Int(weldedCount)]))
    for f in 0..<faceCount where !degenerate[f] {
        for k in 0..<3 {
            let v = Int(corners[3 * f + k])
            star[Int(fill[v])] = Int32(f); fill[v] += 1
        }
    }

    let uvs = mesh.uvs
    let materials = mesh.materialOfTriangle
    var neighbours = [Int32](repeating: -1, count: idx.count)
    corners.withUnsafeBufferPointer { cb in
        star.withUnsafeBufferPointer { sb in
            for f in 0..<faceCount where !degenerate[f] {
                for k in 0..<3 {
                    let a = cb[3 * f + k], b = cb[3 * f + (k + 1) % 3]
                    var found: Int32 = -1, count = 0, otherCorner = 0
                    for s in Int(start[Int(a)])..<Int(start[Int(a) + 1]) {
                        let g = Int(sb[s])
                        if g == f { continue }
                        for j in 0..<3 where cb[3 * g + j] == b {
                            // The neighbour's edge must be (b, a) for consistent winding; an
                            // edge (a, b) means a flipped neighbour: still adjacent, but a seam.
                            let next = cb[3 * g + (j + 1) % 3]
                            count += 1
                            if next == a { found = Int32(g); otherCorner = j } else { found = -2 }
                        }
                    }
                    guard count == 1, found >= 0 else { continue }
                    let g = Int(found)
                    // UV seam: the original vertices differ and so do their UVs.
                    if let uvs {
                        let fa = Int(idx[3 * f + k]), fb = Int(idx[3 * f + (k + 1) % 3])
                        let gb = Int(idx[3 * g + otherCorner]), ga = Int(idx[3 * g + (otherCorner + 1) % 3])
                        if uvs[fa] != uvs[ga] || uvs[fb] != uvs[gb] { continue }
                    }
                    if let materials, materials[f] != materials[g] { continue }
                    neighbours[3 * f + k] = Int32(g)
                }
            }
        }
    }
    return AtlasTopology(weldedOfVertex: welded, weldedCount: Int(weldedCount), weldedPositions: weldedPositions, corners: corners,
                         normals: normals, areas: areas, centroids: centroids, neighbours: neighbours,
                         degenerate: degenerate, degenerateCount: degenerateCount)
}
