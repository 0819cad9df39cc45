// Chart segmentation by region growing.
//
// Charts grow face by face from seeds, cheapest face first, where the cost of a candidate face
// is its normal's deviation from the chart's area-weighted mean normal plus a compactness term
// (distance to the seed over the chart's radius), as in the region-growing segmentations of
// Sander et al. 2002 ("Signal-specialized parametrization") and xatlas. A face whose normal
// deviates more than the threshold is refused, so every chart stays within a normal cone of
// less than 90° and cannot close into a band. Existing UV seams, material changes,
// non-manifold edges and borders are never crossed (they are -1 in the topology). Small charts
// are then merged into the neighbour with the longest shared edge when the normal cone allows.
import Foundation
import Geometry

/// A min-heap of (cost, face), the growth frontier.
struct FaceHeap {
    private var items: [(cost: Double, face: Int32)] = []
    var isEmpty: Bool { items.isEmpty }
    mutating func removeAll() { items.removeAll(keepingCapacity: true) }
    mutating func push(_ cost: Double, _ face: Int32) {
        items.append((cost, face))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if items[p].cost <= items[i].cost { break }
            items.swapAt(p, i); i = p
        }
    }
    mutating func pop() -> (cost: Double, face: Int32)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && items[l].cost < items[m].cost { m = l }
                if r < n && items[r].cost < items[m].cost { m = r }
                if m == i { break }
                items.swapAt(i, m); i = m
            }
        }
        return top
    }
}

/// The charts of a segmentation: a chart id per face (-1 for degenerate faces).
struct ChartSegmentation: Sendable {
    var chartOfFace: [Int32]
    var chartCount: Int
}

/// Weight of the compactness term against the normal deviation (1 − cos θ).
private let compactnessWeight = 0.12

/// Grows charts over the topology's faces.
/// - Parameters:
///   - maxDeviationDegrees: the normal cone's half angle around the chart's mean normal.
///   - mergeBelow: charts with fewer faces are merged into a neighbour when the cone allows.
func segmentCharts(_ topo: AtlasTopology, maxDeviationDegrees: Double, mergeBelow: Int) -> ChartSegmentation {
    let faceCount = topo.faceCount
    let cosMax = cos(maxDeviationDegrees * .pi / 180)
    var chartOf = [Int32](repeating: -1, count: faceCount)
    var chartCount: Int32 = 0
    var heap = FaceHeap()
    let normals = topo.normals, areas = topo.areas, centroids = topo.centroids, nbr = topo.neighbours
    // The chart that last took each welded vertex, to refuse faces that would pinch a chart
    // (touch it at a vertex without sharing an edge there): such vertices fold in UV space.
    var vertexChart = [Int32](repeating: -1, count: topo.weldedCount)
    func pinches(_ g: Int, _ chart: Int32) -> Bool {
        for k in 0..<3 {
            let c = Int(topo.corners[3 * g + k])
            guard vertexChart[c] == chart else { continue }
            // Edges of g at corner k: (k-1, k) and (k, k+1).
            let before = Int(nbr[3 * g + (k + 2) % 3]), after = Int(nbr[3 * g + k])
            let joined = (before >= 0 && chartOf[before] == chart) || (after >= 0 && chartOf[after] == chart)
            if !joined { return true }
        }
        return false
    }
    func take(_ f: Int, _ chart: Int32) {
        chartOf[f] = chart
        for k in 0..<3 { vertexChart[Int(topo.corners[3 * f + k])] = chart }
    }

    for seed in 0..<faceCount where chartOf[seed] == -1 && !topo.degenerate[seed] {
        let chart = chartCount
        chartCount += 1
        take(seed, chart)
        var normalSum = normals[seed] * areas[seed]
        var chartArea = areas[seed]
        let seedCentroid = centroids[seed]
        heap.removeAll()
        var mean = normals[seed]
        func pushNeighbours(_ f: Int) {
            for k in 0..<3 {
                let g = Int(nbr[3 * f + k])
                guard g >= 0, chartOf[g] == -1 else { continue }
                let deviation = 1 - dot(normals[g], mean)
                let radius = (chartArea / .pi).squareRoot()
                let cost = deviation + compactnessWeight * distance(centroids[g], seedCentroid) / max(radius, 1e-300)
                heap.push(cost, Int32(g))
            }
        }
        pushNeighbours(seed)
        while let (_, g32) = heap.pop() {
            let g = Int(g32)
            guard chartOf[g] == -1 else { continue }
            guard dot(normals[g], mean) >= cosMax, !pinches(g, chart) else { continue }
            take(g, chart)
            normalSum += normals[g] * areas[g]
            chartArea += areas[g]
            mean = normalize(normalSum)
            pushNeighbours(g)
        }
    }
    var segmentation = ChartSegmentation(chartOfFace: chartOf, chartCount: Int(chartCount))
    // Merging may exceed the growth cone by 15°: LSCM's flip and stretch checks still apply.
    let cosMerge = cos(min(85, maxDeviationDegrees + 15) * .pi / 180)
    if mergeBelow > 0 { mergeSmallCharts(&segmentation, topo, cosMax: cosMerge, cosGrowth: cosMax, mergeBelow: mergeBelow) }
    return segmentation
}

