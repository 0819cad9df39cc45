import Foundation
import Testing
import Geometry
@testable import Motion

/// Largest displacement of a unit axis between two rotations (precise for tiny angles,
/// unlike acos-based angles).
func rotationDistance(_ a: Quaternion, _ b: Quaternion) -> Double {
    [Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1)].map { distance(a.rotate($0), b.rotate($0)) }.max()!
}

@Suite struct BVHTests {
    /// A hand-made file: a 6-channel joint below the root, mixed channel orders, a name with
    /// spaces and a colon, floats in several notations, CRLF line ends.
    static let sample = """
    HIERARCHY\r
    ROOT Hips\r
    {\r
      OFFSET 0 0 0\r
      CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\r
      JOINT my rig:Left Leg\r
      {\r
        OFFSET .1 -0.4e0 0\r
        CHANNELS 3 Xrotation Yrotation Zrotation\r
        End Site\r
        {\r
          OFFSET 0 -4E-1 0\r
        }\r
      }\r
      JOINT Slider\r
      {\r
        OFFSET 0 0.5 0\r
        CHANNELS 6 Yrotation Xposition Yposition Zposition Xrotation Zrotation\r
      }\r
    }\r
    MOTION\r
    Frames: 2\r
    Frame Time: .5\r
    1 2 3 10 20 30 40 -50 60 7 0.1 0.6 -0.2 15 25\r
    0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\r
    """

    @Test func readsChannelsOrdersAndNames() throws {
        let doc = try BVHReader.parse(Self.sample)
        #expect(doc.joints.map(\.name) == ["Hips", "my rig:Left Leg", "my rig:Left Leg End", "Slider"])
        #expect(doc.joints[3].channels.count == 6 && doc.joints[3].channels[0] == .yRotation)
        #expect(doc.frameCount == 2 && doc.frameTime == 0.5)
        #expect(doc.joints[2].offset == Vec3(0, -0.4, 0))
        let clip = SkeletalClip(bvh: doc)
        // Leg rotation = Rx(40) Ry(-50) Rz(60), in file order.
        let d = Double.pi / 180
        let expected = EulerAngles.quaternion(axes: [0, 1, 2], radians: [40 * d, -50 * d, 60 * d])
        #expect(Quaternion.angleBetween(clip.rotations[1], expected) < 1e-12)
        // The 6-channel Slider's position replaces its offset.
        #expect(distance(clip.translations[3], Vec3(0.1, 0.6, -0.2)) < 1e-12)
    }

    /// A clip built from a known pose, written and read back, gives the same world motion.
    @Test func roundTripKnownPose() throws {
        var rng = SplitMix64(seed: 5)
        let sk = Skeleton(names: ["Root", "Spine 1", "arm:L", "arm:L:fore"], parents: [-1, 0, 1, 2],
                          restLocal: [Rigid3(translation: Vec3(0, 1, 0)), Rigid3(translation: Vec3(0, 0.3, 0)),
                                      Rigid3(translation: Vec3(0.2, 0.1, 0)), Rigid3(translation: Vec3(0.3, 0, 0))])
        let frames = 5
        var rot = [Quaternion](), tra = [Vec3]()
        for _ in 0..<frames {
            for j in 0..<4 {
                rot.append(Quaternion(axis: Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()), angle: Double.random(in: -3...3, using: &rng)))
                tra.append(j == 0 ? Vec3(rng.nextGaussian(), 1 + rng.nextGaussian(), rng.nextGaussian()) : sk.restLocal[j].translation)
            }
        }
        let clip = SkeletalClip(skeleton: sk, frameTime: 1 / 60, frameCount: frames, rotations: rot, translations: tra)
        for order in [[2, 1, 0], [2, 0, 1], [0, 1, 2], [1, 2, 0]] {
            let text = BVHWriter.text(BVHWriter.document(from: clip, unitsPerWorldUnit: 100, rotationOrder: order))
            let back = SkeletalClip(bvh: try BVHReader.parse(text))
            #expect(back.skeleton.names.prefix(4) == sk.names[...])
            for f in 0..<frames {
                let a = clip.pose(frame: f), b = back.pose(frame: f)
                for j in 0..<4 {
                    #expect(distance(a.positions[j] * 100, b.positions[j]) < 1e-4)   // 6 decimals in cm
                    #expect(Quaternion.angleBetween(a.rotations[j], b.rotations[j]) < 1e-6)
                }
            }
        }
    }

    @Test func eulerAnglesInvertQuaternion() {
        var rng = SplitMix64(seed: 9)
        for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            for _ in 0..<50 {
                let q = Quaternion(axis: Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()), angle: Double.random(in: -3...3, using: &rng))
                let a = EulerAngles.angles(of: q, axes: order)
                #expect(rotationDistance(EulerAngles.quaternion(axes: order, radians: a), q) < 1e-12)
            }
            // Gimbal lock.
            let q = EulerAngles.quaternion(axes: order, radians: [0.3, .pi / 2, 0.2])
            #expect(rotationDistance(EulerAngles.quaternion(axes: order, radians: EulerAngles.angles(of: q, axes: order)), q) < 1e-9)
        }
    }

    @Test func badFilesNameTheLine() {
        let lines = Self.sample.replacingOccurrences(of: "\r", with: "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Truncated: the second frame is missing.
        let truncated = lines.dropLast().joined(separator: "\n")
        #expect(throws: MotionError.bvhTruncated(line: 25, framesRead: 1, framesDeclared: 2)) { try BVHReader.parse(truncated) }
        // A value missing on the first frame line (line 25).
        var short = lines; short[23] = "1 2 3 10 20 30 40 -50 60 7 0.1 0.6 -0.2 15"
        #expect(throws: MotionError.bvhValueCount(line: 24, expected: 15, found: 14)) { try BVHReader.parse(short.joined(separator: "\n")) }
        // A non-numeric value.
        var bad = lines; bad[24] = "0 0 0 0 abc 0 0 0 0 0 0 0 0 0 0"
        #expect(throws: MotionError.bvhNotANumber(line: 25, column: 5, token: "abc")) { try BVHReader.parse(bad.joined(separator: "\n")) }
        // Header cut inside a joint.
        #expect(throws: MotionError.bvhSyntax(line: 13, message: "file ends before MOTION inside joint 'my rig:Left Leg' (truncated file)")) {
            try BVHReader.parse(lines.prefix(13).joined(separator: "\n"))
        }
    }
}
