import Foundation
import Testing
import Geometry
import LandmarkMap
@testable import Anchoring
import Estimators
import Synthetic

/// A box building (20 × 12 × 10 m, roof at y = 12) on a ground plane, sampled as map points
/// with 5 mm noise, seen by one camera up and to the side (`SyntheticFeatureMap.building`).
func makeBuildingMap(seed: UInt64 = 3, metric: Bool = true) -> FeatureMap {
    SyntheticFeatureMap.building(seed: seed, metric: metric)
}

@Suite struct AnchorPlacementTests {
    @Test func pixelOnTheRoofLandsOnTheRoofPlane() throws {
        let map = makeBuildingMap()
        let kf = map.keyframes[0], k = map.cameras[0].intrinsics
        let target = Vec3(3, 12, 1)
        let pixel = try #require(k.project(kf.cameraFromLandmark * target))
        let anchor = try AnchorPlacer.place(in: map, imageName: "images/0003.png", pixel: pixel)
        #expect(abs(anchor.position.y - 12) < 0.02)
        #expect(distance(anchor.position, target) < 0.05)
        let upError = acos(min(1, dot(anchor.up, Vec3.up))) * 180 / .pi
        #expect(upError < 1)
        // Faces the camera that placed it (projected on the roof).
        #expect(dot(anchor.forward, Vec3(0, 0, 1)) > 0.9)
        #expect(anchor.supportPoints >= 8)
    }

    @Test func pixelOnTheWallGetsTheWallNormalAsUp() throws {
        let map = makeBuildingMap()
        let kf = map.keyframes[0], k = map.cameras[0].intrinsics
        let pixel = try #require(k.project(kf.cameraFromLandmark * Vec3(-2, 6, 5)))
        let anchor = try AnchorPlacer.place(in: map, imageName: "0003.png", pixel: pixel)
        #expect(abs(anchor.position.z - 5) < 0.02)
        #expect(dot(anchor.up, Vec3(0, 0, 1)) > 0.999)
    }

    @Test func uprightKeepsGravityUpOnTheWallEdge() throws {
        let map = makeBuildingMap()
        let kf = map.keyframes[0], k = map.cameras[0].intrinsics
        let pixel = try #require(k.project(kf.cameraFromLandmark * Vec3(-2, 6, 5)))
        var options = AnchorPlacementOptions()
        options.upright = true
        let anchor = try AnchorPlacer.place(in: map, imageName: "0003.png", pixel: pixel, options: options)
        #expect(abs(anchor.position.z - 5) < 0.02)          // still on the wall's surface
        #expect(distance(anchor.up, Vec3.up) < 1e-9)         // but standing upright
        #expect(abs(dot(anchor.forward, Vec3.up)) < 1e-9)
        // Without a metric (gravity-aligned) frame, up stays the surface normal.
        let own = try AnchorPlacer.place(in: makeBuildingMap(metric: false), imageName: "0003.png", pixel: pixel, options: options)
        #expect(dot(own.up, Vec3(0, 0, 1)) > 0.999)
    }

    @Test func yawIsAboutGravity() throws {
        let map = makeBuildingMap()
        let pixel = try #require(map.cameras[0].intrinsics.project(map.keyframes[0].cameraFromLandmark * Vec3(0, 12, 0)))
        var options = AnchorPlacementOptions(yawDegrees: 90)
        options.seed = 1
        let anchor = try AnchorPlacer.place(in: map, imageName: "0003.png", pixel: pixel, options: options)
        #expect(distance(anchor.forward, Vec3(1, 0, 0)) < 1e-9)
    }

    @Test func skyPixelHitsNothing() throws {
        let map = makeBuildingMap()
        // A direction above the roof, towards the empty sky behind the building.
        let pixel = try #require(map.cameras[0].intrinsics.project(map.keyframes[0].cameraFromLandmark * Vec3(0, 14, -60)))
        #expect(pixel.y >= 0 && pixel.y < 768)
        #expect(throws: AnchorPlacementError.self) {
            try AnchorPlacer.place(in: map, imageName: "0003.png", pixel: pixel)
        }
    }

    @Test func unknownImageAndOutsidePixelAreNamed() {
        let map = makeBuildingMap()
        #expect(throws: AnchorPlacementError.keyframeNotFound("nope.png")) {
            try AnchorPlacer.place(in: map, imageName: "nope.png", pixel: Vec2(5, 5))
        }
        #expect(throws: AnchorPlacementError.pixelOutsideImage(x: 5000, y: 5, width: 1024, height: 768)) {
            try AnchorPlacer.place(in: map, imageName: "0003.png", pixel: Vec2(5000, 5))
        }
    }

    @Test func pointSnapsDownOntoTheRoof() throws {
        let map = makeBuildingMap()
        let anchor = try AnchorPlacer.place(in: map, near: Vec3(2, 13.5, -1))
        #expect(abs(anchor.position.y - 12) < 0.02)
        #expect(abs(anchor.position.x - 2) < 1e-9 && abs(anchor.position.z + 1) < 1e-9)
        #expect(dot(anchor.up, .up) > 0.9998)
    }

    @Test func robustPlaneFitIgnoresOutliers() throws {
        var rng = SplitMix64(seed: 9)
        var pts = (0..<200).map { _ in Vec3(Double.random(in: 0...1, using: &rng), 0.5, Double.random(in: 0...1, using: &rng)) }
        pts += (0..<60).map { _ in Vec3(Double.random(in: 0...1, using: &rng), Double.random(in: 0...1, using: &rng), Double.random(in: 0...1, using: &rng)) }
        let fit = try #require(fitPlane(points: pts, options: PlaneFitOptions(maxDistance: 0.001)))
        #expect(abs(abs(fit.plane.normal.y) - 1) < 1e-9)
        #expect(abs(fit.plane.point.y - 0.5) < 1e-9)
        #expect(fit.inliers.count >= 200)
    }
}
