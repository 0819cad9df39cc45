import Foundation
import Geometry
import GLTF

/// Quality figures of a retargeted animation (`landmark mocap report`).
public struct MotionReport: Codable, Sendable {
    public var animation: String
    public var frames: Int
    public var fps: Double
    public var durationSeconds: Double
    public var sourceDurationSeconds: Double?
    public var contactFrames: Int
    /// Mean horizontal foot motion per frame during contacts (mm/frame).
    public var skateMmPerFrame: Double
    /// Deepest foot joint below the ground plus its rest height over the floor (mm, ≥ 0).
    public var penetrationMaxMm: Double
    /// Frames with a foot more than 10 mm below the ground.
    public var framesBelow10mm: Int
    /// Mean height of the planted foot above where it should rest, during contacts (mm).
    public var floatingMmInContact: Double
    /// Largest |length − rest length| / rest length over bones and frames.
    public var boneLengthMaxRelativeError: Double
    /// Mean angle between the source's and the target's world rotation relative to their
    /// reference poses, over directly mapped joints outside the IK legs (degrees).
    public var meanRotationDifferenceDeg: Double?
    /// Mean angle between mapped source and target bone directions outside the IK legs (degrees).
    public var meanBoneDirectionDifferenceDeg: Double?
    /// Mean angle between mapped source and target bone directions in the IK legs (degrees):
    /// how far foot locking moves the legs from the performance.
    public var meanLegDirectionDifferenceDeg: Double?
    /// Mean jerk of all joint positions (m/s³).
    public var jitterMeanJerk: Double
    public var ground: Double?

