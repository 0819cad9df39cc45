import Foundation
import Geometry
import LandmarkMap
import Rendering
import Testing
@testable import Reconstruction
import Imaging
import Features

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

/// `alignPatch` and `predictPatchWarp` against known geometry.
@Suite struct PatchAlignmentTests {
    /// A smooth random texture: sums of a few sinusoids, 8-bit.
    static func texture(width: Int = 120, height: Int = 100, shift: Vec2 = .zero, gain: Double = 1, bias: Double = 0) -> Image8 {
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let u = Double(x) - shift.x, v = Double(y) - shift.y
                let a: Double = 50 * sin(0.31 * u + 0.7) * cos(0.23 * v)
                let b: Double = 30 * sin(0.17 * u - 0.41 * v + 1.3)
                let c: Double = 20 * cos(0.53 * v + 0.11 * u)
                let f = 128 + a + b + c
                pixels[y * width + x] = UInt8(min(255, max(0, (gain * f + bias).rounded())))
            }
        }
        return Image8(width: width, height: height, channels: 1, pixels: pixels)
    }

    @Test func recoversASubPixelShiftUnderGainAndBias() throws {
        let reference = Self.texture()
        let centre = Vec2(60, 50), spacing = 1.5
        let patch = try #require(samplePatch(reference, centre: centre, spacing: spacing))
        // The same texture moved by (0.37, −0.61) px, darker and offset.
        let shift = Vec2(0.37, -0.61)
        let target = Self.texture(shift: shift, gain: 0.8, bias: 12)
        let start = PatchWarp(centre: centre + Vec2(1.2, -0.9), stepX: Vec2(spacing, 0), stepY: Vec2(0, spacing))
        let aligned = try #require(alignPatch(patch[...], in: target, warp: start))
        #expect(length(aligned - (centre + shift)) < 0.05, "aligned at \(aligned), expected \(centre + shift)")
    }

    @Test func refusesAPatchThatDoesNotCorrelate() throws {
        let patch = try #require(samplePatch(Self.texture(), centre: Vec2(60, 50), spacing: 1))
        let flat = Image8(width: 120, height: 100, channels: 1, fill: 90)
        #expect(alignPatch(patch[...], in: flat, warp: PatchWarp(centre: Vec2(60, 50), stepX: Vec2(1, 0), stepY: Vec2(0, 1))) == nil)
    }

    @Test func predictedWarpOfAFrontoParallelPatchScalesWithDistance() throws {
        let k = CameraIntrinsics(width: 1000, height: 800, fx: 800, fy: 800, cx: 499.5, cy: 399.5)
        let point = Vec3(0, 0, 10)   // on the optical axis: the surface facing the camera is the plane z = 10
        let reference = Rigid3(rotation: Quaternion(axis: Vec3(0, 1, 0), angle: 0), translation: .zero)
        // The target camera 5 m closer along the optical axis: the patch appears twice as large.
        let target = Rigid3(rotation: Quaternion(axis: Vec3(0, 1, 0), angle: 0), translation: Vec3(0, 0, -5))
        let refPixel = try #require(k.project(reference.apply(point)))
        let warp = try #require(predictPatchWarp(point: point, refPixel: refPixel, spacing: 2, refPose: reference, refIntrinsics: k,
                                                 targetPose: target, targetIntrinsics: k))
        let expected = try #require(k.project(target.apply(point)))
        #expect(length(warp.centre - expected) < 1e-6)
        #expect(abs(warp.stepX.x - 4) < 1e-6 && abs(warp.stepX.y) < 1e-6)
        #expect(abs(warp.stepY.y - 4) < 1e-6 && abs(warp.stepY.x) < 1e-6)
    }
}
