import Foundation
import Testing
@testable import AssetPipeline
import Synthetic

/// An n×n-quad grid in the XZ plane (y = 0), (n+1)² vertices, 2n² triangles, CCW seen from +Y.
///
///     0---1---2
///     | \ | \ |
///     3---4---5
///     | \ | \ |
///     6---7---8
func gridMesh(_ n: Int, uvSeamAtColumn seam: Int? = nil) -> Mesh {
    var positions: [SIMD3<Float>] = []
    var uvs: [SIMD2<Float>] = []
    for r in 0...n { for c in 0...n {
        positions.append(SIMD3(Float(c), 0, Float(r))); uvs.append(SIMD2(Float(c) / Float(n), Float(r) / Float(n)))
    } }
    var indices: [UInt32] = []
    func v(_ r: Int, _ c: Int) -> UInt32 { UInt32(r * (n + 1) + c) }
    for r in 0..<n { for c in 0..<n {
        indices += [v(r, c), v(r + 1, c + 1), v(r, c + 1), v(r, c), v(r + 1, c), v(r + 1, c + 1)]
    } }
    var mesh = Mesh(positions: positions, indices: indices)
    mesh.uv0 = uvs
    if let seam {
        // Duplicate the column `seam` for the triangles right of it, with shifted UVs.
        var copy: [Int: UInt32] = [:]
        for r in 0...n {
            let old = r * (n + 1) + seam
            copy[old] = UInt32(mesh.positions.count)
            mesh.positions.append(mesh.positions[old])
            mesh.uv0!.append(mesh.uv0![old] + SIMD2(0.5, 0))
        }
        // The right side's texture is shifted as a whole, so UVs are linear on each side.
        for v in 0..<((n + 1) * (n + 1)) where v % (n + 1) > seam { mesh.uv0![v].x += 0.5 }
        for t in 0..<mesh.triangleCount {
            let cols = (0..<3).map { Int(mesh.indices[3 * t + $0]) % (n + 1) }
            guard cols.min()! >= seam, cols.max()! > seam else { continue }
            for e in 0..<3 where Int(mesh.indices[3 * t + e]) % (n + 1) == seam && Int(mesh.indices[3 * t + e]) <= (n + 1) * (n + 1) - 1 {
                mesh.indices[3 * t + e] = copy[Int(mesh.indices[3 * t + e])]!
            }
        }
    }
    return mesh
}

/// A unit cube with 8 shared corners (12 triangles, closed).
func cubeMesh() -> Mesh {
    let p: [SIMD3<Float>] = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]]
    let i: [UInt32] = [0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 3, 7, 6, 3, 6, 2, 0, 4, 7, 0, 7, 3, 1, 2, 6, 1, 6, 5]
    return Mesh(positions: p, indices: i)
}

@Suite struct DecimationTests {
    @Test func subdividedPlaneCollapsesToTwoTriangles() throws {
        let (out, report) = try decimate(gridMesh(6), options: DecimationOptions(targetTriangleCount: 2, maxError: 1e-4))
        #expect(out.triangleCount == 2)
        #expect(report.trianglesIn == 72)
        // The four corners survive, exactly.
        let corners = Set(out.positions.map { [$0.x, $0.z] })
        #expect(corners == [[0, 0], [6, 0], [0, 6], [6, 6]])
        #expect(out.surfaceArea == 36)
    }

    @Test func cubeKeepsItsTwelveTriangles() throws {
        let (out, _) = try decimate(cubeMesh(), options: DecimationOptions(targetTriangleCount: 2, maxError: 0.01))
        #expect(out.triangleCount == 12)
        #expect(out.positions.count == 8)
    }

