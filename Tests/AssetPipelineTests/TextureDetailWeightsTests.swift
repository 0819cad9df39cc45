import Foundation
import Rendering
import Testing
@testable import AssetPipeline
import Imaging
import Synthetic

/// An 8 × 4 RGB image: columns 0–3 black, 4–7 white (a vertical step edge).
private func stepImage() -> Image8 {
    var image = Image8(width: 8, height: 4, channels: 3)
    for y in 0..<4 { for x in 4..<8 { for c in 0..<3 { image.pixels[(y * 8 + x) * 3 + c] = 255 } } }
    return image
}

/// Two triangles of equal area (0.5 each) side by side; the first maps to the black half of
/// `stepImage` away from the edge (u ≤ 0.3, texels 0–2), the second across the edge.
private func twoTriangles() -> AssetPipeline.Mesh {
    var mesh = AssetPipeline.Mesh(positions: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0),
                                SIMD3(2, 0, 0), SIMD3(3, 0, 0), SIMD3(2, 1, 0)],
                    indices: [0, 1, 2, 3, 4, 5])
    mesh.uv0 = [SIMD2(0, 0), SIMD2(0.3, 0), SIMD2(0, 1),
                SIMD2(0.3, 0), SIMD2(1, 0), SIMD2(0.3, 1)]
    return mesh
}

@Suite struct TextureDetailWeightsTests {
    @Test func squaredGradientOfAStepEdge() {
        let g = squaredGradientImage(stepImage())
        // Central differences across the edge: (255 − 0)² per channel at x = 3 and x = 4,
        // divided by (2 · 255)² → exactly 1/4; zero everywhere else.
        for y in 0..<4 {
            for x in 0..<8 {
                #expect(g[y * 8 + x] == (x == 3 || x == 4 ? 0.25 : 0), "texel \(x), \(y)")
            }
        }
    }

    @Test func boxBlurSpreadsAPeakEvenly() {
        var image = [Float](repeating: 0, count: 25)
        image[12] = 9                                    // the centre of a 5 × 5 image
        let blurred = boxBlurred(image, width: 5, height: 5, radius: 1)
        for y in 0..<5 {
            for x in 0..<5 {
                let inside = (1...3).contains(x) && (1...3).contains(y)
                #expect(abs(blurred[y * 5 + x] - (inside ? 1 : 0)) < 1e-6, "texel \(x), \(y)")
            }
        }
        #expect(boxBlurred(image, width: 5, height: 5, radius: 0) == image)
    }

