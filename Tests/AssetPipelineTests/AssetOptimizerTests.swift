import Foundation
import Testing
@testable import AssetPipeline
import GLTF
import Synthetic

@Suite struct AssetOptimizerTests {
    @Test(.enabled(if: SharedData.has("characters/CesiumMan.glb"), "needs ../shared/data/characters/CesiumMan.glb"))
    func cesiumManAtHalfKeepsSkinAndAnimation() throws {
        let url = try #require(SharedData.url("characters/CesiumMan.glb"))
        let asset = try GLTFAsset(contentsOf: url)
        let (out, _, report) = try optimizeAsset(asset, options: AssetOptimizeOptions(decimation: DecimationOptions(targetRatio: 0.5)))
        #expect(report.output.triangles <= report.trianglesIn / 2 + 8)
        #expect(report.output.triangles >= report.trianglesIn / 2 - 64)
        // Written and read back: still valid, same skins, nodes and animations.
        let back = try GLTFAsset(data: try out.glbData(), baseURL: nil)
        #expect(back.document.skins.map(\.joints) == asset.document.skins.map(\.joints))
        #expect(back.document.nodes == asset.document.nodes)
        #expect(back.document.animations.count == asset.document.animations.count)
        for (a, b) in zip(asset.document.animations, back.document.animations) {
            #expect(a.channels == b.channels)
            for (sa, sb) in zip(a.samplers, b.samplers) {
                #expect(try asset.readFloats(accessor: sa.input) == back.readFloats(accessor: sb.input))
                #expect(try asset.readFloats(accessor: sa.output) == back.readFloats(accessor: sb.output))
            }
        }
        let jointCount = asset.document.skins[0].joints.count
        let prim = back.document.meshes[0].primitives[0]
        let weights = try back.readFloats(accessor: try #require(prim.attributes["WEIGHTS_0"]))
        let joints = try back.readUInt32(accessor: try #require(prim.attributes["JOINTS_0"]))
        for v in 0..<(weights.count / 4) {
            let w = weights[4 * v ..< 4 * v + 4]
            #expect(abs(w.reduce(0, +) - 1) < 1e-5)
            #expect(w.allSatisfy { $0 >= 0 })
            #expect(joints[4 * v ..< 4 * v + 4].allSatisfy { Int($0) < jointCount })
        }
        #expect(back.document.materials == asset.document.materials)
        #expect(prim.attributes.keys.sorted() == asset.document.meshes[0].primitives[0].attributes.keys.sorted())
    }

    @Test func lodChainDecreases() throws {
        let mesh = TestMeshes.bumpySphere(subdivisions: 3)
        let asset = try AssetLoader.makeAsset(mesh, materials: [OBJMaterial(name: "m")], name: "sphere")
        let (out, lods, report) = try optimizeAsset(asset, options: AssetOptimizeOptions(
            decimation: DecimationOptions(targetRatio: 0.5), lodRatios: [0.25, 0.1]))
        #expect(report.output.triangles == 640)
        #expect(report.lods.map(\.triangles) == [320, 128])
        #expect(lods.count == 2)
        #expect(try AssetSummary(out).triangles == 640)
        #expect(try AssetSummary(lods[1]).triangles == 128)
    }

    @Test func surfaceDistanceOfAShiftedPlane() throws {
        let a = gridMesh(4)
        var b = a
        b.positions = b.positions.map { $0 + SIMD3(0, 0.1, 0) }
        let d = SurfaceDistance.measure(a, b, samples: 2000)
        let diagonal = (32.0).squareRoot()
        #expect(abs(d.hausdorff - 0.1 / diagonal) < 1e-6)
        #expect(abs(d.rms - 0.1 / diagonal) < 1e-6)
        #expect(SurfaceDistance.measure(a, a, samples: 2000).hausdorff < 1e-12)
    }
}
