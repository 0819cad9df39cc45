import Foundation
import Geometry

/// Analytic two-bone IK (hip–knee–ankle, shoulder–elbow–wrist) by the law of cosines.
///
/// Keeps the bend plane of the current pose (the side of the line root→effector the
/// middle joint is on), so knees keep bending forward. Bone lengths never change.
public enum TwoBoneIK {
    /// Result: the world rotation deltas to apply to the root and middle joints, and the
    /// effector position reached (equal to `target` when it is reachable).
    public struct Solution: Sendable {
        /// Apply as `newRootWorld = rootDelta * rootWorld`.
        public var rootDelta: Quaternion
        /// Apply as `newMiddleWorld = middleDelta * middleWorld`.
        public var middleDelta: Quaternion
        public var middle: Vec3
        public var end: Vec3
        public var reached: Bool
    }

    /// Solves for joint positions `a` (root), `b` (middle), `c` (effector) reaching `target`.
    /// - Parameter poleHint: bend direction used when the chain is straight (any vector
    ///   not parallel to the limb; e.g. the knee's forward).
    public static func solve(a: Vec3, b: Vec3, c: Vec3, target: Vec3, poleHint: Vec3) -> Solution {
        let l1 = distance(a, b), l2 = distance(b, c)
        let toTarget = target - a
        var d = length(toTarget)
        let maxReach = l1 + l2, minReach = abs(l1 - l2)
        let reached = d <= maxReach * (1 - 1e-12) && d >= minReach * (1 + 1e-12)
        d = min(max(d, minReach * (1 + 1e-9) + 1e-12), maxReach * (1 - 1e-12))
        let dir = length(toTarget) > 1e-12 ? toTarget / length(toTarget) : normalize(c - a)
        // Bend direction: the middle joint's offset from the root→target line.
        var bend = (b - a) - dir * dot(b - a, dir)
        if length(bend) < 1e-9 * max(l1, 1e-9) { bend = poleHint - dir * dot(poleHint, dir) }
        bend = normalize(bend)
        let cosA = max(-1, min(1, (l1 * l1 + d * d - l2 * l2) / (2 * l1 * d)))
        let sinA = (1 - cosA * cosA).squareRoot()
        let newB = a + (dir * cosA + bend * sinA) * l1
        let newC = a + dir * d
        let rootDelta = Quaternion(from: b - a, to: newB - a)
        let movedLower = rootDelta * (c - b)
        let middleDelta = Quaternion(from: movedLower, to: newC - newB) * rootDelta
        return Solution(rootDelta: rootDelta, middleDelta: middleDelta, middle: newB, end: newC, reached: reached)
    }
}
