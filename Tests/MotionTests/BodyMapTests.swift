import Foundation
import Testing
import Geometry
@testable import Motion
import Synthetic

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
    static let sharedClips = ["cmu_iclone_cc_base/002_01.bvh", "cmu_cgspeed_3dsmax/131_01.bvh", "assimp_boxing/Boxing_Toes.bvh"]

    @Test(.enabled(if: sharedClips.allSatisfy { SharedData.has("mocap/" + $0) }, "needs the BVH clips under ../shared/data/mocap"))
    func sharedMocapMapsAutomatically() throws {
        let root = try #require(SharedData.url("mocap"))
        let files = Self.sharedClips
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
