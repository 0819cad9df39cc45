// UV atlas generation, the public entry point: validate → topology → chart segmentation →
// LSCM per chart (split until no flip and stretch under the limit) → packing → re-indexing.
import Foundation
import Geometry

/// Coverage of an atlas' triangles sampled at texel centres (the measure `uv_eval.py` uses).
public struct AtlasCoverage: Sendable, Equatable {
    /// Texels whose centre lies in at least one triangle, over all texels.
    public var utilization: Double
    /// Texels whose centre lies in triangles of two different charts.
    public var overlapTexels: Int
    /// Texels whose centre lies strictly inside two triangles of the same chart (a chart that
    /// folds over itself without flipping a triangle).
    public var selfOverlapTexels: Int
    /// Triangles whose UV orientation differs from the majority of their chart.
    public var flippedTriangles: Int
}

/// Rasterizes UV triangles at texel centres of a `resolution`² grid and counts coverage,
/// overlaps between charts, and flips inside charts.
/// - Parameters:
///   - uvs: UVs in [0, 1] (any orientation convention).
///   - indices: 3 per triangle.
///   - chartOfTriangle: chart per triangle; negative entries are ignored.
public func measureAtlasCoverage(uvs: [SIMD2<Double>], indices: [UInt32], chartOfTriangle: [Int32], resolution n: Int) -> AtlasCoverage {
    var owner = [Int32](repeating: -1, count: n * n)
    var interiorHits = [UInt8](repeating: 0, count: n * n)
    var overlaps = 0, covered = 0, selfOverlaps = 0    // counted as texels change state
    let chartCount = Int((chartOfTriangle.max() ?? -1) + 1)
    var positive = [Int](repeating: 0, count: chartCount), negative = [Int](repeating: 0, count: chartCount)
    for t in 0..<(indices.count / 3) {
        let chart = chartOfTriangle[t]
        guard chart >= 0 else { continue }
        let a = uvs[Int(indices[3 * t])] * Double(n), b = uvs[Int(indices[3 * t + 1])] * Double(n), c = uvs[Int(indices[3 * t + 2])] * Double(n)
        let area = signedArea(a, b, c)
        if area > 0 { positive[Int(chart)] += 1 } else { negative[Int(chart)] += 1 }
        guard area != 0 else { continue }
        let x0 = max(0, Int((min(a.x, b.x, c.x) - 0.5).rounded(.up))), x1 = min(n - 1, Int((max(a.x, b.x, c.x) - 0.5).rounded(.down)))
        let y0 = max(0, Int((min(a.y, b.y, c.y) - 0.5).rounded(.up))), y1 = min(n - 1, Int((max(a.y, b.y, c.y) - 0.5).rounded(.down)))
        guard x0 <= x1, y0 <= y1 else { continue }
        let d = (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)
        // Barycentric weights are affine in px along a row: w = base + slope·(px − a.x).
        let inv = 1 / d
        let slope1 = (c.y - a.y) * inv, slope2 = -(b.y - a.y) * inv
        for y in y0...y1 {
            let py = Double(y) + 0.5
            let base1 = -(c.x - a.x) * (py - a.y) * inv, base2 = (b.x - a.x) * (py - a.y) * inv
            for x in x0...x1 {
                let dx = Double(x) + 0.5 - a.x
                let w1 = base1 + slope1 * dx
                let w2 = base2 + slope2 * dx
                guard w1 >= 0, w2 >= 0, w1 + w2 <= 1 else { continue }
                if w1 > 1e-7 && w2 > 1e-7 && w1 + w2 < 1 - 1e-7 && interiorHits[y * n + x] < 255 {
                    interiorHits[y * n + x] += 1
                    if interiorHits[y * n + x] == 2 { selfOverlaps += 1 }
                }
                let o = owner[y * n + x]
                if o == -1 { owner[y * n + x] = chart; covered += 1 } else if o != chart && o >= 0 { overlaps += 1; owner[y * n + x] = -2 }
            }
        }
    }
    let flipped = zip(positive, negative).reduce(0) { $0 + min($1.0, $1.1) }
    return AtlasCoverage(utilization: Double(covered) / Double(n * n), overlapTexels: overlaps,
                         selfOverlapTexels: selfOverlaps, flippedTriangles: flipped)
}

