// Parameterizes every chart by LSCM and enforces the atlas' guarantees: a chart whose map flips
// a triangle, or whose L2 stretch exceeds the limit, is bisected (two seeds at the ends of a
// breadth-first diameter of its face graph, grown alternately) and both halves are solved
// again. Single triangles are mapped exactly, so the recursion always ends without flips.
// Accepted charts are scaled to equal 2D and 3D areas (one common texel density).
import Foundation
import Geometry

/// A parameterized chart, ready to pack.
struct ParameterizedChart: Sendable {
    /// Faces of the chart (topology face ids).
    var faces: [Int32]
    var uv: ChartUV
    var stretch: StretchAccumulator
}

struct ParameterizationResult: Sendable {
    var charts: [ParameterizedChart]
    var flipSplits = 0
    var stretchSplits = 0
    var overlapSplits = 0
}

/// Runs LSCM on every chart of the segmentation, splitting charts until none flips and all are
/// under `maxStretch`.
func parameterizeCharts(_ seg: ChartSegmentation, _ topo: AtlasTopology, maxStretch: Double) throws -> ParameterizationResult {
    var pending = [[Int32]](repeating: [], count: seg.chartCount)
    for (f, c) in seg.chartOfFace.enumerated() where c >= 0 { pending[Int(c)].append(Int32(f)) }
    return try parameterizeCharts(pending, topo, maxStretch: maxStretch)
}

/// Runs LSCM on the given charts (face lists), splitting as above.
func parameterizeCharts(_ pending: [[Int32]], _ topo: AtlasTopology, maxStretch: Double) throws -> ParameterizationResult {
    var result = ParameterizationResult(charts: [])
    var scratch = [Int32](repeating: -1, count: topo.faceCount)
    var faceMark = [Int32](repeating: -1, count: topo.faceCount)
    var queue = pending.reversed().filter { !$0.isEmpty }
    while let faces = queue.popLast() {
        var uv: ChartUV
        do {
            uv = try lscmParameterize(faces, topo, chart: result.charts.count, scratch: &scratch)
        } catch {
            guard faces.count > 1 else { throw error }
            let (a, b) = bisectChart(faces, topo, mark: &faceMark)
            queue.append(a); queue.append(b)
            result.flipSplits += 1
            continue
        }
        var stretch = StretchAccumulator()
        var flipped = false
        for i in 0..<faces.count {
            let a = Int(uv.localCorners[3 * i]), b = Int(uv.localCorners[3 * i + 1]), c = Int(uv.localCorners[3 * i + 2])
            let pa = uv.uvs[a], pb = uv.uvs[b], pc = uv.uvs[c]
            if !(signedArea(pa, pb, pc) > 0) { flipped = true; break }
            stretch.add(topo.weldedPositions[Int(uv.vertices[a])], topo.weldedPositions[Int(uv.vertices[b])],
                        topo.weldedPositions[Int(uv.vertices[c])], pa, pb, pc)
        }
        if faces.count > 1 && (flipped || stretch.l2 > maxStretch) {
            let (a, b) = bisectChart(faces, topo, mark: &faceMark)
            queue.append(a); queue.append(b)
            if flipped { result.flipSplits += 1 } else { result.stretchSplits += 1 }
            continue
        }
        if faces.count > 2 && (chartFoldsAroundAVertex(uv) || chartOverlapsItself(uv)) {
            let (a, b) = bisectChart(faces, topo, mark: &faceMark)
            queue.append(a); queue.append(b)
            result.overlapSplits += 1
            continue
        }
        // Common density: 2D area = 3D area.
        let scale = (stretch.area3D / stretch.area2D).squareRoot()
        var minUV = SIMD2<Double>(repeating: .infinity)
        for p in uv.uvs { minUV = pointwiseMin(minUV, p) }
        for k in 0..<uv.uvs.count { uv.uvs[k] = (uv.uvs[k] - minUV) * scale }
        var scaled = StretchAccumulator()
        for i in 0..<faces.count {
            let a = Int(uv.localCorners[3 * i]), b = Int(uv.localCorners[3 * i + 1]), c = Int(uv.localCorners[3 * i + 2])
            scaled.add(topo.weldedPositions[Int(uv.vertices[a])], topo.weldedPositions[Int(uv.vertices[b])],
                       topo.weldedPositions[Int(uv.vertices[c])], uv.uvs[a], uv.uvs[b], uv.uvs[c])
        }
        result.charts.append(ParameterizedChart(faces: faces, uv: uv, stretch: scaled))
    }
    return result
}

