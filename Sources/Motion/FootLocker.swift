import Foundation
import Geometry

/// Plants retargeted feet: during each contact the foot is locked (position on the ground,
/// heading kept, sole flat as in the rest pose), reached with `TwoBoneIK`, and blended in
/// and out with a smoothstep over `blendFrames` frames outside the contact. In every frame
/// no foot joint goes below the ground plus its rest height above the floor. When a locked
/// foot is out of the leg's reach the hips are lowered just enough (smoothed).
struct FootLocker {
    let T: Skeleton
    let rest: WorldPose
    /// Rest height of each foot-chain joint above the floor (0 for other joints).
    let restLift: [Double]
    let ground: Double
    /// (upper leg, lower leg, foot, toes) per side.
    let legs: [(Int, Int, Int, Int?)]
    let tHips: Int
    let aligned: [Quaternion]
    let driven: [Bool]
    let frameCount: Int
    let blendFrames: Int
    /// Lock the foot horizontally too (false for in-place clips: the ground moves under the
    /// character, so only the height is locked).
    var horizontalLock = true

    private var footChains: [[Int]] { legs.map { l in (l.2..<T.count).filter { T.isAncestor(l.2, of: $0) } } }

    mutating func apply(world: inout [Quaternion], hips: inout [Vec3], contacts: [[ClosedRange<Int>]]) {
        let nT = T.count
        let scales = T.worldScales
        let chains = footChains
        var pose = WorldPose(count: nT)
        func fk(_ f: Int) {
            // Undriven joints follow their parents; then positions.
            let base = f * nT
            for t in 0..<nT where !driven[t] {
                let p = T.parents[t]
                world[base + t] = (p < 0 ? T.rootBase[t].rotation : world[base + p]) * aligned[t]
            }
            Retargeter.worldPose(T: T, world: world, frame: f, hips: tHips, hipsPosition: hips[f], scales: scales, into: &pose)
        }
        // Free foot transforms.
        var freeP = [[Vec3]](repeating: [Vec3](repeating: .zero, count: frameCount), count: legs.count)
        var freeR = [[Quaternion]](repeating: [Quaternion](repeating: .identity, count: frameCount), count: legs.count)
        for f in 0..<frameCount {
            fk(f)
            for (s, l) in legs.enumerated() { freeP[s][f] = pose.positions[l.2]; freeR[s][f] = pose.rotations[l.2] }
        }
        // Locks and weights.
        let up = Vec3(0, 1, 0)
        var weight = [[Double]](repeating: [Double](repeating: 0, count: frameCount), count: legs.count)
        var lockP = freeP, lockR = freeR
        var lockToe = [[Quaternion]](repeating: [Quaternion](repeating: .identity, count: frameCount), count: legs.count)
        var forwardLocal = [Vec3]()
        for l in legs {
            var fwd = Vec3(0, 0, 1)
            if let toe = l.3 { var d = rest.positions[toe] - rest.positions[l.2]; d.y = 0; if length(d) > 1e-6 { fwd = normalize(d) } }
            forwardLocal.append(rest.rotations[l.2].conjugate.rotate(fwd))
        }
        for (s, l) in legs.enumerated() {
            for c in contacts[s] {
                var mean = Vec3.zero
                for f in c { mean += freeP[s][f] }
                mean /= Double(c.count)
                mean.y = ground + restLift[l.2]
                let mid = (c.lowerBound + c.upperBound) / 2
                var f0 = rest.rotations[l.2].rotate(forwardLocal[s]); f0.y = 0
                var f1 = freeR[s][mid].rotate(forwardLocal[s]); f1.y = 0
                let yaw = Quaternion(axis: up, angle: atan2(cross(normalize(f0), normalize(f1)).y, dot(normalize(f0), normalize(f1))))
                let r = (yaw * rest.rotations[l.2]).normalized
                let toeR = l.3.map { (yaw * rest.rotations[$0]).normalized } ?? .identity
                let lo = max(0, c.lowerBound - blendFrames), hi = min(frameCount - 1, c.upperBound + blendFrames)
                for f in lo...hi {
                    var w = 1.0
                    if f < c.lowerBound { w = smooth(1 - Double(c.lowerBound - f) / Double(blendFrames + 1)) }
                    if f > c.upperBound { w = smooth(1 - Double(f - c.upperBound) / Double(blendFrames + 1)) }
                    let p = horizontalLock ? mean : Vec3(freeP[s][f].x, mean.y, freeP[s][f].z)
                    if w > weight[s][f] { weight[s][f] = w; lockP[s][f] = p; lockR[s][f] = r; lockToe[s][f] = toeR }
                }
            }
        }
        // Lower the hips where a locked foot is out of reach.
        var drop = [Double](repeating: 0, count: frameCount)
        for f in 0..<frameCount {
            fk(f)
            for (s, l) in legs.enumerated() where weight[s][f] > 0 {
                let target = freeP[s][f] + (lockP[s][f] - freeP[s][f]) * weight[s][f]
                let a = pose.positions[l.0]
                let reach = (distance(a, pose.positions[l.1]) + distance(pose.positions[l.1], pose.positions[l.2])) * 0.995
                let d = target - a
                if length(d) > reach {
                    let b = dot(d, up), disc = b * b - dot(d, d) + reach * reach
                    drop[f] = max(drop[f], disc >= 0 ? -b - disc.squareRoot() : max(0, -b))
                }
            }
        }
        let smoothedDrop = Self.smoothUpperEnvelope(drop, radius: blendFrames)
        for f in 0..<frameCount { hips[f].y -= smoothedDrop[f] }
        // IK per frame.
        for f in 0..<frameCount {
            fk(f)
            let base = f * nT
            for (s, l) in legs.enumerated() {
                let w = weight[s][f]
                // The free foot (after any hips drop) blended towards the lock.
                var target = pose.positions[l.2] + (lockP[s][f] - pose.positions[l.2]) * w
                let rot = w > 0 ? Quaternion.slerp(pose.rotations[l.2], lockR[s][f], w) : pose.rotations[l.2]
                // Keep every foot joint above the ground (after the rotation change).
                let dr = rot * pose.rotations[l.2].conjugate
                var deficit = 0.0
                for k in chains[s] {
                    let pk = target + dr.rotate(pose.positions[k] - pose.positions[l.2])
                    deficit = max(deficit, ground + restLift[k] - pk.y)
                }
                if deficit > 0 { target.y += deficit }
                if w == 0 && deficit <= 0 { continue }
                let hint = rot.rotate(forwardLocal[s])
                let sol = TwoBoneIK.solve(a: pose.positions[l.0], b: pose.positions[l.1], c: pose.positions[l.2], target: target, poleHint: hint)
                world[base + l.0] = (sol.rootDelta * world[base + l.0]).normalized
                world[base + l.1] = (sol.middleDelta * world[base + l.1]).normalized
                world[base + l.2] = rot
                if let toe = l.3, w > 0 { world[base + toe] = Quaternion.slerp(world[base + toe], lockToe[s][f], w).normalized }
            }
        }
        // Final guard: any remaining penetration (toes) lifts the foot once more.
        for f in 0..<frameCount {
            fk(f)
            let base = f * nT
            for (s, l) in legs.enumerated() {
                var deficit = 0.0
                for k in chains[s] { deficit = max(deficit, ground + restLift[k] - pose.positions[k].y) }
                guard deficit > 1e-7 else { continue }
                let target = pose.positions[l.2] + Vec3(0, deficit, 0)
                let sol = TwoBoneIK.solve(a: pose.positions[l.0], b: pose.positions[l.1], c: pose.positions[l.2], target: target,
                                          poleHint: pose.rotations[l.2].rotate(forwardLocal[s]))
                world[base + l.0] = (sol.rootDelta * world[base + l.0]).normalized
                world[base + l.1] = (sol.middleDelta * world[base + l.1]).normalized
                fk(f)
                // Out of reach (e.g. lying on the floor): lift the whole body instead.
                var rest = 0.0
                for k in chains[s] { rest = max(rest, ground + restLift[k] - pose.positions[k].y) }
                if rest > 1e-7 { hips[f].y += rest; fk(f) }
            }
        }
    }

    private func smooth(_ x: Double) -> Double { let t = max(0, min(1, x)); return t * t * (3 - 2 * t) }

    /// A smooth curve at or above `v`: a running max over ±radius, then a running mean.
    static func smoothUpperEnvelope(_ v: [Double], radius: Int) -> [Double] {
        let n = v.count
        guard radius > 0, n > 0 else { return v }
        var m = v
        for i in 0..<n { for k in max(0, i - radius)...min(n - 1, i + radius) { m[i] = max(m[i], v[k]) } }
        var out = m
        for i in 0..<n {
            var s = 0.0, c = 0.0
            for k in max(0, i - radius)...min(n - 1, i + radius) { s += m[k]; c += 1 }
            out[i] = max(s / c, v[i])
        }
        return out
    }
}