/// Generates a UV atlas for a triangle mesh.
///
/// Charts are grown on normal deviation and stop at existing UV and material seams; each is
/// flattened by LSCM (Lévy et al. 2002) with Eigen's sparse solver, split until no UV triangle
/// flips and the chart's L2 stretch is under `options.maxChartStretch`, scaled to one common
/// texel density, and packed with gutters into one square atlas of `options.resolution`².
///
/// - Parameters:
///   - mesh: positions, CCW triangles, optional old UVs (for seams) and materials.
///   - options: validated first.
/// - Returns: the re-indexed mesh (new vertex → input vertex), UVs in glTF convention
///   ((0,0) top-left), the chart of every triangle and a report. Zero-area triangles are kept
///   (with a degenerate UV triangle on a neighbouring chart vertex) and counted in the report's
///   warnings.
/// - Throws: `AtlasError` for invalid input or options, or charts that cannot fit.
public func generateUVAtlas(_ mesh: AtlasInputMesh, options: AtlasOptions = AtlasOptions()) throws -> UVAtlas {
    try options.validate()
    try validateAtlasInput(mesh)
    var report = AtlasReport()
    report.triangles = mesh.triangleCount
    report.resolution = options.resolution
    let clock = ContinuousClock()

    // Segmentation.
    var t0 = clock.now
    let topo = buildAtlasTopology(mesh)
    guard topo.degenerateCount < topo.faceCount else { throw AtlasError.noValidTriangles(triangles: topo.faceCount) }
    report.skippedZeroAreaTriangles = topo.degenerateCount
    if topo.degenerateCount > 0 {
        report.warnings.append("\(topo.degenerateCount) zero-area triangles skipped (they get a degenerate UV triangle)")
    }
    let segmentation = segmentCharts(topo, maxDeviationDegrees: options.maxNormalDeviationDegrees,
                                     mergeBelow: options.mergeChartsBelowTriangles)
    report.secondsSegmentation = seconds(clock.now - t0)

    // Parameterization.
    t0 = clock.now
    let param = try parameterizeCharts(segmentation, topo, maxStretch: options.maxChartStretch)
    report.secondsParameterization = seconds(clock.now - t0)

    // Packing.
    t0 = clock.now
    let packed = try packCharts(param.charts.map { PackingChart(uvs: $0.uv.uvs, triangles: $0.uv.localCorners) },
                                resolution: options.resolution, gutter: options.gutterTexels,
                                allowRotation: options.allowRotation)
    report.secondsPacking = seconds(clock.now - t0)

    // Re-index and measure at the atlas' own resolution.
    var atlas = assembleAtlas(mesh, topo, param, packed, resolution: options.resolution, report: report)
    let measured = measureAtlasCoverage(uvs: atlas.uvs, indices: atlas.indices,
                                        chartOfTriangle: atlas.chartOfTriangle, resolution: options.resolution)
    atlas.report.utilization = measured.utilization
    atlas.report.flippedTriangles = measured.flippedTriangles
    atlas.report.selfOverlapTexels = measured.selfOverlapTexels
    if measured.overlapTexels > 0 {
        atlas.report.warnings.append("\(measured.overlapTexels) texels covered by two charts")
    }
    if measured.selfOverlapTexels > 0 {
        atlas.report.warnings.append("\(measured.selfOverlapTexels) texels covered twice inside one chart (a fold around a non-manifold vertex)")
    }
    return atlas
}

/// Builds the re-indexed mesh: one new vertex per (chart, input vertex), UVs from the packing.
private func assembleAtlas(_ mesh: AtlasInputMesh, _ topo: AtlasTopology, _ param: ParameterizationResult,
                           _ packed: PackingResult, resolution: Int, report base: AtlasReport) -> UVAtlas {
    var report = base
    report.flipSplits = param.flipSplits
    report.stretchSplits = param.stretchSplits
    report.overlapSplits = param.overlapSplits
    report.texelsPerUnit = packed.texelsPerUnit
    let n = Double(resolution)
    var newOfInput = [Int32](repeating: -1, count: mesh.positions.count)
    var vertexSource: [UInt32] = []
    var uvs: [SIMD2<Double>] = []
    var indices = [UInt32](repeating: 0, count: mesh.indices.count)
    var chartOfTriangle = [Int32](repeating: -1, count: mesh.triangleCount)
    var uvOfWelded = [SIMD2<Double>?](repeating: nil, count: topo.weldedCount)
    var total = StretchAccumulator()
    for (c, chart) in param.charts.enumerated() {
        // One new vertex per (input vertex, chart vertex): a seam inside the chart keeps both sides.
        var newOfKey = [SIMD2<Int32>: UInt32](minimumCapacity: chart.uv.vertices.count)
        total.add(chart.stretch)
        report.maxChartStretch = max(report.maxChartStretch, chart.stretch.l2)
        for (i, f32) in chart.faces.enumerated() {
            let f = Int(f32)
            chartOfTriangle[f] = Int32(c)
            for k in 0..<3 {
                let input = Int(mesh.indices[3 * f + k])
                let localVertex = chart.uv.localCorners[3 * i + k]
                let key = SIMD2(Int32(input), localVertex)
                if let existing = newOfKey[key] { indices[3 * f + k] = existing; continue }
                let texel = packed.texelUVs[c][Int(localVertex)]
                let uv = SIMD2(texel.x / n, 1 - texel.y / n)
                newOfKey[key] = UInt32(uvs.count)
                indices[3 * f + k] = UInt32(uvs.count)
                vertexSource.append(UInt32(input)); uvs.append(uv)
                let w = Int(topo.weldedOfVertex[input])
                if uvOfWelded[w] == nil { uvOfWelded[w] = uv }
            }
        }
    }
    // Zero-area triangles: their own vertices, on a chart vertex's UV where one exists.
    for f in 0..<mesh.triangleCount where topo.degenerate[f] {
        for k in 0..<3 {
            let input = Int(mesh.indices[3 * f + k])
            if newOfInput[input] < 0 {
                newOfInput[input] = Int32(uvs.count)
                vertexSource.append(UInt32(input))
                uvs.append(uvOfWelded[Int(topo.weldedOfVertex[input])] ?? .zero)
            }
            indices[3 * f + k] = UInt32(newOfInput[input])
        }
    }
    report.charts = param.charts.count
    report.l2Stretch = total.l2
    return UVAtlas(vertexSource: vertexSource, indices: indices, uvs: uvs, chartOfTriangle: chartOfTriangle, report: report)
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
