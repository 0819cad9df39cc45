@testable import AssetPipeline
import CVBridge
import Foundation
import Geometry
import Testing

@Suite struct AtlasParameterizationTests {
    @Test func sparseLeastSquaresSolvesAnOverdeterminedSystemExactly() throws {
        // A = [1 0; 0 1; 1 1], b = (1, 2, 3): consistent, x = (1, 2).
        let entries = [cvb_triplet(row: 0, col: 0, value: 1), cvb_triplet(row: 1, col: 1, value: 1),
                       cvb_triplet(row: 2, col: 0, value: 1), cvb_triplet(row: 2, col: 1, value: 1)]
        let x = try #require(sparseLeastSquares(rows: 3, columns: 2, entries: entries, rhs: [1, 2, 3]).x)
        #expect(abs(x[0] - 1) < 1e-12 && abs(x[1] - 2) < 1e-12)
        // Inconsistent: x minimizes the residual, the mean of 1 and 3.
        let y = try #require(sparseLeastSquares(rows: 2, columns: 1, entries: [cvb_triplet(row: 0, col: 0, value: 1), cvb_triplet(row: 1, col: 0, value: 1)], rhs: [1, 3]).x)
        #expect(abs(y[0] - 2) < 1e-12)
    }

    @Test func sparseLeastSquaresRejectsSingularAndOutOfRangeInput() {
        // Column 1 has no entry.
        let singular = sparseLeastSquares(rows: 1, columns: 2, entries: [cvb_triplet(row: 0, col: 0, value: 1)], rhs: [1])
        #expect(singular.x == nil && singular.message.contains("column 1"))
        let outside = sparseLeastSquares(rows: 1, columns: 1, entries: [cvb_triplet(row: 3, col: 0, value: 1)], rhs: [1])
        #expect(outside.x == nil && outside.message.contains("outside"))
    }

    @Test func flatSquareParameterizesWithoutStretchOrFlips() throws {
        let atlas = try generateUVAtlas(AtlasFixtures.plane(8))
        #expect(atlas.report.charts == 1)
        #expect(abs(atlas.report.l2Stretch - 1) < 1e-9)
        #expect(atlas.report.flippedTriangles == 0)
        #expect(atlas.report.selfOverlapTexels == 0)
        // An isometry up to scale: every UV distance is the 3D distance times texelsPerUnit / N.
        let scale = atlas.report.texelsPerUnit / Double(atlas.report.resolution)
        let mesh = AtlasFixtures.plane(8)
        for t in stride(from: 0, to: atlas.indices.count, by: 3) {
            let a = Int(atlas.indices[t]), b = Int(atlas.indices[t + 1])
            let d3 = distance(mesh.positions[Int(atlas.vertexSource[a])], mesh.positions[Int(atlas.vertexSource[b])])
            #expect(abs(length(atlas.uvs[a] - atlas.uvs[b]) - d3 * scale) < 1e-9)
        }
    }

    @Test func lscmOnACylinderCutOpenIsConformal() throws {
        let mesh = AtlasFixtures.cylinder(segments: 24, rings: 6)
        let topo = buildAtlasTopology(mesh)
        // The seam is a border: 6 rings × 2 sides of the cut, plus top and bottom.
        #expect(topo.neighbours.filter { $0 < 0 }.count == 2 * 6 + 2 * 24)
        var scratch = [Int32](repeating: -1, count: topo.faceCount)
        let faces = (0..<Int32(topo.faceCount)).map { $0 }
        let uv = try lscmParameterize(faces, topo, chart: 0, scratch: &scratch)
        var worst = 0.0
        for (i, _) in faces.enumerated() {
            let l = (0..<3).map { Int(uv.localCorners[3 * i + $0]) }
            let q = l.map { topo.weldedPositions[Int(uv.vertices[$0])] }
            let (z0, z1, z2) = localFrame(q[0], q[1], q[2])
            let p = l.map { uv.uvs[$0] }
            #expect(signedArea(p[0], p[1], p[2]) > 0)
            // J = [p1-p0, p2-p0] · [z1-z0, z2-z0]⁻¹ is conformal iff J = [a -b; b a].
            let e1 = z1 - z0, e2 = z2 - z0, f1 = p[1] - p[0], f2 = p[2] - p[0]
            let det = e1.x * e2.y - e2.x * e1.y
            let a = (f1.x * e2.y - f2.x * e1.y) / det, b = (f2.x * e1.x - f1.x * e2.x) / det
            let c = (f1.y * e2.y - f2.y * e1.y) / det, d = (f2.y * e1.x - f1.y * e2.x) / det
            let norm = (a * a + b * b + c * c + d * d).squareRoot()
            worst = max(worst, (abs(a - d) + abs(b + c)) / norm)
        }
        #expect(worst < 1e-6, "largest conformal deviation \(worst)")
    }

    @Test func zeroAreaTrianglesAreSkippedWithAWarning() throws {
        var mesh = AtlasFixtures.plane(2)
        mesh.positions.append(Vec3(5, 0, 5))
        let extra = UInt32(mesh.positions.count - 1)
        mesh.indices += [extra, extra, 0]
        let atlas = try generateUVAtlas(mesh)
        #expect(atlas.report.skippedZeroAreaTriangles == 1)
        #expect(atlas.report.warnings.contains { $0.contains("zero-area") })
        #expect(atlas.indices.count == mesh.indices.count)
        #expect(atlas.chartOfTriangle.last == -1)
        #expect(atlas.report.flippedTriangles == 0)
    }

    @Test func badInputIsRefusedByName() {
        var nan = AtlasFixtures.plane(1)
        nan.positions[2].y = .nan
        #expect(throws: AtlasError.nonFiniteValue(field: "position", vertex: 2)) { try generateUVAtlas(nan) }
        var outOfRange = AtlasFixtures.plane(1)
        outOfRange.indices[4] = 99
        #expect(throws: AtlasError.indexOutOfRange(triangle: 1, index: 99, vertexCount: 4)) { try generateUVAtlas(outOfRange) }
        var uvNaN = AtlasFixtures.plane(1)
        uvNaN.uvs = [SIMD2(0, 0), SIMD2(.nan, 0), SIMD2(0, 1), SIMD2(1, 1)]
        #expect(throws: AtlasError.nonFiniteValue(field: "uv", vertex: 1)) { try generateUVAtlas(uvNaN) }
        let degenerate = AtlasInputMesh(positions: [Vec3(0, 0, 0), Vec3(1, 0, 0)], indices: [0, 1, 1])
        #expect(throws: AtlasError.noValidTriangles(triangles: 1)) { try generateUVAtlas(degenerate) }
        var options = AtlasOptions()
        options.resolution = 4
        #expect(throws: AtlasError.self) { try generateUVAtlas(AtlasFixtures.plane(1), options: options) }
    }
}
