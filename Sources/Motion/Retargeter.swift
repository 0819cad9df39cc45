import Foundation
import Geometry

/// Options of `Retargeter`; the CLI and batch jobs share them.
public struct RetargetOptions: Sendable {
    /// Output frame rate (frames per second, > 0). Engines such as RealityKit need a fixed one.
    public var fps: Double = 30
    /// Remove the horizontal root motion (the character stays over its origin).
    public var inPlace = false
    /// Ground height in metres in the character's frame; feet are planted on it. nil keeps
    /// the source's vertical placement (scaled), with no contact locking.
    public var ground: Double? = 0
    /// Lock feet on the ground during contacts with two-bone IK.
    public var footIK = true
    /// Blend in/out of a foot lock, seconds.
    public var blendSeconds = 0.15
    /// Each detected contact is widened by this much on both sides (seconds).
    public var contactPaddingSeconds = 0.04
    /// Source bone → target bone pairs that replace the automatic mapping for those target bones.
    public var overrides: [String: String] = [:]
    public var contacts = FootContactDetector()
    public init() {}
}

/// A retargeted animation on the target skeleton, with what was decided on the way.
public struct RetargetResult: Sendable {
    /// Local transforms of the target skeleton (its own joint order), at `options.fps`.
    public var clip: SkeletalClip
    /// Output frame times in seconds (the last one is the source's duration).
    public var times: [Double]
    /// Contact intervals per foot [left, right], in output frames.
    public var contacts: [[ClosedRange<Int>]]
    /// Target joint ← source joint pairs (names) driven directly, for reports.
    public var pairs: [(target: String, source: String)]
    /// Target joints whose rotation foot IK changes (legs and feet).
    public var ikJoints: [String]
    /// Target / source leg length.
    public var scale: Double
    public var groundHeight: Double?
    /// Target feet joints [left, right] and their rest heights above the floor (metres).
    public var feet: [String]
    /// World rotation of each target joint (target order) in the aligned reference pose.
    public var alignedWorld: [Quaternion]
    /// The source's reference pose and its world poses sampled at `times`.
    public var sourceReference: WorldPose
    public var sourceSamples: [WorldPose]
}