    @Test func uvSeamIsRespected() throws {
        let mesh = gridMesh(6, uvSeamAtColumn: 3)
        let (out, _) = try decimate(mesh, options: DecimationOptions(targetTriangleCount: 2, maxError: 1e-4))
        // The seam line x = 3 must survive: both of its ends (and the corners) remain, and
        // every vertex on it still has a copy on each side.
        let xs = Set(out.positions.map(\.x))
        #expect(xs == [0, 3, 6])
        #expect(out.triangleCount == 4)
        // UVs left of the seam are < 0.5 + ε, right of it (copies) ≥ 0.5.
        for t in 0..<out.triangleCount {
            let vs = (0..<3).map { Int(out.indices[3 * t + $0]) }
            let maxX = vs.map { out.positions[$0].x }.max()!
            if maxX > 3 { #expect(vs.allSatisfy { out.uv0![$0].x >= 0.5 - 1e-5 }) }
        }
    }

    @Test func lockedBordersStay() throws {
        var options = DecimationOptions(targetTriangleCount: 2, maxError: 1e-4)
        options.lockBorders = true
        let (out, _) = try decimate(gridMesh(4), options: options)
        // All 16 border vertices are locked; the 9 interior ones can go.
        #expect(out.positions.count == 16)
    }

    @Test func degenerateTrianglesGiveAWarningAndACleanResult() throws {
        var mesh = gridMesh(2)
        mesh.indices += [0, 0, 1, 0, 1, 2]   // repeated corner; collinear (zero area)
        let (out, report) = try decimate(mesh, options: DecimationOptions(targetRatio: 1))
        #expect(report.degenerateTrianglesRemoved == 2)
        #expect(report.warnings.first?.contains("degenerate") == true)
        #expect(out.triangleCount == 8)
        #expect(out.degenerateTriangleCount == 0)
    }

    @Test func skinWeightsStayValid() throws {
        var mesh = gridMesh(8)
        mesh.joints = mesh.positions.map { p in SIMD4(UInt16(p.x < 4 ? 0 : 1), UInt16(p.z < 4 ? 2 : 3), 4, 5) }
        mesh.weights = mesh.positions.map { p in let a = p.x / 8; return SIMD4(a * 0.5, (1 - a) * 0.5, 0.25, 0.25) }
        let (out, _) = try decimate(mesh, options: DecimationOptions(targetRatio: 0.25))
        for w in out.weights! {
            #expect(abs(w.sum() - 1) < 1e-5)
            #expect(w.min() >= 0)
        }
        let q = SkinWeights.quantize(SIMD4(0.333, 0.333, 0.334, 0), maxValue: 255)
        #expect(q.wrappedSum() == 255)
        let q2 = SkinWeights.quantize(SIMD4(0.1, 0.2, 0.3, 0.4), maxValue: 65535)
        #expect(q2.wrappedSum() == 65535)
    }

    @Test func closedSurfaceStaysManifoldAndUnflipped() throws {
        // A bumpy icosphere (20 480 triangles) to 2 %: many passes over closed fans.
        let mesh = TestMeshes.bumpySphere(subdivisions: 5, seed: 3)
        let (out, report) = try decimate(mesh, options: DecimationOptions(targetRatio: 0.02))
        #expect(out.triangleCount == Int((Double(mesh.triangleCount) * 0.02).rounded()))
        #expect(report.scratchBytes > 0)
        // Manifold and closed: every directed edge appears once, and its reverse once.
        var directed: [UInt64: Int] = [:]
        for t in 0..<out.triangleCount {
            for e in 0..<3 {
                let a = UInt64(out.indices[3 * t + e]), b = UInt64(out.indices[3 * t + (e + 1) % 3])
                directed[a << 32 | b, default: 0] += 1
            }
        }
        #expect(directed.values.allSatisfy { $0 == 1 })
        #expect(directed.keys.allSatisfy { directed[($0 & 0xFFFF_FFFF) << 32 | $0 >> 32] == 1 })
        // Unflipped: every face still points away from the centre (the sphere is star-shaped).
        for t in 0..<out.triangleCount {
            let p = (0..<3).map { SIMD3<Double>(out.positions[Int(out.indices[3 * t + $0])]) }
            let n = crossD(p[1] - p[0], p[2] - p[0])
            #expect((n * (p[0] + p[1] + p[2])).sum() > 0)
        }
    }

    @Test func badOptionsAreRejected() {
        #expect(throws: DecimationError.self) { _ = try decimate(cubeMesh(), options: DecimationOptions(targetRatio: 1.5)) }
        #expect(throws: DecimationError.self) { _ = try decimate(cubeMesh(), options: DecimationOptions()) }
    }
}
