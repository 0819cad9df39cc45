import Foundation
import Testing
import Geometry
import Motion
import Rendering
@testable import Anchoring
import GLTF
import Synthetic

@Suite struct CharacterPoserTests {
    func bounds(_ scene: Scene) -> (SIMD3<Float>, SIMD3<Float>) {
        var lo = SIMD3<Float>(repeating: .infinity), hi = -lo
        for m in scene.meshes { for p in m.positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) } }
        return (lo, hi)
    }

    @Test func proceduralHumanoidStandsOnItsFeetAtRest() throws {
        let poser = try CharacterPoser(asset: ProceduralHumanoid.characterAsset(), name: "humanoid")
        #expect(poser.isSkinned)
        let (lo, hi) = bounds(try poser.scene(animation: nil as Int?, time: 0))
        #expect(abs(lo.y) < 0.05)              // soles on y = 0
        #expect(hi.y > 1.5 && hi.y < 2.0)      // about 1.75 m tall
    }

    @Test(.enabled(if: SharedData.has("characters/CesiumMan.glb"), "needs ../shared/data/characters/CesiumMan.glb"))
    func animationMovesTheSkinnedMesh() throws {
        let url = try #require(SharedData.url("characters/CesiumMan.glb"))
        let poser = try CharacterPoser(asset: try GLTFAsset(contentsOf: url), name: "CesiumMan")
        #expect(poser.animationCount == 1)
        let duration = try poser.duration(ofAnimation: 0)
        #expect(duration > 0.5)
        let a = try poser.scene(animation: 0, time: 0), b = try poser.scene(animation: 0, time: duration / 2)
        #expect(a.meshes[0].positions.count == b.meshes[0].positions.count)
        let moved = zip(a.meshes[0].positions, b.meshes[0].positions).map { length(SIMD3<Double>($0 - $1)) }.max() ?? 0
        #expect(moved > 0.05)   // limbs swing by several centimetres
        #expect(a.textures.count == 1)
        // Y-up, about human height.
        let (lo, hi) = bounds(a)
        #expect(hi.y - lo.y > 1.2 && hi.y - lo.y < 2.2)
        #expect(throws: CharacterPoseError.self) { try poser.scene(animation: 3, time: 0) }
    }
}