/// Merges charts with fewer than `mergeBelow` faces into the neighbour sharing the most edges,
/// when every face of the small chart stays within the cone of the merged mean normal, then
/// renumbers charts densely.
private func mergeSmallCharts(_ seg: inout ChartSegmentation, _ topo: AtlasTopology, cosMax: Double, cosGrowth: Double, mergeBelow: Int) {
    let n = seg.chartCount
    var faces = [[Int32]](repeating: [], count: n)
    for (f, c) in seg.chartOfFace.enumerated() where c >= 0 { faces[Int(c)].append(Int32(f)) }
    var normalSum = [Vec3](repeating: .zero, count: n)
    for (f, c) in seg.chartOfFace.enumerated() where c >= 0 { normalSum[Int(c)] += topo.normals[f] * topo.areas[f] }
    var parent = Array(0..<n)
    func find(_ x: Int) -> Int { var x = x; while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }; return x }

    let order = (0..<n).filter { faces[$0].count < mergeBelow }.sorted { faces[$0].count < faces[$1].count }
    for c in order {
        let root = find(c)
        guard faces[root].count < mergeBelow else { continue }
        var shared: [Int: Int] = [:]
        for f in faces[root] {
            for k in 0..<3 {
                let g = Int(topo.neighbours[3 * Int(f) + k])
                guard g >= 0 else { continue }
                let other = find(Int(seg.chartOfFace[g]))
                if other != root { shared[other, default: 0] += 1 }
            }
        }
        let candidates = shared.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        for (other, _) in candidates {
            // The two charts must face within the cone of each other (no merging across a crease)
            // and every face must stay within the relaxed cone of the merged mean.
            guard dot(normalize(normalSum[root]), normalize(normalSum[other])) >= cosGrowth else { continue }
            let mean = normalize(normalSum[root] + normalSum[other])
            let fits = (faces[root] + faces[other]).allSatisfy { dot(topo.normals[Int($0)], mean) >= cosMax }
            guard fits else { continue }
            parent[root] = other
            faces[other] += faces[root]; faces[root] = []
            normalSum[other] += normalSum[root]
            break
        }
    }
    var newId = [Int32](repeating: -1, count: n)
    var count: Int32 = 0
    for c in 0..<n where find(c) == c && !faces[c].isEmpty { newId[c] = count; count += 1 }
    for f in 0..<seg.chartOfFace.count where seg.chartOfFace[f] >= 0 {
        seg.chartOfFace[f] = newId[find(Int(seg.chartOfFace[f]))]
    }
    seg.chartCount = Int(count)
}
