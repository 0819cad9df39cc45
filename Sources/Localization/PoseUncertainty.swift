import Foundation
import Geometry

/// The camera centre's standard deviation, in metres, implied by a pose's inliers: the
/// Gauss–Newton covariance σ²(JᵀJ)⁻¹ of the six pose parameters (rotation, centre) under
/// pixel noise σ = the inliers' RMSE (at least `minPixelSigma`), with the map points held
/// fixed; the square root of the centre block's trace. It grows where the inliers constrain
/// the pose poorly: few of them, far away, on one plane seen head-on or from one side.
/// Infinity when fewer than 6 inliers project or the system is singular.
/// `relative` is the same divided by the inliers' median depth: a scale-free figure that
/// means the same on a metric map and on one in the reconstruction's own units.
func cameraCentreSigma(_ pose: Rigid3, intrinsics k: CameraIntrinsics, points: [Vec3], pixels: [Vec2], inliers: [Bool],
                       rmse: Double, minPixelSigma: Double = 0.5) -> (metres: Double, relative: Double) {
    let centre = pose.centerOfTargetInSource
    // Parameters: a small rotation applied in the camera frame, and a shift of the centre.
    func project(_ x: Vec3, _ p: [Double]) -> Vec2? {
        let dq = Quaternion(rotationVector: Vec3(p[0], p[1], p[2]))
        let c = centre + Vec3(p[3], p[4], p[5])
        return k.project(dq.rotate(pose.rotation * (x - c)))
    }
    var jtj = [Double](repeating: 0, count: 36)
    var used = 0
    var depths: [Double] = []
    let step = 1e-6
    for i in points.indices where inliers[i] {
        var columns: [Vec2] = []
        columns.reserveCapacity(6)
        var ok = true
        for j in 0..<6 {
            var plus = [Double](repeating: 0, count: 6), minus = plus
            plus[j] = step; minus[j] = -step
            guard let a = project(points[i], plus), let b = project(points[i], minus) else { ok = false; break }
            columns.append((a - b) / (2 * step))
        }
        guard ok else { continue }
        used += 1
        depths.append(pose.apply(points[i]).z)
        for r in 0..<6 {
            for c in r..<6 { jtj[r * 6 + c] += dot(columns[r], columns[c]) }
        }
    }
    guard used >= 6 else { return (.infinity, .infinity) }
    for r in 0..<6 { for c in 0..<r { jtj[r * 6 + c] = jtj[c * 6 + r] } }
    guard let inverse = invert6(jtj) else { return (.infinity, .infinity) }
    let sigma2 = max(rmse, minPixelSigma) * max(rmse, minPixelSigma)
    let trace = inverse[3 * 6 + 3] + inverse[4 * 6 + 4] + inverse[5 * 6 + 5]
    guard trace > 0 else { return (.infinity, .infinity) }
    let sigma = (sigma2 * trace).squareRoot()
    depths.sort()
    let depth = depths[depths.count / 2]
    return (sigma, depth > 0 ? sigma / depth : .infinity)
}

/// Gauss–Jordan inverse of a 6×6 row-major matrix with partial pivoting; nil when singular.
private func invert6(_ m: [Double]) -> [Double]? {
    let n = 6
    var a = m, inv = [Double](repeating: 0, count: 36)
    for i in 0..<n { inv[i * n + i] = 1 }
    let scale = (0..<n).map { abs(m[$0 * n + $0]) }.max() ?? 0
    guard scale > 0 else { return nil }
    for col in 0..<n {
        var pivot = col
        for r in (col + 1)..<n where abs(a[r * n + col]) > abs(a[pivot * n + col]) { pivot = r }
        guard abs(a[pivot * n + col]) > 1e-12 * scale else { return nil }
        if pivot != col {
            for c in 0..<n { a.swapAt(pivot * n + c, col * n + c); inv.swapAt(pivot * n + c, col * n + c) }
        }
        let d = a[col * n + col]
        for c in 0..<n { a[col * n + c] /= d; inv[col * n + c] /= d }
        for r in 0..<n where r != col {
            let f = a[r * n + col]
            guard f != 0 else { continue }
            for c in 0..<n { a[r * n + c] -= f * a[col * n + c]; inv[r * n + c] -= f * inv[col * n + c] }
        }
    }
    return inv
}
