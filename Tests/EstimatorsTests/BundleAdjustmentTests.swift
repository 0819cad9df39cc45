import Geometry
import Testing
@testable import Estimators
import Synthetic

@Suite struct BundleAdjustmentTests {
    /// Perturb every pose but the gauge pair and every point; BA must return to the truth
    /// (up to the noise) with a final RMSE near the pixel noise.
    @Test func recoversPerturbedPosesAndPoints() throws {
        let scene = SyntheticScene(seed: 21, pointCount: 300, cameraCount: 6)
        var rng = SplitMix64(seed: 5)
        var obs: [BundleObservation] = []
        for (p, X) in scene.points.enumerated() {
            for c in 0..<scene.cameras.count {
                if let px = scene.project(X, camera: c) {
                    obs.append(BundleObservation(image: c, point: p, pixel: px + Vec2(rng.nextGaussian(), rng.nextGaussian()) * 0.3))
                }
            }
        }
        var poses = scene.cameras
        for i in 2..<poses.count {
            poses[i].rotation = (Quaternion(axis: Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()), angle: 0.02) * poses[i].rotation).normalized
            poses[i].translation += Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()) * 0.1
        }
        let points = scene.points.map { $0 + Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()) * 0.05 }
        // Gauge: image 0 fixed, image 1 fixed too (fixes the scale).
        var problem = BundleAdjustmentProblem(cameras: [scene.intrinsics], imageCamera: Array(repeating: 0, count: 6),
                                              cameraFromWorld: poses, points: points, observations: obs, fixedImages: [0, 1])
        let report = try bundleAdjust(&problem)
        #expect(report.initialRMSE > 5)
        #expect(report.finalRMSE < 0.45)   // √2 × 0.3 px noise, less the fitted dof
        for i in 0..<6 {
            #expect(Quaternion.angleBetween(problem.cameraFromWorld[i].rotation, scene.cameras[i].rotation) * 180 / .pi < 0.05)
            #expect(distance(problem.cameraFromWorld[i].centerOfTargetInSource, scene.cameras[i].centerOfTargetInSource) < 0.01)
        }
        let pointErrors = zip(problem.points, scene.points).map { distance($0, $1) }.sorted()
        #expect(pointErrors[pointErrors.count / 2] < 0.01)
    }

    @Test func refinesAWrongFocalLength() throws {
        let scene = SyntheticScene(seed: 8, pointCount: 300, cameraCount: 6)
        var obs: [BundleObservation] = []
        for (p, X) in scene.points.enumerated() {
            for c in 0..<scene.cameras.count { if let px = scene.project(X, camera: c) { obs.append(BundleObservation(image: c, point: p, pixel: px)) } }
        }
        var guess = scene.intrinsics
        guess.fx *= 1.05; guess.fy *= 1.05
        var problem = BundleAdjustmentProblem(cameras: [guess], imageCamera: Array(repeating: 0, count: 6),
                                              cameraFromWorld: scene.cameras, points: scene.points, observations: obs,
                                              fixedImages: [0])
        let report = try bundleAdjust(&problem, options: BundleAdjustmentOptions(maxIterations: 100, refineFocal: true, refineDistortion: true))
        #expect(report.finalRMSE < 0.05)
        #expect(abs(problem.cameras[0].fx - scene.intrinsics.fx) < 1.0)
        #expect(abs(problem.cameras[0].k1) < 0.01)
    }

    @Test func triangulationIsExactWithoutNoise() {
        let scene = SyntheticScene(seed: 2)
        for X in scene.points.prefix(50) {
            let views = (0..<scene.cameras.count).map { c -> TriangulationView in
                let pc = scene.cameras[c].apply(X)
                return TriangulationView(cameraFromWorld: scene.cameras[c], normalized: Vec2(pc.x / pc.z, pc.y / pc.z))
            }
            let Y = triangulatePoint(views)
            #expect(Y != nil && distance(Y!, X) < 1e-6)
        }
    }

    @Test func relativePoseMatchesTheTruth() throws {
        let scene = SyntheticScene(seed: 6, pointCount: 300)
        var p1: [Vec2] = [], p2: [Vec2] = []
        for X in scene.points { if let a = scene.project(X, camera: 0), let b = scene.project(X, camera: 3) { p1.append(a); p2.append(b) } }
        let rel = try estimateRelativePose(p1, p2, intrinsics1: scene.intrinsics, intrinsics2: scene.intrinsics,
                                           options: RansacOptions(maxErrorPixels: 1, seed: 3))
        let truth = scene.cameras[3] * scene.cameras[0].inverse
        #expect(Quaternion.angleBetween(rel.camera2FromCamera1.rotation, truth.rotation) * 180 / .pi < 0.01)
        #expect(dot(rel.camera2FromCamera1.translation, normalize(truth.translation)) > 0.9999)
        #expect(rel.inlierCount > p1.count * 95 / 100)
    }
}
