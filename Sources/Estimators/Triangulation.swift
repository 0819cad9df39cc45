import Foundation
import Geometry

/// One view of a point to triangulate: the camera's pose and the undistorted normalized
/// image coordinates (x/z, y/z) of the observation, e.g. `intrinsics.ray(through: pixel)`.
public struct TriangulationView: Sendable, Equatable {
    public var cameraFromWorld: Rigid3
    public var normalized: Vec2
    public init(cameraFromWorld: Rigid3, normalized: Vec2) {
        self.cameraFromWorld = cameraFromWorld; self.normalized = normalized
    }
}

/// Linear multi-view triangulation (DLT, Hartley & Zisserman §12.2) in normalized
/// coordinates. Returns nil with fewer than 2 views or a degenerate configuration.
public func triangulatePoint(_ views: [TriangulationView]) -> Vec3? {
    guard views.count >= 2 else { return nil }
    // AᵀA accumulated directly (4×4): rows x·P₃ − P₁ and y·P₃ − P₂, each normalized.
    var ata = [Double](repeating: 0, count: 16)
    for v in views {
        let R = v.cameraFromWorld.rotation.matrix, t = v.cameraFromWorld.translation
        let P = [[R[0, 0], R[0, 1], R[0, 2], t.x], [R[1, 0], R[1, 1], R[1, 2], t.y], [R[2, 0], R[2, 1], R[2, 2], t.z]]
        for (coord, row) in [(v.normalized.x, 0), (v.normalized.y, 1)] {
            var r = (0..<4).map { coord * P[2][$0] - P[row][$0] }
            let n = (r.reduce(0) { $0 + $1 * $1 }).squareRoot()
            guard n > 0 else { continue }
            r = r.map { $0 / n }
            for i in 0..<4 { for j in 0..<4 { ata[i * 4 + j] += r[i] * r[j] } }
        }
    }
    let e = symmetricEigen(ata, n: 4)
    let h = e.vectors[3]
    guard abs(h[3]) > 1e-12 else { return nil }
    let X = Vec3(h[0] / h[3], h[1] / h[3], h[2] / h[3])
    return X.isFinite ? X : nil
}

/// The largest angle (radians) between the viewing rays from the camera centres to `point`.
public func maxTriangulationAngle(_ point: Vec3, centers: [Vec3]) -> Double {
    var best = 0.0
    let rays = centers.map { normalize(point - $0) }
    for i in 0..<rays.count {
        for j in (i + 1)..<rays.count {
            best = max(best, acos(max(-1, min(1, dot(rays[i], rays[j])))))
        }
    }
    return best
}
