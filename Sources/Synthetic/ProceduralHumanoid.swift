import Foundation
import Geometry
import Motion
import AssetPipeline
import GLTF

/// The project's own demo character and clip, made by code: a 21-joint humanoid, 1.75 m
/// tall, Y up, facing +Z, in an A-pose (arms 45° down), skinned with one box per bone; and
/// a procedural walk as BVH on a T-pose skeleton with Unreal-style names (`pelvis`,
/// `thigh_l`, …), so that retargeting one onto the other exercises naming and rest-pose
/// differences with no outside data.
public enum ProceduralHumanoid {
    struct JointSpec { let name: String; let parent: Int; let world: Vec3 }

    /// Joint names, parents and rest world positions (metres). Arms in A-pose when `aPose`.
    static func joints(aPose: Bool, names: [String]) -> [JointSpec] {
        let s2 = 0.5.squareRoot()
        func arm(_ x: Double) -> [Vec3] {
            let sh = Vec3(0.03 * x, 1.38, 0), ua = Vec3(0.17 * x, 1.38, 0)
            let dir = aPose ? Vec3(s2 * x, -s2, 0) : Vec3(x, 0, 0)
            return [sh, ua, ua + dir * 0.28, ua + dir * 0.54]
        }
        func leg(_ x: Double) -> [Vec3] {
            [Vec3(0.09 * x, 0.90, 0), Vec3(0.09 * x, 0.50, 0.01), Vec3(0.09 * x, 0.08, -0.02), Vec3(0.09 * x, 0.02, 0.12)]
        }
        let core = [Vec3(0, 0.95, 0), Vec3(0, 1.05, 0), Vec3(0, 1.20, 0), Vec3(0, 1.42, 0), Vec3(0, 1.52, 0)]
        let la = arm(1), ra = arm(-1), ll = leg(1), rl = leg(-1)
        let pos = core + la + ra + ll + rl
        let parents = [-1, 0, 1, 2, 3, 2, 5, 6, 7, 2, 9, 10, 11, 0, 13, 14, 15, 0, 17, 18, 19]
        return (0..<21).map { JointSpec(name: names[$0], parent: parents[$0], world: pos[$0]) }
    }
    static let characterNames = ["Hips", "Spine", "Chest", "Neck", "Head",
                                 "LeftShoulder", "LeftUpperArm", "LeftLowerArm", "LeftHand",
                                 "RightShoulder", "RightUpperArm", "RightLowerArm", "RightHand",
                                 "LeftUpperLeg", "LeftLowerLeg", "LeftFoot", "LeftToes",
                                 "RightUpperLeg", "RightLowerLeg", "RightFoot", "RightToes"]
    static let clipNames = ["pelvis", "spine_01", "spine_02", "neck_01", "head",
                            "clavicle_l", "upperarm_l", "lowerarm_l", "hand_l",
                            "clavicle_r", "upperarm_r", "lowerarm_r", "hand_r",
                            "thigh_l", "calf_l", "foot_l", "ball_l",
                            "thigh_r", "calf_r", "foot_r", "ball_r"]
    public static var jointCount: Int { characterNames.count }

    static func skeleton(_ specs: [JointSpec]) -> Skeleton {
        Skeleton(names: specs.map(\.name), parents: specs.map(\.parent),
                 restLocal: specs.map { s in Rigid3(rotation: Quaternion.identity, translation: s.parent < 0 ? s.world : s.world - specs[s.parent].world) })
    }

