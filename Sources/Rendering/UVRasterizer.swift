/// Which triangle covers each texel of a texture-sized grid, and where on it: the first step
/// of texture baking. Texel (x, y) is covered when its centre, uv = ((x + 0.5) / width,
/// (y + 0.5) / height) with v down (glTF), lies inside a triangle's UV footprint (top-left
/// fill rule on shared edges).
public struct UVRaster: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Triangle index per texel (row-major); -1 where no triangle covers it.
    public var triangle: [Int32]
    /// Barycentric weights (b1, b2) of the texel centre on its triangle (b0 = 1 − b1 − b2);
    /// zero where uncovered. Linear in UV space (no perspective).
    public var barycentric: [SIMD2<Float>]

    /// The number of covered texels.
    public var coveredCount: Int { triangle.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
}

public enum UVRasterizer {
    /// Rasterizes triangles by their texture coordinates into a `width × height` grid.
    /// - Parameters:
    ///   - uvs: one texture coordinate per vertex (u right, v down, [0, 1] spans the grid);
    ///     coordinates outside [0, 1] are clipped, not wrapped; non-finite ones skip the triangle.
    ///   - indices: three vertex indices per triangle; each must be < `uvs.count`.
    ///   - width, height: the grid size in texels (> 0).
    /// - Returns: per texel, the covering triangle and its barycentrics. Where UV triangles
    ///   overlap, the later triangle wins.
    public static func rasterize(uvs: [SIMD2<Float>], indices: [UInt32], width: Int, height: Int) -> UVRaster {
        precondition(width > 0 && height > 0, "UV raster size must be positive")
        precondition(indices.count % 3 == 0, "index count must be a multiple of 3")
        var tri = [Int32](repeating: -1, count: width * height)
        var bary = [SIMD2<Float>](repeating: .zero, count: width * height)
        let w = Double(width), h = Double(height)
        tri.withUnsafeMutableBufferPointer { tp in
            bary.withUnsafeMutableBufferPointer { bp in
                for t in 0..<(indices.count / 3) {
                    let a = uvs[Int(indices[3 * t])], b = uvs[Int(indices[3 * t + 1])], c = uvs[Int(indices[3 * t + 2])]
                    guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite, c.x.isFinite, c.y.isFinite else { continue }
                    // Texel centres sit at integer sample positions: s = uv * size − 0.5.
                    forEachCoveredSample(Double(a.x) * w - 0.5, Double(a.y) * h - 0.5,
                                         Double(b.x) * w - 0.5, Double(b.y) * h - 0.5,
                                         Double(c.x) * w - 0.5, Double(c.y) * h - 0.5,
                                         rows: 0..<height, width: width) { x, y, _, w1, w2 in
                        let i = y * width + x
                        tp[i] = Int32(t)
                        bp[i] = SIMD2<Float>(Float(w1), Float(w2))
                    }
                }
            }
        }
        return UVRaster(width: width, height: height, triangle: tri, barycentric: bary)
    }
}
