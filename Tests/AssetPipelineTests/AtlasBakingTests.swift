@testable import AssetPipeline
import Foundation
import Geometry
import Rendering
import Testing
import Imaging

@Suite struct AtlasBakingTests {
    @Test func gutterFillingCopiesASingleTexelEverywhere() {
        var image = Image8(width: 5, height: 5, channels: 3)
        var covered = [Bool](repeating: false, count: 25)
        image.pixels[12 * 3] = 200; image.pixels[12 * 3 + 1] = 100; image.pixels[12 * 3 + 2] = 50
        covered[12] = true
        fillGutters(&image, covered: covered)
        for i in 0..<25 { #expect(Array(image.pixels[(3 * i)..<(3 * i + 3)]) == [200, 100, 50]) }
    }

    @Test func gutterFillingExtendsEachChartIntoItsNeighbours() {
        // Left half red, right half blue, a 4-texel empty band between them.
        let w = 12, h = 4
        var image = Image8(width: w, height: h, channels: 3)
        var covered = [Bool](repeating: false, count: w * h)
        for y in 0..<h {
            for x in 0..<4 { covered[y * w + x] = true; image.pixels[(y * w + x) * 3] = 255 }
            for x in 8..<12 { covered[y * w + x] = true; image.pixels[(y * w + x) * 3 + 2] = 255 }
        }
        fillGutters(&image, covered: covered, dilationRings: 1)
        for y in 0..<h {
            #expect(Array(image.pixels[((y * w + 4) * 3)..<((y * w + 4) * 3 + 3)]) == [255, 0, 0])  // next to red
            #expect(Array(image.pixels[((y * w + 7) * 3)..<((y * w + 7) * 3 + 3)]) == [0, 0, 255])  // next to blue
        }
        // Covered texels are untouched.
        #expect(Array(image.pixels[0..<3]) == [255, 0, 0])
    }

    /// A square of two triangles in the XZ plane, UV = (x, z).
    private func square() -> (positions: [Vec3], indices: [UInt32], uvs: [SIMD2<Double>]) {
        ([Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(1, 0, 1), Vec3(0, 0, 1)], [0, 3, 2, 0, 2, 1],
         [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1)])
    }

    private func psnr(_ a: Image8, _ b: Image8) -> Double {
        var se = 0.0
        for i in 0..<a.pixels.count { let d = Double(a.pixels[i]) - Double(b.pixels[i]); se += d * d }
        let mse = se / Double(a.pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    @Test func bakingAMeshOntoItselfWithTheIdentityMapReproducesTheTexture() throws {
        let n = 64
        var texture = Image8(width: n, height: n, channels: 3)
        var rng = SplitMix64(seed: 7)
        for i in 0..<texture.pixels.count { texture.pixels[i] = UInt8(truncatingIfNeeded: rng.next()) }
        let (positions, indices, uvs) = square()
        let source = BakeSource(positions: positions, indices: indices, uvs: uvs,
                                materials: [emissiveMaterial(texture)])
        let target = BakeTarget(positions: positions, indices: indices, uvs: uvs)
        var options = BakeOptions()
        options.resolution = n
        let baked = try bakeTextures(source: source, target: target, options: options)
        let base = try #require(baked.baseColor)
        #expect(psnr(base, texture) > 50)
        #expect(psnr(try #require(baked.emissive), texture) > 50)
        #expect(baked.covered.allSatisfy { $0 })
        #expect(baked.closestPointFallbacks == 0)
        // A flat surface's tangent-space normal is +Z: (128, 128, 255).
        let normal = try #require(baked.normal)
        #expect(stride(from: 0, to: normal.pixels.count, by: 3).allSatisfy {
            normal.pixels[$0] == 128 && normal.pixels[$0 + 1] == 128 && normal.pixels[$0 + 2] == 255
        })
        // No metallic-roughness texture: the factors (1, 1) in G and B.
        #expect(baked.metallicRoughness?.pixels[1] == 255 && baked.metallicRoughness?.pixels[2] == 255)
    }

    @Test func theNearestHitAlongTheNormalWinsOverACloserLayerFromTheCage() throws {
        // Two parallel unit squares, z = 0 (facing +z) and z = 0.02 (facing +z): from a point
        // just above the lower one, the line along +z meets the lower square 0.001 away and the
        // upper one 0.019 away; the first hit from a cage at +0.05 would be the upper one.
        let positions: [Vec3] = [Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(1, 1, 0), Vec3(0, 1, 0),
                                 Vec3(0, 0, 0.02), Vec3(1, 0, 0.02), Vec3(1, 1, 0.02), Vec3(0, 1, 0.02)]
        let indices: [UInt32] = [0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7]
        let bvh = SurfaceBVH(positions: positions, indices: indices)
        let origin = Vec3(0.3, 0.6, 0.001), up = Vec3(0, 0, 1)
        let nearest = try #require(bvh.intersectNearest(origin: origin, direction: up, maxDistance: 0.05))
        #expect(nearest.triangle < 2)
        #expect(abs(nearest.t + 0.001) < 1e-12)
        let fromCage = try #require(bvh.intersect(origin: origin + up * 0.05, direction: -up, tMin: 0, tMax: 0.1))
        #expect(fromCage.triangle >= 2)
        // Facing: only triangles whose normal agrees count; none within reach facing down.
        #expect(bvh.intersectNearest(origin: origin, direction: up, maxDistance: 0.05, facing: -up) == nil)
        #expect(bvh.intersectNearest(origin: origin, direction: up, maxDistance: 0.0005) == nil)
    }