    /// The skinned character as a glTF asset (one mesh, one skin, no animation).
    public static func characterAsset() -> GLTFAsset {
        let specs = joints(aPose: true, names: characterNames)
        var asset = GLTFAsset()
        var doc = asset.document
        doc.asset.generator = "LandmarkAR ProceduralHumanoid"
        // Joint nodes (rest local translations, identity rotations).
        for s in specs {
            var node = GLTFNode(name: s.name)
            let t = s.parent < 0 ? s.world : s.world - specs[s.parent].world
            node.translation = [t.x, t.y, t.z]
            doc.nodes.append(node)
        }
        for (j, s) in specs.enumerated() where s.parent >= 0 {
            doc.nodes[s.parent].children = (doc.nodes[s.parent].children ?? []) + [j]
        }
        asset.document = doc
        // Mesh: one box per bone (joint → first child), a head box, hand and foot boxes.
        var positions = [Float](), normals = [Float](), jointsAttr = [UInt32](), weights = [Float](), indices = [UInt32]()
        func box(from a: Vec3, to b: Vec3, radius: Double, joint: Int) {
            let axis = normalize(b - a)
            var side = cross(axis, Vec3(0, 0, 1)); if length(side) < 0.1 { side = cross(axis, Vec3(1, 0, 0)) }
            side = normalize(side); let other = cross(axis, side)
            let corners: [Vec3] = [a, b].flatMap { c in [(-1.0, -1.0), (1, -1), (1, 1), (-1, 1)].map { c + (side * $0.0 + other * $0.1) * radius } }
            // 6 faces, 4 vertices each, flat normals.
            let faces: [[Int]] = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]]
            for f in faces {
                let p = f.map { corners[$0] }
                let nrm = normalize(cross(p[1] - p[0], p[2] - p[0]))
                let start = UInt32(positions.count / 3)
                for v in p {
                    positions += [Float(v.x), Float(v.y), Float(v.z)]
                    normals += [Float(nrm.x), Float(nrm.y), Float(nrm.z)]
                    jointsAttr += [UInt32(joint), 0, 0, 0]
                    weights += [1, 0, 0, 0]
                }
                indices += [start, start + 1, start + 2, start, start + 2, start + 3]
            }
        }
        let children = Dictionary(grouping: specs.indices.filter { specs[$0].parent >= 0 }, by: { specs[$0].parent })
        for (j, s) in specs.enumerated() {
            let name = s.name
            if name == "Head" { box(from: s.world, to: s.world + Vec3(0, 0.23, 0), radius: 0.09, joint: j); continue }
            if name.hasSuffix("Hand") {
                let dir = normalize(s.world - specs[s.parent].world)
                box(from: s.world, to: s.world + dir * 0.17, radius: 0.04, joint: j); continue
            }
            if name.hasSuffix("Toes") { box(from: s.world, to: s.world + Vec3(0, 0, 0.08), radius: 0.02, joint: j); continue }
            guard let kids = children[j] else { continue }
            if name == "Chest" { box(from: s.world, to: specs[3].world, radius: 0.14, joint: j); continue }
            if name == "Hips" { box(from: s.world + Vec3(0, -0.08, 0), to: specs[1].world, radius: 0.13, joint: j); continue }
            let end = specs[kids[0]].world
            let r = name.contains("Shoulder") ? 0.05 : name.contains("Leg") ? 0.065 : name.contains("Foot") ? 0.045 : name.contains("Arm") ? 0.045 : 0.1
            box(from: s.world, to: end, radius: r, joint: j)
        }
        let pos = asset.appendAccessor(floats: positions, type: .vec3, target: .arrayBuffer, minMax: true)
        let nor = asset.appendAccessor(floats: normals, type: .vec3, target: .arrayBuffer)
        let jnt = asset.appendAccessor(uints: jointsAttr, type: .vec4, componentType: .unsignedByte, target: .arrayBuffer)
        let wgt = asset.appendAccessor(floats: weights, type: .vec4, target: .arrayBuffer)
        let idx = asset.appendAccessor(uints: indices, componentType: .unsignedShort, target: .elementArrayBuffer)
        var ibm = [Float]()
        for s in specs { ibm += [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, Float(-s.world.x), Float(-s.world.y), Float(-s.world.z), 1] }
        let ibmAccessor = asset.appendAccessor(floats: ibm, type: .mat4)
        var material = GLTFMaterial(name: "skin")
        var pbr = GLTFPBRMetallicRoughness(); pbr.baseColorFactor = [0.8, 0.55, 0.4, 1]; pbr.metallicFactor = 0; pbr.roughnessFactor = 0.8
        material.pbrMetallicRoughness = pbr
        asset.document.materials.append(material)
        var prim = GLTFPrimitive(attributes: ["POSITION": pos, "NORMAL": nor, "JOINTS_0": jnt, "WEIGHTS_0": wgt], indices: idx, material: 0)
        prim.mode = 4
        asset.document.meshes.append(GLTFMesh(name: "Humanoid", primitives: [prim]))
        var skin = GLTFSkin(joints: Array(specs.indices), inverseBindMatrices: ibmAccessor)
        skin.skeleton = 0; skin.name = "HumanoidSkin"
        asset.document.skins.append(skin)
        var meshNode = GLTFNode(name: "HumanoidMesh"); meshNode.mesh = 0; meshNode.skin = 0
        asset.document.nodes.append(meshNode)
        asset.document.scenes = [GLTFScene(nodes: [0, specs.count], name: "Scene")]
        asset.document.scene = 0
        return asset
    }

    /// Writes the character GLB to `path` (temporary file, then rename).
    public static func writeCharacter(to path: String) throws {
        do { try characterAsset().write(to: URL(fileURLWithPath: path)) }
        catch let e as GLTFError { throw MotionError.gltf(e.description) }
    }

    /// A procedural walk (0.8 m/s, 1 s cycle, feet planted during stance) on a T-pose
    /// skeleton with Unreal-style names, as a BVH document in centimetres at 30 fps, ZXY.
    public static func walkClip(seconds: Double = 4, fps: Double = 30) -> BVHDocument {
        let specs = joints(aPose: false, names: clipNames)
        let sk = skeleton(specs)
        let n = sk.count
        let frames = Int(seconds * fps) + 1
        let speed = 0.8, cycle = 1.0, stance = 0.55, stride = speed * cycle
        var rot = [Quaternion](), tra = [Vec3]()
        let restW = sk.restWorld()
        for f in 0..<frames {
            let t = Double(f) / fps
            var r = sk.restLocal.map(\.rotation)
            var tr = sk.restLocal.map(\.translation)
            let bob = 0.015 * cos(4 * .pi * t / cycle)
            let hips = Vec3(0, 0.905 + bob, speed * t)
            tr[0] = hips
            // Feet along the ground: stance (planted), then a swing arc to the next step.
            var worldRot = [Quaternion](repeating: .identity, count: n)
            for (side, (thigh, calf, foot)) in [(13, 14, 15), (17, 18, 19)].enumerated() {
                let phase = (t / cycle + (side == 0 ? 0 : 0.5)).truncatingRemainder(dividingBy: 1)
                let k = floor(t / cycle + (side == 0 ? 0 : 0.5))
                let restAnkle = restW.positions[foot]
                // The foot is under the hips at mid-stance.
                let plantZ = { (kk: Double) in speed * ((kk - (side == 0 ? 0 : 0.5)) * cycle + stance * cycle / 2) + restAnkle.z }
                var ankle = Vec3(restAnkle.x, restAnkle.y, 0)
                if phase < stance { ankle.z = plantZ(k) } else {
                    let s = (phase - stance) / (1 - stance)
                    let e = s * s * (3 - 2 * s)
                    ankle.z = plantZ(k) + stride * e
                    ankle.y += 0.09 * sin(.pi * s)
                }
                let hip = hips + restW.positions[thigh] - restW.positions[0]
                let knee = hip + restW.positions[calf] - restW.positions[thigh]
                let ank0 = hip + restW.positions[foot] - restW.positions[thigh]
                let sol = TwoBoneIK.solve(a: hip, b: knee, c: ank0, target: ankle, poleHint: Vec3(0, 0, 1))
                worldRot[thigh] = sol.rootDelta
                worldRot[calf] = sol.middleDelta
                r[thigh] = sol.rootDelta
                r[calf] = (sol.rootDelta.conjugate * sol.middleDelta).normalized
                r[foot] = sol.middleDelta.conjugate   // foot stays level
            }
            // Arms down from the T-pose and swinging opposite to the legs.
            let swing = 0.35 * sin(2 * .pi * t / cycle)
            r[6] = Quaternion(axis: Vec3(1, 0, 0), angle: swing) * Quaternion(axis: Vec3(0, 0, 1), angle: -1.3)
            r[10] = Quaternion(axis: Vec3(1, 0, 0), angle: -swing) * Quaternion(axis: Vec3(0, 0, 1), angle: 1.3)
            r[7] = Quaternion(axis: Vec3(0, 1, 0), angle: 0.3)
            r[11] = Quaternion(axis: Vec3(0, 1, 0), angle: -0.3)
            r[2] = Quaternion(axis: Vec3(0, 1, 0), angle: 0.08 * sin(2 * .pi * t / cycle))
            r[4] = Quaternion(axis: Vec3(0, 1, 0), angle: -0.08 * sin(2 * .pi * t / cycle))
            rot += r; tra += tr
        }
        let clip = SkeletalClip(skeleton: sk, frameTime: 1 / fps, frameCount: frames, rotations: rot, translations: tra)
        return BVHWriter.document(from: clip, unitsPerWorldUnit: 100, rotationOrder: [2, 0, 1])
    }
}