/// Maps a mocap source onto a target skeleton.
///
/// Method: both skeletons are compared in world space (Y up, metres). The target is first
/// posed like the source's reference pose (rest or frame 0): the hips by their up/left frame,
/// then each mapped bone, parents first, by the shortest rotation taking its direction onto
/// the source bone's (A-pose vs T-pose, other bone axes). A mapped joint then gets the world
/// rotation `R_src(t) · R_src,ref⁻¹ · R_tgt,aligned`: the source's rotation relative to its
/// reference, applied to the aligned target. Spine and neck chains of different lengths
/// interpolate those relative rotations by arc length. Unmapped joints keep their rest local
/// rotation; translations keep the target's rest offsets (bone lengths exact), except the
/// hips, which follow the source scaled by the ratio of leg lengths. Foot contacts from the
/// source then lock each target foot on the ground with two-bone IK, blended in and out.
public enum Retargeter {
    public static func retarget(source: MotionSource, target: Skeleton, targetMap: BodyMap,
                                options: RetargetOptions = RetargetOptions()) throws -> RetargetResult {
        guard options.fps > 0, options.fps.isFinite else { throw MotionError.invalidInput("--fps must be positive") }
        let src = source.clip
        let S = src.skeleton
        let sMap = source.map
        // Working target skeleton: virtual parents applied, parents-first.
        let (T, order) = target.reparented(targetMap.virtualParents)
        var newIndex = [Int](repeating: 0, count: T.count)
        for (i, o) in order.enumerated() { newIndex[o] = i }
        let tMap = targetMap.remapped(newIndex)
        let nT = T.count, nS = S.count
        guard let tHips = tMap[.hips], let sHips = sMap[.hips] else { throw MotionError.invalidInput("no hips") }

        // Reference poses.
        let sRef = source.referencePose()
        let tRest = T.restWorld()
        let sRefInv = sRef.rotations.map(\.conjugate)

        // Drivers.
        enum Driver { case none, direct(Int), chain(Int, Int, Double) }
        var drivers = [Driver](repeating: .none, count: nT)
        var pairs = [(Int, Int)]()
        for r in BodyRole.allCases where r != .chest {
            if let t = tMap[r], let s = sMap[r] { drivers[t] = .direct(s); pairs.append((t, s)) }
        }
        // Chains: spine (hips → chest) and neck (chest → head), by arc length.
        func params(_ chain: [Int], _ pos: [Vec3]) -> [Double] {
            var u = [0.0], acc = 0.0
            for i in 1..<chain.count { acc += distance(pos[chain[i]], pos[chain[i - 1]]); u.append(acc) }
            return acc > 0 ? u.map { $0 / acc } : u.indices.map { Double($0) / Double(max(chain.count - 1, 1)) }
        }
        var chainInfo = [(tChain: [Int], sChain: [Int], tU: [Double], sU: [Double])]()
        if let sChest = sMap[.chest], let tChest = tMap[.chest] {
            let sSpine = [sHips] + sMap.spine, tSpine = [tHips] + tMap.spine
            chainInfo.append((tSpine, sSpine, params(tSpine, tRest.positions), params(sSpine, sRef.positions)))
            if let sHead = sMap[.head], let tHead = tMap[.head] {
                let sNeck = [sChest] + sMap.neck + [sHead], tNeck = [tChest] + tMap.neck + [tHead]
                chainInfo.append((tNeck, sNeck, params(tNeck, tRest.positions), params(sNeck, sRef.positions)))
            }
        }
        for c in chainInfo {
            for (i, t) in c.tChain.enumerated() where i > 0 && i < c.tChain.count - 1 || (i == c.tChain.count - 1 && t == tMap[.chest]) {
                let u = c.tU[i]
                var k = 0
                while k + 1 < c.sU.count - 1 && c.sU[k + 1] < u { k += 1 }
                let a = c.sChain[k], b = c.sChain[min(k + 1, c.sChain.count - 1)]
                let span = c.sU[min(k + 1, c.sU.count - 1)] - c.sU[k]
                let w = span > 0 ? max(0, min(1, (u - c.sU[k]) / span)) : 1
                drivers[t] = .chain(a, b, w)
            }
        }
        // Overrides from a mapping file.
        for (sName, tName) in options.overrides {
            guard let s = S.index(of: sName) else { throw MotionError.mappingUnknownBone(file: "mapping", bone: sName, skeleton: "source") }
            guard let t0 = target.index(of: tName) else { throw MotionError.mappingUnknownBone(file: "mapping", bone: tName, skeleton: "target") }
            let t = newIndex[t0]
            drivers[t] = .direct(s)
            pairs.removeAll { $0.0 == t }
            pairs.append((t, s))
        }

        // Rest alignment: pose the target like the source reference.
        var aligned = T.restLocal.map(\.rotation)
        var alignedPose = tRest
        func refreshAligned() {
            T.forwardKinematics(rotations: aligned, translations: T.restLocal.map(\.translation), frame: 0, into: &alignedPose)
        }
        func sourcePoint(_ c: (tChain: [Int], sChain: [Int], tU: [Double], sU: [Double]), _ u: Double) -> Vec3 {
            var k = 0
            while k + 1 < c.sU.count - 1 && c.sU[k + 1] < u { k += 1 }
            let a = sRef.positions[c.sChain[k]], b = sRef.positions[c.sChain[min(k + 1, c.sChain.count - 1)]]
            let span = c.sU[min(k + 1, c.sU.count - 1)] - c.sU[k]
            let w = span > 0 ? max(0, min(1, (u - c.sU[k]) / span)) : 0
            return a + (b - a) * w
        }
        func childMean(_ sk: Skeleton, _ pose: WorldPose, _ j: Int) -> Vec3? {
            let ch = (0..<sk.count).filter { sk.parents[$0] == j }
            let pts = ch.map { pose.positions[$0] }.filter { distance($0, pose.positions[j]) > 1e-6 }
            guard !pts.isEmpty else { return nil }
            return pts.reduce(Vec3.zero, +) / Double(pts.count)
        }
        func rotateWorld(_ j: Int, _ q: Quaternion) {
            let world = q * alignedPose.rotations[j]
            aligned[j] = T.localRotation(j, world: world, pose: alignedPose)
            refreshAligned()
        }
        // Hips: match the up (hips → chest) and left (right thigh → left thigh) frame.
        func bodyFrame(_ pose: WorldPose, _ m: BodyMap) -> Matrix3? {
            guard let h = m[.hips], let c = m[.chest], let l = m[.leftUpperLeg], let r = m[.rightUpperLeg] else { return nil }
            let upV = normalize(pose.positions[c] - pose.positions[h])
            var left = pose.positions[l] - pose.positions[r]
            left = normalize(left - upV * dot(left, upV))
            return Matrix3(columns: left, upV, cross(left, upV))
        }
        if let fs = bodyFrame(sRef, sMap), let ft = bodyFrame(alignedPose, tMap) {
            rotateWorld(tHips, Quaternion(fs * ft.transposed))
        }
        let sChildren = S.children
        for t in 0..<nT where t != tHips {
            var dT: Vec3?, dS: Vec3?
            if let r = tMap.roles.first(where: { $0.value == t && $0.key != .chest })?.key, let s = sMap[r] {
                if let nr = r.next, let tn = tMap[nr], let sn = sMap[nr] {
                    dT = alignedPose.positions[tn] - alignedPose.positions[t]; dS = sRef.positions[sn] - sRef.positions[s]
                } else if let nr = r.next, let sn = sMap[nr], tMap[nr] == nil, let tc = childMean(T, alignedPose, t) {
                    dT = tc - alignedPose.positions[t]; dS = sRef.positions[sn] - sRef.positions[s]
                } else if [.leftHand, .rightHand, .head, .leftToes, .rightToes, .leftFoot, .rightFoot].contains(r),
                          let tc = childMean(T, alignedPose, t), !sChildren[s].isEmpty, let sc = childMean(S, sRef, s) {
                    dT = tc - alignedPose.positions[t]; dS = sc - sRef.positions[s]
                }
            } else if case .chain = drivers[t] {
                for c in chainInfo {
                    guard let i = c.tChain.firstIndex(of: t), i + 1 < c.tChain.count else { continue }
                    dT = alignedPose.positions[c.tChain[i + 1]] - alignedPose.positions[t]
                    dS = sourcePoint(c, c.tU[i + 1]) - sourcePoint(c, c.tU[i])
                }
            }
            if let dT, let dS, length(dT) > 1e-9, length(dS) > 1e-9 { rotateWorld(t, Quaternion(from: dT, to: dS)) }
        }
        let alignedWorld = alignedPose.rotations
        var K = [Quaternion](repeating: .identity, count: nT)
        for t in 0..<nT { if case .direct(let s) = drivers[t] { K[t] = (sRefInv[s] * alignedWorld[t]).normalized } }

        // Proportions.
        func legLength(_ m: BodyMap, _ pose: WorldPose) -> Double {
            var total = 0.0
            for (u, l, f) in [(BodyRole.leftUpperLeg, BodyRole.leftLowerLeg, BodyRole.leftFoot), (.rightUpperLeg, .rightLowerLeg, .rightFoot)] {
                if let u = m[u], let l = m[l], let f = m[f] { total += distance(pose.positions[u], pose.positions[l]) + distance(pose.positions[l], pose.positions[f]) }
            }
            return total / 2
        }
        let sLeg = legLength(sMap, sRef), tLeg = legLength(tMap, tRest)
        guard sLeg > 0, tLeg > 0 else { throw MotionError.invalidInput("a leg has zero length") }
        let scale = tLeg / sLeg
        func footChain(_ sk: Skeleton, _ foot: Int) -> [Int] { (foot..<sk.count).filter { sk.isAncestor(foot, of: $0) } }
        let sFeet = [sMap[.leftFoot]!, sMap[.rightFoot]!], tFeet = [tMap[.leftFoot]!, tMap[.rightFoot]!]
        let sFootChains = sFeet.map { footChain(S, $0) }, tFootChains = tFeet.map { footChain(T, $0) }
        func sole(_ pose: WorldPose, _ chains: [[Int]]) -> Double { chains.joined().map { pose.positions[$0].y }.min()! }
        let sSoleRef = sole(sRef, sFootChains), tSoleRest = sole(tRest, tFootChains)
        let Hs = sRef.positions[sHips].y - sSoleRef, Ht = tRest.positions[tHips].y - tSoleRest
        let floorT = (tSoleRest >= 0 && tSoleRest <= 0.1 * Ht) ? 0 : tSoleRest
        // Rest heights of target foot joints above the floor (the sole under each joint).
        var restLift = [Double](repeating: 0, count: nT)
        for j in tFootChains.joined() { restLift[j] = tRest.positions[j].y - floorT }

        // Output times.
        let duration = src.duration
        let frameCount = max(1, Int((duration * options.fps - 1e-9).rounded(.up)) + 1)
        let times = (0..<frameCount).map { min(Double($0) / options.fps, duration) }

        // Source sampled at output times (world poses), and its ground.
        var sPoses = [WorldPose]()
        sPoses.reserveCapacity(frameCount)
        var localR = [Quaternion](repeating: .identity, count: nS), localT = [Vec3](repeating: .zero, count: nS)
        var sPose = WorldPose(count: nS)
        for f in 0..<frameCount {
            let x = src.frameCount > 1 ? times[f] / src.frameTime : 0
            let f0 = min(Int(x), src.frameCount - 1), f1 = min(f0 + 1, src.frameCount - 1)
            let a = x - Double(f0)
            let b0 = f0 * nS, b1 = f1 * nS
            for j in 0..<nS {
                localR[j] = a < 1e-9 ? src.rotations[b0 + j] : Quaternion.slerp(src.rotations[b0 + j], src.rotations[b1 + j], a)
                localT[j] = src.translations[b0 + j] + (src.translations[b1 + j] - src.translations[b0 + j]) * a
            }
            S.forwardKinematics(rotations: localR, translations: localT, frame: 0, into: &sPose)
            sPoses.append(sPose)
        }
        let soleHeights = sPoses.map { sole($0, sFootChains) }
        let sGround = soleHeights.sorted()[min(frameCount - 1, frameCount / 20)]

        // Retarget every frame: world rotations of the working skeleton and hips positions.
        var tWorld = [Quaternion](repeating: .identity, count: frameCount * nT)
        var hipsPos = [Vec3](repeating: .zero, count: frameCount)
        let tRestHips = tRest.positions[tHips], sRefHips = sRef.positions[sHips]
        var driven = [Bool](repeating: false, count: nT)
        for t in 0..<nT { if case .none = drivers[t] {} else { driven[t] = true } }
        driven[tHips] = true
        if case .none = drivers[tHips] { drivers[tHips] = .direct(sHips); K[tHips] = (sRefInv[sHips] * alignedWorld[tHips]).normalized }
        for f in 0..<frameCount {
            let sp = sPoses[f]
            let base = f * nT
            for t in 0..<nT {
                switch drivers[t] {
                case .none:
                    let p = T.parents[t]
                    let parentR = p < 0 ? T.rootBase[t].rotation : tWorld[base + p]
                    tWorld[base + t] = parentR * aligned[t]
                case .direct(let s):
                    tWorld[base + t] = sp.rotations[s] * K[t]
                case .chain(let a, let b, let w):
                    let da = sp.rotations[a] * sRefInv[a], db = sp.rotations[b] * sRefInv[b]
                    tWorld[base + t] = (Quaternion.slerp(da, db, w) * alignedWorld[t]).normalized
                }
            }
            let sh = sp.positions[sHips]
            var p: Vec3
            if let g = options.ground {
                p = tRestHips + (sh - sRefHips) * scale
                p.y = g + (tSoleRest - floorT) + Ht + scale * ((sh.y - sGround) - Hs)
            } else {
                p = tRestHips + (sh - sRefHips) * scale
            }
            if options.inPlace { p.x = tRestHips.x; p.z = tRestHips.z }
            hipsPos[f] = p
        }

        // Foot contacts and IK.
        var contacts: [[ClosedRange<Int>]] = [[], []]
        var ikJoints = [Int]()
        let frameTime = 1 / options.fps
        if options.footIK, let ground = options.ground {
            let legs = [(tMap[.leftUpperLeg]!, tMap[.leftLowerLeg]!, tFeet[0], tMap[.leftToes]),
                        (tMap[.rightUpperLeg]!, tMap[.rightLowerLeg]!, tFeet[1], tMap[.rightToes])]
            for (side, sFoot) in sFeet.enumerated() {
                let heights = sPoses.map { p in sFootChains[side].map { p.positions[$0].y }.min()! - sGround }
                let positions = sPoses.map { $0.positions[sFoot] }
                // Widen each contact a little: the source foot is already nearly still there.
                let pad = Int((options.contactPaddingSeconds * options.fps).rounded())
                contacts[side] = options.contacts.detect(heights: heights, positions: positions, frameTime: frameTime, legLength: sLeg)
                    .map { max(0, $0.lowerBound - pad)...min(frameCount - 1, $0.upperBound + pad) }
                var merged = [ClosedRange<Int>]()
                for r in contacts[side] {
                    if let last = merged.last, r.lowerBound <= last.upperBound + 1 { merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound) }
                    else { merged.append(r) }
                }
                contacts[side] = merged
            }
            var ik = FootLocker(T: T, rest: tRest, restLift: restLift, ground: ground, legs: legs, tHips: tHips,
                                aligned: aligned, driven: driven, frameCount: frameCount,
                                blendFrames: max(1, Int((options.blendSeconds * options.fps).rounded())))
            ik.horizontalLock = !options.inPlace
            ik.apply(world: &tWorld, hips: &hipsPos, contacts: contacts)
            for l in legs { ikJoints += [l.0, l.1, l.2] + (l.3.map { [$0] } ?? []) }
        }

