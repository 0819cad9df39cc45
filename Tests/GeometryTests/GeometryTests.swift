import Foundation
import Testing
@testable import Geometry

@Suite struct GeometryTests {
    @Test func rigidCompositionAndInverse() {
        var rng = SplitMix64(seed: 1)
        for _ in 0..<50 {
            let q = Quaternion(axis: Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()),
                               angle: Double.random(in: -3...3, using: &rng))
            let bFromA = Rigid3(rotation: q, translation: Vec3(1, -2, 3))
            let p = Vec3(0.3, 0.7, -1.1)
            let back = bFromA.inverse * (bFromA * p)
            #expect(distance(back, p) < 1e-12)
            let m = q.matrix
            #expect(distance(m * p, q * p) < 1e-12)
            #expect(Quaternion.angleBetween(Quaternion(m), q) < 1e-9)
        }
    }

    @Test func cameraCenter() {
        let cameraFromWorld = Rigid3(rotation: Quaternion(axis: Vec3(0, 1, 0), angle: 0.5),
                                     translation: Vec3(0.2, 0.1, 4))
        let c = cameraFromWorld.centerOfTargetInSource
        #expect(length(cameraFromWorld * c) < 1e-12)
    }

    @Test func intrinsicsProjectRayRoundTrip() {
        let k = CameraIntrinsics(width: 640, height: 480, fx: 500, fy: 505, cx: 320, cy: 240, k1: -0.1, k2: 0.01)
        let p = Vec3(0.3, -0.2, 2)
        let px = k.project(p)!
        let r = k.ray(through: px)
        #expect(abs(r.x - p.x / p.z) < 1e-9 && abs(r.y - p.y / p.z) < 1e-9)
    }
}
