import Geometry
import Testing
@testable import Estimators

@Suite struct SimilarityAlignmentTests {
    @Test func similarityAlignmentRecoversKnownTransform() throws {
        var rng = SplitMix64(seed: 7)
        let truth = Sim3(scale: 2.5, rotation: Quaternion(axis: Vec3(1, 2, 3), angle: 1.1),
                         translation: Vec3(4, -1, 0.5))
        let src = (0..<20).map { _ in Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()) }
        let dst = src.map { truth.apply($0) }
        let est = try #require(alignSimilarity(source: src, target: dst))
        #expect(abs(est.scale - 2.5) < 1e-9)
        #expect(Quaternion.angleBetween(est.rotation, truth.rotation) < 1e-9)
        #expect(distance(est.translation, truth.translation) < 1e-9)
    }
}