    @Test func weightsFollowTheTextureEdge() throws {
        let gradient = squaredGradientImage(stepImage())
        let weights = try #require(textureDetailWeights(mesh: twoTriangles(), strength: 4) { _ in
            (gradient, 8, 4, 0)
        })
        // The flat triangle has no gradient: weight 1. The edge triangle holds all of it; with
        // equal areas its gradient is twice the area-weighted mean: 1 + 4 · 2 = 9.
        #expect(weights == [1, 9])
        // No texture or no strength: no weights.
        #expect(textureDetailWeights(mesh: twoTriangles(), strength: 0) { _ in (gradient, 8, 4, 0) } == nil)
        #expect(textureDetailWeights(mesh: twoTriangles(), strength: 4) { _ in nil } == nil)
        // An untextured triangle weighs 1; the textured one alone is the mean: 1 + 4 · 1.
        let partial = textureDetailWeights(mesh: twoTriangles(), strength: 4) { t in t == 1 ? (gradient, 8, 4, 0) : nil }
        #expect(partial == [1, 5])
    }

    @Test func weightsOfOneChangeNothing() throws {
        let mesh = TestMeshes.bumpySphere(subdivisions: 3, seed: 2)
        let plain = try decimate(mesh, options: DecimationOptions(targetRatio: 0.25)).mesh
        var options = DecimationOptions(targetRatio: 0.25)
        options.triangleWeights = [Float](repeating: 1, count: mesh.triangleCount)
        let weighted = try decimate(mesh, options: options).mesh
        #expect(weighted.indices == plain.indices)
        #expect(weighted.positions == plain.positions)
    }

    @Test func heavierTrianglesKeepMoreOfTheSurface() throws {
        let mesh = TestMeshes.bumpySphere(subdivisions: 4, seed: 2)
        func centroidX(_ m: AssetPipeline.Mesh, _ t: Int) -> Float {
            (m.positions[Int(m.indices[3 * t])].x + m.positions[Int(m.indices[3 * t + 1])].x + m.positions[Int(m.indices[3 * t + 2])].x) / 3
        }
        var options = DecimationOptions(targetRatio: 0.2)
        options.triangleWeights = (0..<mesh.triangleCount).map { centroidX(mesh, $0) > 0 ? 20 : 1 }
        let out = try decimate(mesh, options: options).mesh
        let heavy = (0..<out.triangleCount).filter { centroidX(out, $0) > 0 }.count
        let light = out.triangleCount - heavy
        #expect(Double(heavy) > 1.5 * Double(light), "heavy side \(heavy) triangles, light side \(light)")
    }

    @Test func badWeightsAreRejected() {
        let mesh = gridMesh(2)
        var options = DecimationOptions(targetRatio: 0.5)
        options.triangleWeights = [1, 1]
        #expect(throws: DecimationError.self) { _ = try decimate(mesh, options: options) }
        options.triangleWeights = [Float](repeating: 1, count: mesh.triangleCount)
        options.triangleWeights![3] = -1
        #expect(throws: DecimationError.self) { _ = try decimate(mesh, options: options) }
        options.triangleWeights![3] = .nan
        #expect(throws: DecimationError.self) { _ = try decimate(mesh, options: options) }
    }

    /// The textured bar, as a regression test: spot to 20 % keeps its texture mapping
    /// (every one of the six views ≥ 30 dB over the object's interior) and its seams closed
    /// (welded on position, every edge of the closed input still has exactly two triangles).
    @Test(.enabled(if: SharedData.has("meshes/spot/spot_triangulated.obj"), "needs ../shared/data/meshes/spot"))
    func spotToTwentyPercentKeepsItsTextureInPlace() throws {
        let url = try #require(SharedData.url("meshes/spot/spot_triangulated.obj"))
        let original = try AssetLoader.load(url)          // texture by convention: spot_texture.png
        var options = AssetOptimizeOptions(decimation: DecimationOptions(targetRatio: 0.2, maxError: 0.01))
        let (detailed, _, _) = try optimizeAsset(original, options: options)
        options.textureDetail = 0
        let (plain, _, _) = try optimizeAsset(original, options: options)
        let (report, _) = try compareRenders(original, detailed)
        let (plainReport, _) = try compareRenders(original, plain)
        #expect(report.minPSNR >= 30, "per view: \(report.views.map(\.psnr))")
        #expect(report.meanPSNR > plainReport.meanPSNR + 2, "with \(report.meanPSNR) dB, without \(plainReport.meanPSNR) dB")

        let mesh = try AssetLoader.worldMesh(detailed)
        #expect(mesh.triangleCount == 1171 || mesh.triangleCount == 1170)
        var ids: [SIMD3<Float>: Int] = [:]
        var welded: [Int] = []
        for p in mesh.positions {
            if ids[p] == nil { ids[p] = ids.count }
            welded.append(ids[p]!)
        }
        var edgeUses: [Int: Int] = [:]
        for t in 0..<mesh.triangleCount {
            for e in 0..<3 {
                let a = welded[Int(mesh.indices[3 * t + e])], b = welded[Int(mesh.indices[3 * t + (e + 1) % 3])]
                edgeUses[Swift.min(a, b) << 32 | Swift.max(a, b), default: 0] += 1
            }
        }
        #expect(edgeUses.values.allSatisfy { $0 == 2 }, "edges not shared by exactly two triangles: \(edgeUses.values.filter { $0 != 2 }.count)")
    }
}
