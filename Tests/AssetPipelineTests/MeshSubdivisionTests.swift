import Testing
@testable import AssetPipeline

@Suite struct MeshSubdivisionTests {
    /// A unit square as two triangles sharing the diagonal 0–2, skinned to two joints.
    func square() -> Mesh {
        var m = Mesh(positions: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(1, 1, 0), SIMD3(0, 1, 0)],
                     indices: [0, 1, 2, 0, 2, 3])
        m.normals = Array(repeating: SIMD3(0, 0, 1), count: 4)
        m.uv0 = [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1)]
        m.joints = [SIMD4(1, 0, 0, 0), SIMD4(2, 0, 0, 0), SIMD4(2, 0, 0, 0), SIMD4(1, 3, 0, 0)]
        m.weights = [SIMD4(1, 0, 0, 0), SIMD4(1, 0, 0, 0), SIMD4(1, 0, 0, 0), SIMD4(0.5, 0.5, 0, 0)]
        m.materialIDs = [0, 1]
        return m
    }

    @Test func fourTrianglesPerTriangleAndSharedEdgeMidpoints() throws {
        let s = square().subdivided()
        #expect(s.triangleCount == 8)
        #expect(s.vertexCount == 4 + 5)          // 5 distinct edges, the diagonal shared
        #expect(abs(s.surfaceArea - 1) < 1e-6)   // the surface does not move
        #expect(s.materialIDs == [0, 0, 0, 0, 1, 1, 1, 1])
        try s.validate()
        // The diagonal's midpoint, with its UV at the middle of the texture.
        let centre = try #require(s.positions.firstIndex(of: SIMD3(0.5, 0.5, 0)))
        #expect(s.uv0?[centre] == SIMD2(0.5, 0.5))
        #expect(s.normals?[centre] == SIMD3(0, 0, 1))
    }

    @Test func skinInfluencesMergeAndSumToOne() throws {
        let s = square().subdivided()
        // Between vertex 0 (joint 1) and vertex 1 (joint 2): half each.
        let i01 = try #require(s.positions.firstIndex(of: SIMD3(0.5, 0, 0)))
        let joints = try #require(s.joints), weights = try #require(s.weights)
        #expect(Set([joints[i01][0], joints[i01][1]]) == [1, 2])
        #expect(abs(weights[i01][0] - 0.5) < 1e-6 && abs(weights[i01][1] - 0.5) < 1e-6)
        // Between vertex 0 (joint 1: 1) and vertex 3 (joints 1, 3: 0.5 each): 0.75 and 0.25.
        let i03 = try #require(s.positions.firstIndex(of: SIMD3(0, 0.5, 0)))
        #expect(joints[i03][0] == 1 && abs(weights[i03][0] - 0.75) < 1e-6)
        #expect(joints[i03][1] == 3 && abs(weights[i03][1] - 0.25) < 1e-6)
        for w in weights { #expect(abs(w.sum() - 1) < 1e-6) }
    }
}