        // Back to local transforms of the real target skeleton.
        let nR = target.count
        var outR = [Quaternion](repeating: .identity, count: frameCount * nR)
        var outT = [Vec3](repeating: .zero, count: frameCount * nR)
        var pose = WorldPose(count: nT)
        let tScales = T.worldScales
        for f in 0..<frameCount {
            worldPose(T: T, world: tWorld, frame: f, hips: tHips, hipsPosition: hipsPos[f], scales: tScales, into: &pose)
            for j in 0..<nR {
                let w = newIndex[j]
                let p = target.parents[j]
                let (pr, pp, ps): (Quaternion, Vec3, Double)
                if p < 0 { let b = target.rootBase[j]; (pr, pp, ps) = (b.rotation, b.translation, b.scale) }
                else { let q = newIndex[p]; (pr, pp, ps) = (pose.rotations[q], pose.positions[q], pose.scales[q]) }
                let inv = pr.conjugate
                outR[f * nR + j] = (inv * pose.rotations[w]).normalized
                outT[f * nR + j] = inv.rotate(pose.positions[w] - pp) / ps
            }
        }
        let clip = SkeletalClip(skeleton: target, frameTime: frameTime, frameCount: frameCount, rotations: outR, translations: outT)
        return RetargetResult(
            clip: clip, times: times, contacts: contacts,
            pairs: pairs.map { (target.names[order[$0.0]], S.names[$0.1]) },
            ikJoints: ikJoints.map { target.names[order[$0]] }, scale: scale, groundHeight: options.ground,
            feet: tFeet.map { target.names[order[$0]] },
            alignedWorld: (0..<target.count).map { alignedWorld[newIndex[$0]] },
            sourceReference: sRef, sourceSamples: sPoses)
    }

    /// Positions from world rotations: every joint at its parent's position plus its rest
    /// offset, except the hips (given).
    static func worldPose(T: Skeleton, world: [Quaternion], frame f: Int, hips: Int, hipsPosition: Vec3, scales: [Double], into pose: inout WorldPose) {
        let nT = T.count, base = f * nT
        for t in 0..<nT {
            pose.rotations[t] = world[base + t]
            pose.scales[t] = scales[t]
            let p = T.parents[t]
            if t == hips { pose.positions[t] = hipsPosition }
            else if p < 0 { pose.positions[t] = T.rootBase[t].apply(T.restLocal[t].translation) }
            else { pose.positions[t] = pose.positions[p] + world[base + p].rotate(T.restLocal[t].translation) * scales[p] }
        }
    }
}

