import Geometry
import LandmarkMap
import Testing
@testable import Reconstruction

/// `buildORBLayer` against ground truth: keyframes with known poses seeing known points.
@Suite struct ORBLayerTests {
    /// Three keyframes 2 m apart looking at points 8–12 m away; each point has one ORB
    /// descriptor, the same in every view, at its exact projection.
    struct Scene {
        var map: FeatureMap
        var features: [Int64: FeatureSet]
        var truth: [Vec3]
        let k = CameraIntrinsics(width: 1024, height: 768, fx: 880, fy: 880, cx: 511.5, cy: 383.5)

        init(pointCount: Int = 150, seed: UInt64 = 5) {
            var rng = SplitMix64(seed: seed)
            let poses = (0..<3).map { i in
                Rigid3(rotation: Quaternion(axis: Vec3(0, 1, 0), angle: Double(i - 1) * 0.08),
                       translation: Vec3(Double(i - 1) * -2, 0, 0))
            }
            let truth = (0..<pointCount).map { _ in
                Vec3(Double.random(in: -3...3, using: &rng), Double.random(in: -2...2, using: &rng),
                     Double.random(in: 8...12, using: &rng))
            }
            let descriptors = truth.map { _ in (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) } }
            var keyframes: [Keyframe] = [], sets: [Int64: FeatureSet] = [:]
            for (i, pose) in poses.enumerated() {
                let id = Int64(i + 1)
                keyframes.append(Keyframe(id: id, name: "\(i).png", cameraID: 1, cameraFromLandmark: pose))
                var keypoints: [Keypoint] = [], bytes: [UInt8] = []
                for (p, x) in truth.enumerated() {
                    let uv = k.project(pose.apply(x))!
                    keypoints.append(Keypoint(x: Float(uv.x), y: Float(uv.y), size: 31, angle: 0, response: 1))
                    bytes += descriptors[p]
                }
                sets[id] = FeatureSet(kind: .orb, keypoints: keypoints, descriptors: bytes, imageWidth: 1024, imageHeight: 768)
            }
            // SIFT points seen by all three keyframes make them covisible.
            let sift = (0..<40).map { p in
                MapPoint(id: Int64(p + 1), position: truth[p],
                         observations: (1...3).map { Observation(keyframeID: Int64($0), keypointIndex: Int32(p), pixel: .zero) })
            }
            self.truth = truth
            map = FeatureMap(metadata: MapMetadata(name: "scene"), cameras: [MapCamera(id: 1, intrinsics: k)],
                             keyframes: keyframes, points: sift)
            features = sets
        }
    }

    @Test func pointsLandOnTheTruePositions() throws {
        let scene = Scene()
        let points = try buildORBLayer(map: scene.map, features: scene.features)
        #expect(points.count == scene.truth.count)
        for point in points {
            #expect(point.observations.count == 3)
            let k = Int(point.observations[0].keypointIndex)
            #expect(distance(point.position, scene.truth[k]) < 1e-4, "point \(k) off by \(distance(point.position, scene.truth[k])) m")
            #expect(point.observations.allSatisfy { $0.descriptor.count == 32 && Int($0.keypointIndex) == k })
        }
    }

    @Test func aMatchOffTheEpipolarLineIsNotTriangulated() throws {
        var scene = Scene()
        // Point 7's keypoint in the middle keyframe moves 15 px across the epipolar line
        // (the baseline is horizontal, so vertically): its descriptor still matches.
        var middle = scene.features[2]!
        middle.keypoints[7].y += 15
        scene.features[2] = middle
        let points = try buildORBLayer(map: scene.map, features: scene.features)
        let seven = points.filter { $0.observations.contains { $0.keypointIndex == 7 && $0.keyframeID == 1 } }
        try #require(seven.count == 1, "the other two views still make point 7")
        #expect(seven[0].observations.map(\.keyframeID) == [1, 3])
        #expect(distance(seven[0].position, scene.truth[7]) < 1e-4)
    }

    @Test func keyframesThatShareNoPointsAreNotMatched() throws {
        var scene = Scene()
        scene.map.points = []   // no covisibility: no pair qualifies
        #expect(try buildORBLayer(map: scene.map, features: scene.features).isEmpty)
    }
}
