import Testing
@testable import Rendering

@Suite struct UVRasterizerTests {
    /// Two triangles splitting the unit square along its anti-diagonal:
    ///
    ///     (0,0) ── (1,0)
    ///       │  0  ╱  │
    ///       │   ╱ 1  │
    ///     (0,1) ── (1,1)
    let uvs: [SIMD2<Float>] = [SIMD2(0, 0), SIMD2(1, 0), SIMD2(0, 1), SIMD2(1, 1)]

    @Test func everyTexelCoveredExactlyOnceWithItsBarycentrics() {
        let both = UVRasterizer.rasterize(uvs: uvs, indices: [0, 1, 2, 1, 3, 2], width: 4, height: 4)
        #expect(both.coveredCount == 16)
        let first = UVRasterizer.rasterize(uvs: uvs, indices: [0, 1, 2], width: 4, height: 4)
        let second = UVRasterizer.rasterize(uvs: uvs, indices: [1, 3, 2], width: 4, height: 4)
        #expect(first.coveredCount + second.coveredCount == 16)
        // Texel (0, 0) has its centre at uv (0.125, 0.125): b1 = u, b2 = v on triangle 0.
        #expect(both.triangle[0] == 0 && both.barycentric[0] == SIMD2(0.125, 0.125))
        // Texel (3, 3) at (0.875, 0.875) lies in triangle 1.
        #expect(both.triangle[15] == 1)
        // Strictly below the diagonal (x + y < 3) is triangle 0's.
        for y in 0..<4 { for x in 0..<4 where x + y < 3 { #expect(both.triangle[y * 4 + x] == 0) } }
    }

    @Test func nonFiniteCoordinatesSkipTheTriangle() {
        let r = UVRasterizer.rasterize(uvs: [SIMD2(0, 0), SIMD2(.nan, 0), SIMD2(0, 1)], indices: [0, 1, 2], width: 4, height: 4)
        #expect(r.coveredCount == 0)
    }
}
