import Geometry
import LandmarkMap
import Testing
@testable import Reconstruction
import Estimators
import Synthetic

@Suite struct PriorAlignmentTests {
    @Test func robustSimilarityIgnoresAnOutlier() throws {
        let truth = Sim3(scale: 2.5, rotation: Quaternion(axis: Vec3(1, 2, 3), angle: 0.7), translation: Vec3(4, -1, 2))
        var rng = SplitMix64(seed: 1)
        let src = (0..<12).map { _ in Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()) }
        var dst = src.map { truth.apply($0) }
        dst[5] += Vec3(3, 0, 0)
        let fit = try #require(robustAlignSimilarity(source: src, target: dst, threshold: 0.01, seed: 2))
        #expect(abs(fit.transform.scale - 2.5) < 1e-9)
        #expect(fit.inliers.filter { $0 }.count == 11 && !fit.inliers[5])
    }

    @Test func alignToPriorsMakesTheMapMetric() throws {
        let scene = SyntheticScene(seed: 3, cameraCount: 6)
        // The map: the scene seen through an arbitrary similarity (its own gauge and scale).
        let mapFromWorld = Sim3(scale: 0.2, rotation: Quaternion(axis: Vec3(0, 0, 1), angle: 1), translation: Vec3(1, 2, 3))
        var map = FeatureMap(metadata: MapMetadata(name: "t"))
        for (i, c) in scene.cameras.enumerated() {
            map.keyframes.append(Keyframe(id: Int64(i + 1), name: "images/\(i).png", cameraID: 1,
                                          cameraFromLandmark: mapFromWorld.transformCameraPose(c)))
        }
        map.points = [MapPoint(id: 1, position: mapFromWorld.apply(scene.points[0]))]
        var centers: [String: Vec3] = [:]
        for (i, c) in scene.cameras.enumerated() { centers["\(i).png"] = c.centerOfTargetInSource }
        let text = try alignToPriors(&map, priors: CameraPriors(centers: centers))
        #expect(map.metadata.isMetric && text.contains("6 of 6"))
        for (k, c) in zip(map.keyframes, scene.cameras) {
            #expect(distance(k.center, c.centerOfTargetInSource) < 1e-6)
            #expect(Quaternion.angleBetween(k.cameraFromLandmark.rotation, c.rotation) < 1e-6)
        }
        #expect(distance(map.points[0].position, scene.points[0]) < 1e-6)
    }
}