extension Skeleton {
    /// A copy where some joints hang under other parents (`child → new parent`), keeping
    /// their rest world transforms, re-sorted parents-first. `order[i]` is the original
    /// index of joint `i` in the copy.
    public func reparented(_ newParents: [Int: Int]) -> (Skeleton, [Int]) {
        if newParents.isEmpty { return (self, Array(0..<count)) }
        let rest = restWorld()
        var par = parents
        for (c, p) in newParents { par[c] = p }
        var order = [Int](), visited = [Bool](repeating: false, count: count)
        var kids = Array(repeating: [Int](), count: count)
        for j in 0..<count where par[j] >= 0 { kids[par[j]].append(j) }
        func visit(_ j: Int) { visited[j] = true; order.append(j); for c in kids[j] where !visited[c] { visit(c) } }
        for j in 0..<count where par[j] < 0 { visit(j) }
        var idx = [Int](repeating: 0, count: count)
        for (i, o) in order.enumerated() { idx[o] = i }
        var locals = [Rigid3](), bases = [Sim3](), newPar = [Int]()
        for o in order {
            if let p = newParents[o] {
                let pr = rest.rotations[p].conjugate
                locals.append(Rigid3(rotation: (pr * rest.rotations[o]).normalized,
                                     translation: pr.rotate(rest.positions[o] - rest.positions[p]) / rest.scales[p]))
            } else { locals.append(restLocal[o]) }
            bases.append(rootBase[o])
            newPar.append(par[o] < 0 ? -1 : idx[par[o]])
        }
        return (Skeleton(names: order.map { names[$0] }, parents: newPar, restLocal: locals,
                         isEndSite: order.map { isEndSite[$0] }, rootBase: bases), order)
    }
}

extension BodyMap {
    /// The same map with joint indices renumbered (`newIndex[old]`).
    func remapped(_ newIndex: [Int]) -> BodyMap {
        BodyMap(roles: roles.mapValues { newIndex[$0] }, spine: spine.map { newIndex[$0] }, neck: neck.map { newIndex[$0] },
                virtualParents: Dictionary(uniqueKeysWithValues: virtualParents.map { (newIndex[$0.key], newIndex[$0.value]) }))
    }
}
