@testable import AssetPipeline
import Foundation
import Geometry
import Testing

@Suite struct AtlasPackingTests {
    /// Claims every texel each chart's triangles touch (conservatively); returns how many texels
    /// two different charts claim.
    private func conflicts(_ atlas: UVAtlas, resolution n: Int) -> Int {
        var owner = [Int32](repeating: -1, count: n * n)
        var clashes = 0
        for t in 0..<(atlas.indices.count / 3) where atlas.chartOfTriangle[t] >= 0 {
            let chart = atlas.chartOfTriangle[t]
            let p = (0..<3).map { atlas.uvs[Int(atlas.indices[3 * t + $0])] * Double(n) }
            rasterizeConservative(p[0], p[1], p[2], width: n, height: n) { x, y in
                let o = owner[y * n + x]
                if o == -1 { owner[y * n + x] = chart } else if o != chart { clashes += 1 }
            }
        }
        return clashes
    }

    @Test func cubeFacesBecomeSixChartsThatDoNotOverlap() throws {
        var options = AtlasOptions()
        options.resolution = 64
        options.gutterTexels = 2
        let atlas = try generateUVAtlas(AtlasFixtures.cube, options: options)
        #expect(atlas.report.charts == 6)
        // Each face's two triangles share a chart; the six charts are distinct.
        for face in 0..<6 { #expect(atlas.chartOfTriangle[2 * face] == atlas.chartOfTriangle[2 * face + 1]) }
        #expect(Set(atlas.chartOfTriangle).count == 6)
        #expect(conflicts(atlas, resolution: 64) == 0)
        #expect(atlas.report.flippedTriangles == 0)
        #expect(abs(atlas.report.l2Stretch - 1) < 1e-9)
        // 4 vertices per face chart.
        #expect(atlas.uvs.count == 24)
        #expect(atlas.uvs.allSatisfy { $0.x >= 0 && $0.x <= 1 && $0.y >= 0 && $0.y <= 1 })
        // Six unit squares of one density in a 64² square with 2-texel gutters: each side ≥ 14 texels.
        #expect(atlas.report.texelsPerUnit >= 14)
    }

    @Test func chartsKeepTheGutterBetweenThem() throws {
        var options = AtlasOptions()
        options.resolution = 128
        options.gutterTexels = 3
        let atlas = try generateUVAtlas(AtlasFixtures.cube, options: options)
        let n = 128
        var owner = [Int32](repeating: -1, count: n * n)
        for t in 0..<(atlas.indices.count / 3) {
            let chart = atlas.chartOfTriangle[t]
            let p = (0..<3).map { atlas.uvs[Int(atlas.indices[3 * t + $0])] * Double(n) }
            rasterizeConservative(p[0], p[1], p[2], width: n, height: n) { x, y in owner[y * n + x] = chart }
        }
        // Every texel another chart touches is more than 3 texels away (at least 3 empty between).
        var closest = Int.max
        for y in 0..<n {
            for x in 0..<n where owner[y * n + x] >= 0 {
                for yy in max(0, y - 4)...min(n - 1, y + 4) {
                    for xx in max(0, x - 4)...min(n - 1, x + 4) where owner[yy * n + xx] >= 0 && owner[yy * n + xx] != owner[y * n + x] {
                        closest = min(closest, max(abs(xx - x), abs(yy - y)))
                    }
                }
            }
        }
        #expect(closest > 3)
    }

    @Test func manyChartsPackWithoutOverlapOnASphere() throws {
        // A UV sphere: curved everywhere, so many charts.
        var positions: [Vec3] = [], indices: [UInt32] = []
        let rings = 16, segments = 32
        for j in 0...rings {
            let phi = Double.pi * Double(j) / Double(rings)
            for k in 0..<segments {
                let theta = 2 * Double.pi * Double(k) / Double(segments)
                positions.append(Vec3(sin(phi) * cos(theta), cos(phi), sin(phi) * sin(theta)))
            }
        }
        func v(_ k: Int, _ j: Int) -> UInt32 { UInt32(j * segments + k % segments) }
        for j in 0..<rings {
            for k in 0..<segments {
                // The pole rings' vertices coincide: skip the triangles that would collapse there.
                if j > 0 { indices += [v(k, j), v(k + 1, j), v(k + 1, j + 1)] }
                if j < rings - 1 { indices += [v(k, j), v(k + 1, j + 1), v(k, j + 1)] }
            }
        }
        var options = AtlasOptions()
        options.resolution = 256
        let atlas = try generateUVAtlas(AtlasInputMesh(positions: positions, indices: indices), options: options)
        #expect(atlas.report.charts > 1)
        #expect(conflicts(atlas, resolution: 256) == 0)
        #expect(atlas.report.flippedTriangles == 0)
        #expect(atlas.report.utilization > 0.4)
    }

    @Test func outlineFootprintEqualsTheConservativeRasterOfEveryTriangle() {
        // A fan of random triangles around a centre (one chart): the column and row profiles
        // built from the outline edges must equal those of all triangles, rasterized one by one.
        var rng = SplitMix64(seed: 11)
        var uvs: [SIMD2<Double>] = [SIMD2(5, 5)]
        let k = 23
        for i in 0..<k {
            let angle = 2 * Double.pi * Double(i) / Double(k)
            let r = 2 + 3 * Double(rng.next() % 1000) / 1000
            uvs.append(SIMD2(5 + r * cos(angle), 5 + r * sin(angle)))
        }
        var triangles: [Int32] = []
        for i in 0..<k { triangles += [0, Int32(1 + i), Int32(1 + (i + 1) % k)] }
        let chart = PackingChart(uvs: uvs, triangles: triangles)
        #expect(chart.outline.count == k)
        for density in [0.7, 1.9, 3.3] {
            let fp = chartFootprint(chart, density: density, gutter: 0)
            var bottom = [Int32](repeating: .max, count: fp.width), top = [Int32](repeating: -1, count: fp.width)
            var left = [Int32](repeating: .max, count: fp.height), right = [Int32](repeating: -1, count: fp.height)
            for t in 0..<k {
                let p = (0..<3).map { uvs[Int(triangles[3 * t + $0])] * density + Double(fp.margin) }
                rasterizeConservative(p[0], p[1], p[2], width: fp.width, height: fp.height) { x, y in
                    bottom[x] = min(bottom[x], Int32(y)); top[x] = max(top[x], Int32(y))
                    left[y] = min(left[y], Int32(x)); right[y] = max(right[y], Int32(x))
                }
            }
            #expect(fp.bottom[0] == bottom && fp.top[0] == top, "columns at density \(density)")
            #expect(fp.rowLeft[0] == left && fp.rowRight[0] == right, "rows at density \(density)")
        }
    }
}