/// Splits a chart's faces into two edge-connected halves: seeds at both ends of a
/// breadth-first diameter, grown alternately. `mark` is a face-sized scratch array of -1.
func bisectChart(_ faces: [Int32], _ topo: AtlasTopology, mark: inout [Int32]) -> ([Int32], [Int32]) {
    precondition(faces.count > 1)
    for f in faces { mark[Int(f)] = -2 }            // member, unvisited
    defer { for f in faces { mark[Int(f)] = -1 } }

    func farthest(from start: Int32) -> Int32 {
        var visited: [Int32] = [start]
        mark[Int(start)] = 0
        var head = 0
        while head < visited.count {
            let f = Int(visited[head]); head += 1
            for k in 0..<3 {
                let g = topo.neighbours[3 * f + k]
                if g >= 0 && mark[Int(g)] == -2 { mark[Int(g)] = 0; visited.append(g) }
            }
        }
        for f in visited { mark[Int(f)] = -2 }
        return visited.last!
    }
    let a = farthest(from: faces[0])
    let b = farthest(from: a)
    let seedB = b == a ? faces.first { $0 != a }! : b

    // Alternate breadth-first growth from both seeds.
    var queues: [[Int32]] = [[a], [seedB]]
    var heads = [0, 0]
    mark[Int(a)] = 0; mark[Int(seedB)] = 1
    var halves: [[Int32]] = [[a], [seedB]]
    while heads[0] < queues[0].count || heads[1] < queues[1].count {
        for side in 0..<2 where heads[side] < queues[side].count {
            let f = Int(queues[side][heads[side]]); heads[side] += 1
            for k in 0..<3 {
                let g = topo.neighbours[3 * f + k]
                if g >= 0 && mark[Int(g)] == -2 {
                    mark[Int(g)] = Int32(side); queues[side].append(g); halves[side].append(g)
                }
            }
        }
    }
    // Faces not reached (a chart that is not edge-connected) join the first half's list as
    // their own problem is caught by the solver; keep them with half 0.
    for f in faces where mark[Int(f)] == -2 { halves[0].append(f) }
    return (halves[0], halves[1])
}

/// True when some point lies strictly inside two of the chart's UV triangles: the chart folds
/// over itself (its boundary crosses itself) although no triangle flips. Sampled on a grid of
/// a quarter of the mean edge length, so overlaps smaller than that can slip through.
func chartOverlapsItself(_ uv: ChartUV) -> Bool {
    let tri = uv.localCorners, p = uv.uvs
    let faces = tri.count / 3
    var lo = SIMD2<Double>(repeating: .infinity), hi = SIMD2<Double>(repeating: -.infinity)
    for q in p { lo = pointwiseMin(lo, q); hi = pointwiseMax(hi, q) }
    var edgeSum = 0.0
    for t in 0..<faces {
        let a = p[Int(tri[3 * t])], b = p[Int(tri[3 * t + 1])]
        edgeSum += ((b - a) * (b - a)).sum().squareRoot()
    }
    var cell = max(edgeSum / Double(faces) / 4, 1e-300)
    let extent = hi - lo
    let maxCells = Double(64 * faces + 4096)
    while (extent.x / cell + 2) * (extent.y / cell + 2) > maxCells { cell *= 1.5 }
    let w = Int(extent.x / cell) + 2, h = Int(extent.y / cell) + 2
    var hits = [UInt8](repeating: 0, count: w * h)
    for t in 0..<faces {
        let a = (p[Int(tri[3 * t])] - lo) / cell, b = (p[Int(tri[3 * t + 1])] - lo) / cell, c = (p[Int(tri[3 * t + 2])] - lo) / cell
        let d = (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)
        guard d > 0 else { continue }
        let x0 = max(0, Int((min(a.x, b.x, c.x) - 0.5).rounded(.up))), x1 = min(w - 1, Int((max(a.x, b.x, c.x) - 0.5).rounded(.down)))
        let y0 = max(0, Int((min(a.y, b.y, c.y) - 0.5).rounded(.up))), y1 = min(h - 1, Int((max(a.y, b.y, c.y) - 0.5).rounded(.down)))
        guard x0 <= x1, y0 <= y1 else { continue }
        let eps = 1e-9
        for y in y0...y1 {
            let py = Double(y) + 0.5
            for x in x0...x1 {
                let px = Double(x) + 0.5
                let w1 = ((px - a.x) * (c.y - a.y) - (c.x - a.x) * (py - a.y)) / d
                let w2 = ((b.x - a.x) * (py - a.y) - (px - a.x) * (b.y - a.y)) / d
                guard w1 > eps, w2 > eps, w1 + w2 < 1 - eps else { continue }
                if hits[y * w + x] != 0 { return true }
                hits[y * w + x] = 1
            }
        }
    }
    return false
}

/// True when the UV triangles around some chart vertex turn by more than a full turn: its fan
/// overlaps itself (an interior vertex sums to exactly 2π, a border vertex to less), which
/// happens at vertices where two fans of the surface touch.
func chartFoldsAroundAVertex(_ uv: ChartUV) -> Bool {
    var angle = [Double](repeating: 0, count: uv.uvs.count)
    let tri = uv.localCorners, p = uv.uvs
    for t in 0..<(tri.count / 3) {
        for k in 0..<3 {
            let v = Int(tri[3 * t + k])
            let a = p[Int(tri[3 * t + (k + 1) % 3])] - p[v], b = p[Int(tri[3 * t + (k + 2) % 3])] - p[v]
            angle[v] += atan2(abs(a.x * b.y - a.y * b.x), (a * b).sum())
        }
    }
    return angle.contains { $0 > 2 * .pi + 1e-6 }
}
