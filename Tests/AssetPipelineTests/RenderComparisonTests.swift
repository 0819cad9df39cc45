import Foundation
import Geometry
import Rendering
import Testing
@testable import AssetPipeline
import Imaging
import GLTF
import Synthetic

/// A bumpy sphere with spherical UVs and an embedded checker texture (shift: texture rolled
/// by `shift` texels to the right).
func checkerSphereAsset(shift: Int = 0, subdivisions: Int = 3) throws -> GLTFAsset {
    var mesh = TestMeshes.bumpySphere(subdivisions: subdivisions)
    mesh.uv0 = mesh.positions.map { p in
        let d = p / max(1e-9, (p * p).sum().squareRoot())
        return SIMD2(Float(0.5 + atan2(Double(d.z), Double(d.x)) / (2 * .pi)), Float(acos(Double(max(-1, min(1, d.y)))) / .pi))
    }
    var texture = Image8(width: 64, height: 64, channels: 3)
    for y in 0..<64 { for x in 0..<64 {
        let on = ((x + shift) / 8 + y / 8) % 2 == 0
        texture.pixels[(y * 64 + x) * 3] = on ? 230 : 30
        texture.pixels[(y * 64 + x) * 3 + 1] = on ? 200 : 60
        texture.pixels[(y * 64 + x) * 3 + 2] = UInt8(y * 4)
    } }
    var asset = try AssetLoader.makeAsset(mesh, materials: [OBJMaterial(name: "checker")], name: "sphere")
    asset.document.images.append(GLTFImage(uri: "checker.png", mimeType: "image/png"))
    asset.imageData[0] = try texture.encoded(.png)
    asset.document.textures.append(GLTFTexture(source: 0))
    asset.document.materials[0].pbrMetallicRoughness?.baseColorTexture = GLTFTextureInfo(index: 0)
    return asset
}

@Suite struct RenderComparisonTests {
    @Test func theSixViewsAreTheDocumentedDirections() {
        #expect(ComparisonView.allCases.count == 6)
        #expect(ComparisonView.plusX.direction == Vec3(1, 0, 0))
        #expect(ComparisonView.minusZ.direction == Vec3(0, 0, -1))
        for v in ComparisonView.allCases { #expect(abs(length(v.direction) - 1) < 1e-12) }
        #expect(abs(ComparisonView.elevatedPlusXPlusZ.direction.y - 0.5) < 1e-12)      // 30° up
        #expect(ComparisonView.elevatedMinusXMinusZ.direction.x < 0 && ComparisonView.elevatedMinusXMinusZ.direction.z < 0)
    }

    @Test func anAssetAgainstItselfScoresTheCap() throws {
        let asset = try checkerSphereAsset()
        var options = RenderComparisonOptions()
        options.size = 64
        let (report, images) = try compareRenders(asset, asset, options: options)
        #expect(report.views.count == 6 && images.count == 6)
        for v in report.views {
            #expect(v.psnr == 99 && v.psnrUnion == 99 && v.silhouetteMismatch == 0)
            #expect(v.pixels > 64 * 64 / 8)       // the sphere fills a good part of each view
        }
        #expect(report.meanPSNR == 99)
    }

    @Test func aShiftedTextureScoresLow() throws {
        var options = RenderComparisonOptions()
        options.size = 64
        options.viewCount = 2
        let (report, _) = try compareRenders(try checkerSphereAsset(), try checkerSphereAsset(shift: 8), options: options)
        // Half the checker flips between 230/200 and 30/60: MSE ≈ (200² + 140²)/3 ≈ 2e4 → ~5 dB.
        for v in report.views { #expect(v.psnr < 12) }
        // Same geometry: identical silhouettes.
        for v in report.views { #expect(v.silhouetteMismatch == 0) }
    }

    @Test func aTextureThatIsNotAnImageIsNamed() throws {
        var asset = try checkerSphereAsset()
        asset.imageData[0] = Data("not an image".utf8)
        #expect {
            _ = try compareRenders(asset, asset)
        } throws: { error in "\(error)".contains("checker.png") }
    }

    @Test(.enabled(if: SharedData.has("meshes/spot/spot_triangulated.obj"), "needs ../shared/data/meshes/spot"))
    func spotReBakedOntoANewAtlasRendersAsTheOriginal() throws {
        let url = try #require(SharedData.url("meshes/spot/spot_triangulated.obj"))
        let original = try AssetLoader.load(url)          // texture by convention: spot_texture.png
        #expect(original.document.images.first?.uri == "spot_texture.png")
        let (baked, _) = try applyAtlas(original: original, optimized: original, resolution: 512, bake: true)
        var options = RenderComparisonOptions()
        options.size = 256
        let (report, _) = try compareRenders(original, baked, options: options)
        #expect(report.minPSNR >= 30, "per view: \(report.views.map(\.psnr))")
    }
}
