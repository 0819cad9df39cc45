import Geometry
import Testing
@testable import Estimators
import Imaging
import Synthetic

@Suite struct AbsolutePoseTests {
    @Test func recoversKnownPoseWithNoiseAndOutliers() throws {
        let scene = SyntheticScene(seed: 3)
        var rng = SplitMix64(seed: 11)
        var p3: [Vec3] = [], p2: [Vec2] = []
        for (i, p) in scene.points.enumerated() {
            guard var px = scene.project(p, camera: 2) else { continue }
            px += Vec2(rng.nextGaussian(), rng.nextGaussian()) * 0.5
            if i % 4 == 0 { px = Vec2(Double.random(in: 0...1024, using: &rng), Double.random(in: 0...768, using: &rng)) }
            p3.append(p); p2.append(px)
        }
        let pose = try estimateAbsolutePose(points3D: p3, pixels: p2, intrinsics: scene.intrinsics,
                                            options: RansacOptions(maxErrorPixels: 3, seed: 1))
        let truth = scene.cameras[2]
        let rotErr = Quaternion.angleBetween(pose.cameraFromWorld.rotation, truth.rotation) * 180 / .pi
        let centerErr = distance(pose.cameraFromWorld.centerOfTargetInSource, truth.centerOfTargetInSource)
        #expect(rotErr < 0.1)
        #expect(centerErr < 0.02)          // 2 cm at 8 m
        #expect(pose.inlierCount >= p3.count * 7 / 10)
        #expect(pose.inlierCount <= p3.count * 8 / 10)
    }

    @Test func refinementConvergesFromPerturbedPose() throws {
        let scene = SyntheticScene(seed: 4)
        let pts = scene.points.filter { scene.project($0, camera: 0) != nil }
        let px = pts.map { scene.project($0, camera: 0)! }
        var start = scene.cameras[0]
        start.rotation = (Quaternion(axis: Vec3(0.3, 1, 0.1), angle: 0.03) * start.rotation).normalized
        start.translation += Vec3(0.1, -0.05, 0.2)
        let refined = try refineAbsolutePose(start, points3D: pts, pixels: px, intrinsics: scene.intrinsics)
        #expect(Quaternion.angleBetween(refined.rotation, scene.cameras[0].rotation) < 1e-6)
        #expect(distance(refined.translation, scene.cameras[0].translation) < 1e-6)
    }

    @Test func tooFewCorrespondencesIsAnError() {
        #expect(throws: VisionError.self) {
            _ = try estimateAbsolutePose(points3D: [.zero, .zero, .zero], pixels: [.zero, .zero, .zero],
                                         intrinsics: SyntheticScene(seed: 1).intrinsics)
        }
    }
}
