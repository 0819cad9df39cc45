import Foundation
import Testing
import Geometry
import LandmarkMap
@testable import Reconstruction
import Synthetic

/// Camera-up gravity (`estimateUpFromCameras`, `alignToCameraUp`) against known ups.
@Suite struct GravityAlignmentTests {
    /// cameraFromWorld rotation of an upright camera (world Y up) with the given heading
    /// (radians about +Y), pitch (radians, positive looks up) and roll (radians about its axis).
    static func camera(heading: Double, pitch: Double, roll: Double) -> Quaternion {
        let forward = Vec3(sin(heading) * cos(pitch), sin(pitch), cos(heading) * cos(pitch))
        let pose = Rigid3.cameraLookingAt(eye: .zero, target: forward, roll: roll)
        return pose.rotation
    }

    static func angleDegrees(_ a: Vec3, _ b: Vec3) -> Double {
        acos(min(1, max(-1, dot(normalize(a), normalize(b))))) * 180 / .pi
    }

    /// 30 cameras around a building (any heading, pitched −30…60°, roll σ = 1°) in a frame
    /// turned by a random rotation, plus 3 cameras with random rotations: up within 1°.
    @Test func recoversUpWithOutliers() throws {
        var rng = SplitMix64(seed: 23)
        let mapFromWorld = Quaternion(axis: Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()),
                                      angle: Double.random(in: 0.5...2.5, using: &rng))
        var rotations: [Quaternion] = []
        for _ in 0..<30 {
            let q = Self.camera(heading: Double.random(in: 0..<(2 * .pi), using: &rng),
                                pitch: Double.random(in: -0.5...1.0, using: &rng), roll: rng.nextGaussian() * .pi / 180)
            rotations.append((q * mapFromWorld.inverse).normalized)   // cameraFromMap = cameraFromWorld · worldFromMap
        }
        for _ in 0..<3 {
            rotations.append(Quaternion(axis: Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()),
                                        angle: Double.random(in: 0...3, using: &rng)))
        }
        let estimate = try #require(estimateUpFromCameras(cameraFromLandmark: rotations))
        let truth = mapFromWorld * Vec3.up
        #expect(Self.angleDegrees(estimate.up, truth) < 1, "off by \(Self.angleDegrees(estimate.up, truth))°")
        #expect(estimate.cameraCount == 33)
        #expect((28...31).contains(estimate.inlierCount), "\(estimate.inlierCount) inliers")
        // Roll σ = 1°: the median |roll| is about 0.67°; the standard error well under 1°.
        #expect(estimate.rollSpreadDegrees > 0.3 && estimate.rollSpreadDegrees < 1.2, "\(estimate.rollSpreadDegrees)")
        #expect(estimate.uncertaintyDegrees > 0.05 && estimate.uncertaintyDegrees < 1, "\(estimate.uncertaintyDegrees)")
    }

    /// Photos of one facade, all looking up at it by 20–30° (headings ±35°): the mean of their
    /// ups (COLMAP's estimate) leans back by about 25°; their level x axes do not.
    @Test func pitchedCamerasOnOneSideStillGiveTheTrueUp() throws {
        var rng = SplitMix64(seed: 5)
        var rotations: [Quaternion] = []
        for _ in 0..<12 {
            rotations.append(Self.camera(heading: Double.random(in: -0.6...0.6, using: &rng),
                                         pitch: Double.random(in: 0.35...0.52, using: &rng),
                                         roll: rng.nextGaussian() * 0.5 * .pi / 180))
        }
        let estimate = try #require(estimateUpFromCameras(cameraFromLandmark: rotations))
        #expect(Self.angleDegrees(estimate.up, .up) < 1, "off by \(Self.angleDegrees(estimate.up, .up))°")
        let meanUp = rotations.reduce(Vec3.zero) { $0 - $1.matrix.rows.1 }
        #expect(Self.angleDegrees(meanUp, .up) > 15)   // what the mean of the ups alone would give
        #expect(estimate.spreadDegrees > 15)            // and the ups' spread says they are pitched
    }

    @Test func tooFewCamerasGiveNoEstimate() {
        #expect(estimateUpFromCameras(cameraFromLandmark: [.identity, .identity]) == nil)
        var map = FeatureMap(metadata: MapMetadata(name: "two"))
        #expect(throws: ReconstructionError.self) { try alignToCameraUp(&map) }
    }

    /// A consistent scene turned by a known rotation: aligning brings +Y back to up, moves
    /// points and cameras together (projections unchanged) and records the estimate.
    @Test func alignsAWholeMap() throws {
        // SyntheticScene's points, seen by 8 level cameras (world +Y up) on a ±40° arc, 1–4 m up.
        let scene = SyntheticScene(seed: 4, pointCount: 50, cameraCount: 8)
        let cameras = (0..<8).map { i -> Rigid3 in
            let a = (Double(i) / 7 - 0.5) * 1.4
            return Rigid3.cameraLookingAt(eye: Vec3(8 * sin(a), 1 + Double(i % 4), -8 * cos(a)), target: .zero)
        }
        let turn = Sim3(rotation: Quaternion(axis: normalize(Vec3(1, 2, 0.5)), angle: 1.1))
        var map = FeatureMap(metadata: MapMetadata(name: "turned"), cameras: [MapCamera(id: 1, intrinsics: scene.intrinsics)])
        for (i, c) in cameras.enumerated() {
            map.keyframes.append(Keyframe(id: Int64(i + 1), name: "\(i).png", cameraID: 1, cameraFromLandmark: turn.transformCameraPose(c)))
        }
        for (i, p) in scene.points.enumerated() { map.points.append(MapPoint(id: Int64(i + 1), position: turn.apply(p))) }
        let before = map.points.map { p in map.keyframes.map { scene.intrinsics.project($0.cameraFromLandmark * p.position) } }

        let estimate = try alignToCameraUp(&map)
        // Exact level cameras: the x axes fix up exactly.
        #expect(Self.angleDegrees(estimate.up, turn.rotation * Vec3.up) < 0.01)
        for k in map.keyframes {
            // The cameras are level: their x axes are horizontal again.
            #expect(abs(k.cameraFromLandmark.rotation.matrix.rows.0.y) < 1e-4)
        }
        for (i, p) in map.points.enumerated() {
            for (j, k) in map.keyframes.enumerated() {
                let px = try #require(scene.intrinsics.project(k.cameraFromLandmark * p.position))
                #expect(length(px - before[i][j]!) < 1e-6)
            }
        }
        let frame = try #require(map.metadata.frame)
        #expect(frame.gravity.source == .cameraUp && frame.gravity.cameraCount == 8 && frame.scale.source == .none)
        #expect(!map.metadata.isMetric && map.metadata.isGravityAligned)
    }
}