    /// Measures the animation in `path` written by `RetargetJob` (the last one with
    /// `landmarkMotion` extras unless `animation` is given). The source BVH named in the
    /// extras (a file name, looked for beside the GLB; or `sourceOverride`) is re-read for the rotation figures; without it those
    /// are nil.
    public static func measure(path: String, animation: Int? = nil, sourceOverride: String? = nil) throws -> MotionReport {
        let (asset, rig, tMap) = try RetargetJob.loadCharacter(path)
        let anims = asset.document.animations
        guard !anims.isEmpty else { throw MotionError.gltf("\(path) has no animation") }
        let index = animation ?? (anims.lastIndex { $0.extras?["landmarkMotion"] != nil } ?? anims.count - 1)
        guard index >= 0 && index < anims.count else { throw MotionError.gltf("\(path) has no animation \(index)") }
        let extras = anims[index].extras?["landmarkMotion"]
        let (clip, times) = try GLTFAnimationIO.readAnimation(asset, rig: rig, index: index)
        let sk = rig.skeleton, n = sk.count, frames = clip.frameCount
        let ground = extras?["ground"]?.doubleValue
        // Working hierarchy (virtual parents) for bone lengths and foot chains.
        let (T, order) = sk.reparented(tMap.virtualParents)
        var newIndex = [Int](repeating: 0, count: n)
        for (i, o) in order.enumerated() { newIndex[o] = i }
        let restW = sk.restWorld()
        let positions = clip.worldPositions()
        var rotations = [Quaternion](); rotations.reserveCapacity(frames * n)
        var pose = WorldPose(count: n)
        for f in 0..<frames { sk.forwardKinematics(rotations: clip.rotations, translations: clip.translations, frame: f, into: &pose); rotations += pose.rotations }
        // Bone lengths.
        var boneErr = 0.0
        let hipsW = newIndex[tMap[.hips]!]
        for i in 0..<n where T.parents[i] >= 0 && T.isAncestor(hipsW, of: T.parents[i]) {
            let j = order[i], p = order[T.parents[i]]
            let restLen = distance(restW.positions[j], restW.positions[p])
            guard restLen > 1e-6 else { continue }
            for f in 0..<frames { boneErr = max(boneErr, abs(distance(positions[f * n + j], positions[f * n + p]) - restLen) / restLen) }
        }
        // Feet.
        let feet = [tMap[.leftFoot]!, tMap[.rightFoot]!]
        let chains = feet.map { foot in (0..<n).filter { T.isAncestor(newIndex[foot], of: newIndex[$0]) } }
        let soleRest = chains.joined().map { restW.positions[$0].y }.min() ?? 0
        let hipsRestH = restW.positions[tMap[.hips]!].y - soleRest
        let floorT = (soleRest >= 0 && soleRest <= 0.1 * hipsRestH) ? 0 : soleRest
        var contacts: [[ClosedRange<Int>]] = [[], []]
        if case .array(let sides)? = extras?["contacts"] {
            for (s, side) in sides.prefix(2).enumerated() {
                if case .array(let rs) = side {
                    for r in rs { if case .array(let ab) = r, ab.count == 2, let a = ab[0].doubleValue, let b = ab[1].doubleValue { contacts[s].append(Int(a)...Int(b)) } }
                }
            }
        }
        var skate = [Double](), floating = [Double](), pen = 0.0, below = 0
        for f in 0..<frames {
            var worst = 0.0
            for (s, foot) in feet.enumerated() {
                let g = ground ?? floorT
                var lowest = Double.infinity
                for k in chains[s] {
                    let lift = restW.positions[k].y - floorT
                    let d = positions[f * n + k].y - (g + lift)
                    lowest = min(lowest, d)
                    worst = max(worst, -d)
                }
                if contacts[s].contains(where: { $0.contains(f) }) {
                    floating.append(max(0, lowest) * 1000)
                    if f > 0 && contacts[s].contains(where: { $0.contains(f - 1) }) {
                        var d = positions[f * n + foot] - positions[(f - 1) * n + foot]; d.y = 0
                        skate.append(length(d) * 1000)
                    }
                }
            }
            pen = max(pen, worst * 1000)
            if worst > 0.010 { below += 1 }
        }
        // Jitter.
        let dt = frames > 1 ? times[1] - times[0] : 1
        var jerk = 0.0, jc = 0
        if frames >= 4 {
            for f in 3..<frames { for j in 0..<n {
                let v = positions[f * n + j] - positions[(f - 1) * n + j] * 3 + positions[(f - 2) * n + j] * 3 - positions[(f - 3) * n + j]
                jerk += length(v) / (dt * dt * dt); jc += 1
            } }
        }
        // Rotation figures against the source.
        var rotDiff: Double?, dirDiff: Double?, legDiff: Double?, srcDuration: Double?
        // The extras name the source by file name (no machine paths): look beside the GLB.
        let recorded = extras?["source"]?.stringValue.map {
            $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent($0).path
        }
        if let srcPath = sourceOverride ?? recorded, FileManager.default.fileExists(atPath: srcPath) {
            let units = extras?["units"]?.stringValue.flatMap { BVHUnits($0) } ?? .auto
            let up = extras?["up"]?.stringValue.flatMap { UpAxis($0) } ?? .auto
            let source = try MotionSource(bvh: BVHReader.read(path: srcPath), units: units, up: up, label: "source \(srcPath)")
            srcDuration = source.clip.duration
            var opts = RetargetOptions()
            opts.fps = extras?["fps"]?.doubleValue ?? 1 / dt
            opts.ground = ground
            opts.inPlace = extras?["inPlace"] == .bool(true)
            opts.footIK = false
            if let m = extras?["map"]?.stringValue { opts.overrides = (try? RetargetJob.readMapping(path: m, source: source.clip.skeleton, target: sk)) ?? [:] }
            let ref = try Retargeter.retarget(source: source, target: sk, targetMap: tMap, options: opts)
            var ik = Set<String>()
            if case .array(let a)? = extras?["ikJoints"] { for v in a { if let s = v.stringValue { ik.insert(s) } } }
            let S = source.clip.skeleton
            let m = min(frames, ref.sourceSamples.count)
            var total = 0.0, count = 0
            for (tName, sName) in ref.pairs where !ik.contains(tName) {
                guard let t = sk.index(of: tName), let s = S.index(of: sName) else { continue }
                let alignedInv = ref.alignedWorld[t].conjugate, refInv = ref.sourceReference.rotations[s].conjugate
                for f in 0..<m {
                    let dT = rotations[f * n + t] * alignedInv, dS = ref.sourceSamples[f].rotations[s] * refInv
                    total += Quaternion.angleBetween(dT, dS); count += 1
                }
            }
            if count > 0 { rotDiff = total / Double(count) * 180 / .pi }
            // Bone directions, outside and inside the IK legs.
            for inLegs in [false, true] {
                total = 0; count = 0
                for r in BodyRole.allCases {
                    guard let nr = r.next, let t0 = tMap[r], let t1 = tMap[nr], let s0 = source.map[r], let s1 = source.map[nr],
                          ik.contains(sk.names[t0]) == inLegs else { continue }
                    for f in 0..<m {
                        let a = positions[f * n + t1] - positions[f * n + t0]
                        let b = ref.sourceSamples[f].positions[s1] - ref.sourceSamples[f].positions[s0]
                        guard length(a) > 1e-9, length(b) > 1e-9 else { continue }
                        total += acos(max(-1, min(1, dot(normalize(a), normalize(b))))); count += 1
                    }
                }
                if count > 0 { if inLegs { legDiff = total / Double(count) * 180 / .pi } else { dirDiff = total / Double(count) * 180 / .pi } }
            }
        }
        return MotionReport(
            animation: anims[index].name ?? "animation \(index)", frames: frames, fps: frames > 1 ? 1 / dt : 0,
            durationSeconds: times.last ?? 0, sourceDurationSeconds: srcDuration,
            contactFrames: floating.count, skateMmPerFrame: skate.isEmpty ? 0 : skate.reduce(0, +) / Double(skate.count),
            penetrationMaxMm: pen, framesBelow10mm: below,
            floatingMmInContact: floating.isEmpty ? 0 : floating.reduce(0, +) / Double(floating.count),
            boneLengthMaxRelativeError: boneErr, meanRotationDifferenceDeg: rotDiff, meanBoneDirectionDifferenceDeg: dirDiff, meanLegDirectionDifferenceDeg: legDiff,
            jitterMeanJerk: jc > 0 ? jerk / Double(jc) : 0, ground: ground)
    }
}
