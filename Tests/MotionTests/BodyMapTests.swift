import Foundation
import Testing
import Geometry
@testable import Motion

@Suite struct BodyMapTests {
    @Test func nameWords() {
        let cases: [(String, Character?, String)] = [
            ("mixamorig:LeftUpLeg", "l", "upleg"), ("CC_Base_R_Thigh", "r", "thigh"), ("UpperLeg.L", "l", "upperleg"),
            ("thigh_r", "r", "thigh"), ("LHipJoint", "l", "hipjoint"), ("lhand", "l", "hand"), ("RThumb", "r", "thumb"),
            ("leg_joint_L_1", "l", "legjoint"), ("Skeleton_arm_joint_R__2_", "r", "armjoint"), ("lowerback", nil, "lowerback"),
            ("Hips", nil, "hips"), ("RightHandIndex1", "r", "handindex"),
        ]
        for (name, side, joined) in cases {
            let w = BodyMap.words(of: name)
            #expect(w.side == side, "\(name)")
            #expect(w.joined == joined, "\(name)")
        }
    }

    /// Every BVH layout in the shared data maps without a manual map, and the CC_Base rig
    /// (Z-up hierarchy, all bones along +Y at rest) is read upright from its first frame.
    @Test func sharedMocapMapsAutomatically() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/mocap")
        guard FileManager.default.fileExists(atPath: root.path) else {
            print("skipped: ../shared/data/mocap not found"); return
        }
        let files = ["cmu_iclone_cc_base/002_01.bvh", "cmu_cgspeed_3dsmax/131_01.bvh", "assimp_boxing/Boxing_Toes.bvh"]
        for f in files {
            let src = try MotionSource(bvh: BVHReader.read(path: root.appendingPathComponent(f).path), label: f)
            for r in [BodyRole.hips, .head, .leftFoot, .rightFoot, .leftHand, .rightHand, .leftUpperArm, .rightUpperLeg] {
                #expect(src.map[r] != nil, "\(f): \(r)")
            }
            let p = src.referencePose().positions
            #expect(p[src.map[.head]!].y > p[src.map[.hips]!].y + 0.3, "\(f) upright")
            #expect(p[src.map[.hips]!].y > p[src.map[.leftFoot]!].y + 0.5, "\(f) upright")
        }
    }
}