    @Test func bakingAPanelUnderAnotherPartKeepsThePanelsOwnColour() throws {
        // Source: a red square at z = 0 and a green one 1 % of the diagonal in front of it
        // (within the 2 % cage). Target: the red square alone. Every texel must stay red.
        let positions: [Vec3] = [Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(1, 1, 0), Vec3(0, 1, 0),
                                 Vec3(0, 0, 0.015), Vec3(1, 0, 0.015), Vec3(1, 1, 0.015), Vec3(0, 1, 0.015)]
        let indices: [UInt32] = [0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7]
        var red = BakeMaterial(), green = BakeMaterial()
        red.baseColorFactor = SIMD4(1, 0, 0, 1); green.baseColorFactor = SIMD4(0, 1, 0, 1)
        let source = BakeSource(positions: positions, indices: indices, materialOfTriangle: [0, 0, 1, 1], materials: [red, green])
        let uvs = positions[0..<4].map { SIMD2($0.x, 1 - $0.y) }
        let target = BakeTarget(positions: Array(positions[0..<4]), indices: [0, 1, 2, 0, 2, 3], uvs: uvs)
        var options = BakeOptions()
        options.resolution = 32
        options.bakeNormal = false; options.bakeMetallicRoughness = false; options.bakeEmissive = false
        let baked = try bakeTextures(source: source, target: target, options: options)
        let base = try #require(baked.baseColor)
        #expect(baked.covered.allSatisfy { $0 })
        #expect(stride(from: 0, to: base.pixels.count, by: 3).allSatisfy { base.pixels[$0] == 255 && base.pixels[$0 + 1] == 0 })
    }

    @Test func bakingOntoANewAtlasKeepsTheColours() throws {
        // Source: a 4×4 plane whose UVs span a colour gradient; target: the same plane re-unwrapped.
        let mesh = AtlasFixtures.plane(4)
        let uvs = mesh.positions.map { SIMD2($0.x / 4, $0.z / 4) }
        var texture = Image8(width: 32, height: 32, channels: 3)
        for y in 0..<32 { for x in 0..<32 { texture.pixels[(y * 32 + x) * 3] = UInt8(x * 8); texture.pixels[(y * 32 + x) * 3 + 1] = UInt8(y * 8) } }
        var atlasOptions = AtlasOptions()
        atlasOptions.resolution = 128
        let atlas = try generateUVAtlas(mesh, options: atlasOptions)
        let source = BakeSource(positions: mesh.positions, indices: mesh.indices, uvs: uvs, materials: [BakeMaterial(baseColor: texture)])
        let target = BakeTarget(positions: atlas.vertexSource.map { mesh.positions[Int($0)] }, indices: atlas.indices, uvs: atlas.uvs)
        var options = BakeOptions()
        options.resolution = 128
        let baked = try bakeTextures(source: source, target: target, options: options)
        let base = try #require(baked.baseColor)
        // Every covered texel's colour equals the source texture sampled at the same surface point.
        var worst = 0.0
        for t in 0..<(atlas.indices.count / 3) {
            let a = Int(atlas.indices[3 * t]), b = Int(atlas.indices[3 * t + 1]), c = Int(atlas.indices[3 * t + 2])
            let centroidUV = (atlas.uvs[a] + atlas.uvs[b] + atlas.uvs[c]) / 3
            let sourceUV = (uvs[Int(atlas.vertexSource[a])] + uvs[Int(atlas.vertexSource[b])] + uvs[Int(atlas.vertexSource[c])]) / 3
            let expected = sampleBilinear(texture, sourceUV) * 255
            let got = sampleBilinear(base, centroidUV) * 255
            worst = max(worst, abs(expected.x - got.x), abs(expected.y - got.y))
        }
        #expect(worst < 6, "largest colour difference \(worst)")
    }

    @Test func bakingRefusesMismatchedInput() {
        let (positions, indices, uvs) = square()
        let source = BakeSource(positions: positions, indices: indices, materials: [])
        let badTarget = BakeTarget(positions: positions, indices: indices, uvs: Array(uvs.prefix(3)))
        #expect(throws: BakeError.invalidMesh(which: "target", reason: "uvs has 3 entries for 4 vertices")) {
            try bakeTextures(source: source, target: badTarget)
        }
        var nanUV = uvs
        nanUV[1].x = .nan
        #expect(throws: BakeError.self) { try bakeTextures(source: source, target: BakeTarget(positions: positions, indices: indices, uvs: nanUV)) }
    }
}

/// A material whose base colour and emissive are both `texture` (emissive factor 1).
private func emissiveMaterial(_ texture: Image8) -> BakeMaterial {
    var m = BakeMaterial(baseColor: texture, emissive: texture)
    m.emissiveFactor = SIMD3(1, 1, 1)
    return m
}
