import Foundation
import struct Imaging.Image8
import enum Imaging.ImageError
import Testing
@testable import AssetPipeline
import Imaging
import GLTF
import Synthetic

/// Issue 6's bad inputs for the atlas, bake and export steps: a clear error naming the problem,
/// or the documented fallback; never an output file (the CLI writes only after every step
/// succeeded, atomically).
@Suite struct AssetBadInputTests {
    /// A quad plus one triangle, with UVs, written as OBJ (+ MTL naming `texture`).
    func writeOBJ(in dir: URL, uvLine3: String = "vt 1 1", texture: String?) throws -> URL {
        var obj = texture == nil ? "" : "mtllib m.mtl\nusemtl m\n"
        obj += "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 0 0 1\nvt 0 0\nvt 1 0\n\(uvLine3)\nvt 0 1\nvt 0.5 0.5\n"
        obj += "f 1/1 2/2 3/3\nf 1/1 3/3 4/4\nf 1/1 5/5 2/2\n"
        let url = dir.appendingPathComponent("m.obj")
        try Data(obj.utf8).write(to: url)
        if let texture { try Data("newmtl m\nmap_Kd \(texture)\n".utf8).write(to: dir.appendingPathComponent("m.mtl")) }
        return url
    }

    @Test func aTextureThatIsNotAnImageIsNamedWhenBaking() throws {
        let dir = try SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("this is not a png".utf8).write(to: dir.appendingPathComponent("fake.png"))
        let asset = try AssetLoader.load(try writeOBJ(in: dir, texture: "fake.png"))
        #expect { _ = try applyAtlas(original: asset, optimized: asset, resolution: 64, bake: true) } throws: { error in
            error is ImageError && "\(error)".contains("fake.png")
        }
    }

    @Test func nanTextureCoordinatesAreRefusedWithTheFileAndVertex() throws {
        let dir = try SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try writeOBJ(in: dir, uvLine3: "vt nan nan", texture: nil)
        #expect(throws: MeshError.parse(file: "m.obj", line: 0, reason: "vertex 2 has a NaN or infinite texture coordinate (uv0)")) {
            _ = try AssetLoader.load(url, texture: .none)
        }
        // The same in a glTF primitive: named by mesh and primitive, for decimation and unwrapping.
        var mesh = Mesh(positions: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0)], indices: [0, 1, 2])
        mesh.uv0 = [SIMD2(0, 0), SIMD2(.nan, 0), SIMD2(0, 1)]
        var asset = GLTFAsset()
        let prim = asset.appendPrimitive(mesh, like: GLTFPrimitive())
        asset.document.meshes = [GLTFMesh(name: "t", primitives: [prim])]
        let expected = GLTFError.invalidPrimitive(mesh: 0, primitive: 0, reason: "vertex 1 has a NaN or infinite texture coordinate (uv0)")
        #expect(throws: expected) { _ = try unwrapAsset(asset) }
        #expect(throws: expected) {
            _ = try optimizeAsset(asset, options: AssetOptimizeOptions(decimation: DecimationOptions(targetRatio: 0.5)))
        }
    }

    @Test func noUVsAndNoTexturesBakesTheConstantColourAndTheNormalMap() throws {
        // Documented fallback: the atlas is made, base colour is the material's constant colour.
        var mesh = TestMeshes.bumpySphere(subdivisions: 2)
        mesh.uv0 = nil
        var material = OBJMaterial(name: "red")
        material.diffuse = SIMD3(0.8, 0.2, 0.1)
        let asset = try AssetLoader.makeAsset(mesh, materials: [material], name: "plain")
        let (baked, report) = try applyAtlas(original: asset, optimized: asset, resolution: 64, bake: true)
        #expect(report.lines.contains { $0.contains("no texture coordinates and no textures") })
        let mat = try #require(baked.document.materials.last)
        let base = try #require(try baked.decodedImage(mat.pbrMetallicRoughness?.baseColorTexture))
        #expect(mat.normalTexture != nil)
        // Every texel (charts and dilated gutters) holds the constant colour 0.8, 0.2, 0.1.
        for i in stride(from: 0, to: base.pixels.count, by: 3) {
            #expect(abs(Int(base.pixels[i]) - 204) <= 1 && abs(Int(base.pixels[i + 1]) - 51) <= 1 && abs(Int(base.pixels[i + 2]) - 26) <= 1)
        }
    }
}
