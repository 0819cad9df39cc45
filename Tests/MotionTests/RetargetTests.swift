import Foundation
import Testing
import Geometry
@testable import Motion
import Synthetic

@Suite struct RetargetTests {
    /// Two copies of one skeleton with different rest poses (arms in A-pose instead of
    /// T-pose, an elbow bent, a thigh with other local axes): retargeting reproduces the
    /// world-space motion exactly.
    @Test func copyWithOtherRestPoseReproducesWorldMotion() throws {
        let source = try MotionSource(bvh: ProceduralHumanoid.walkClip(seconds: 1.5), units: .centimetres, label: "walk")
        var target = source.clip.skeleton
        func idx(_ n: String) -> Int { target.index(of: n)! }
        // A-pose arms and a bent elbow (the rest shape changes).
        target.restLocal[idx("upperarm_l")].rotation = Quaternion(axis: Vec3(0, 0, 1), angle: -0.8)
        target.restLocal[idx("upperarm_r")].rotation = Quaternion(axis: Vec3(0, 0, 1), angle: 0.8)
        target.restLocal[idx("lowerarm_l")].rotation = Quaternion(axis: Vec3(0, 1, 0), angle: 0.5)
        // Other bone axes on a thigh (the rest shape stays).
        let q = Quaternion(axis: Vec3(1, 2, 3), angle: 1.1)
        let thigh = idx("thigh_l")
        target.restLocal[thigh].rotation = q
        for c in 0..<target.count where target.parents[c] == thigh {
            target.restLocal[c].translation = q.conjugate.rotate(target.restLocal[c].translation)
            target.restLocal[c].rotation = q.conjugate * target.restLocal[c].rotation
        }
        let tMap = try BodyMap.detect(target, positions: target.restWorld().positions, label: "copy")
        var opts = RetargetOptions()
        opts.fps = source.clip.fps
        opts.ground = nil
        opts.footIK = false
        let result = try Retargeter.retarget(source: source, target: target, targetMap: tMap, options: opts)
        #expect(result.clip.frameCount == source.clip.frameCount)
        #expect(abs(result.scale - 1) < 1e-12)
        var worst = 0.0
        for f in 0..<source.clip.frameCount {
            let s = source.clip.pose(frame: f), t = result.clip.pose(frame: f)
            for j in 0..<target.count { worst = max(worst, distance(s.positions[j], t.positions[j])) }
        }
        #expect(worst < 1e-9, "largest world position difference \(worst) m")
    }

    /// Two-bone IK reaches a reachable target exactly and keeps bone lengths.
    @Test func twoBoneIKReachesReachableTarget() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let a = Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian())
            let b = a + normalize(Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian())) * 0.45
            let c = b + normalize(Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian())) * 0.40
            let dir = normalize(Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()))
            let target = a + dir * Double.random(in: 0.1...0.84, using: &rng)
            let s = TwoBoneIK.solve(a: a, b: b, c: c, target: target, poleHint: Vec3(0, 0, 1))
            #expect(s.reached)
            #expect(distance(s.end, target) < 1e-12)
            // Rotating the bones by the deltas gives the same joints and lengths.
            let nb = a + s.rootDelta.rotate(b - a)
            let nc = nb + s.middleDelta.rotate(c - b)
            #expect(distance(nb, s.middle) < 1e-12)
            #expect(distance(nc, target) < 1e-12)
        }
        // Out of reach: the limb stretches straight towards the target, lengths kept.
        let s = TwoBoneIK.solve(a: .zero, b: Vec3(0, -0.4, 0.01), c: Vec3(0, -0.8, 0), target: Vec3(0, -2, 0), poleHint: Vec3(0, 0, 1))
        #expect(!s.reached)
        #expect(abs(length(s.end) - distance(.zero, Vec3(0, -0.4, 0.01)) - distance(Vec3(0, -0.4, 0.01), Vec3(0, -0.8, 0))) < 1e-9)
    }

    /// Foot locking on the procedural walk onto the procedural humanoid: planted feet stay
    /// put and on the ground, bones keep their lengths.
    @Test func procedualWalkOntoHumanoidPlantsFeet() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("motion-test-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let glb = dir.appendingPathComponent("humanoid.glb").path, bvh = dir.appendingPathComponent("walk.bvh").path
        let out = dir.appendingPathComponent("out.glb").path
        try ProceduralHumanoid.writeCharacter(to: glb)
        try BVHWriter.write(ProceduralHumanoid.walkClip(seconds: 3), to: bvh)
        let summary = try RetargetJob.run(bvhPath: bvh, characterPath: glb, outPath: out)
        #expect(summary.result.contacts[0].count >= 2 && summary.result.contacts[1].count >= 2)
        let r = try MotionReport.measure(path: out)
        #expect(r.skateMmPerFrame < 0.5)
        #expect(r.penetrationMaxMm < 1)
        #expect(r.floatingMmInContact < 1)
        #expect(r.boneLengthMaxRelativeError < 1e-5)
        #expect((r.meanRotationDifferenceDeg ?? 99) < 1)
        #expect(abs(r.durationSeconds - 3) < 1e-6)
    }

    /// A mapping file naming a missing bone is refused with the bone's name, and nothing is written.
    @Test func mappingFileWithMissingBone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("motion-map-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let glb = dir.appendingPathComponent("h.glb").path, bvh = dir.appendingPathComponent("w.bvh").path
        let map = dir.appendingPathComponent("map.json").path, out = dir.appendingPathComponent("o.glb").path
        try ProceduralHumanoid.writeCharacter(to: glb)
        try BVHWriter.write(ProceduralHumanoid.walkClip(seconds: 1), to: bvh)
        try Data(#"{"pelvis": "Hips", "thigh_l": "NoSuchBone"}"#.utf8).write(to: URL(fileURLWithPath: map))
        #expect(throws: MotionError.mappingUnknownBone(file: map, bone: "NoSuchBone", skeleton: "character")) {
            try RetargetJob.run(bvhPath: bvh, characterPath: glb, outPath: out, mapPath: map)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
