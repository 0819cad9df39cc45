import Foundation
import Geometry
import Reconstruction

/// 2D–3D correspondences: query keypoint `keypoint` sees map point `point`.
struct Correspondence: Sendable {
    var keypoint: Int
    var point: Int
    var distance: Float
}

/// Cold matching: every query descriptor against the map's observation descriptors.
///
/// The ratio test compares the best neighbour with the best neighbour belonging to a
/// *different* 3D point (observations of one point are near-duplicates and would fail a
/// plain ratio test). Each 3D point then keeps only its closest query keypoint, so one
/// point votes once.
func matchToMap(_ features: FeatureSet, index: MapIndex, options: LocalizationOptions) throws -> [Correspondence] {
    guard features.count > 0 else { return [] }
    let k = min(options.neighbours, index.rowCount)
    let (rows, distances) = try index.index.knn(features.descriptors, k: k, checks: options.searchChecks)
    var bestForPoint: [Int: Correspondence] = [:]
    for q in 0..<features.count {
        let base = q * k
        let bestRow = rows[base]
        guard bestRow >= 0 else { continue }
        let bestPoint = Int(index.rowPoint[Int(bestRow)])
        let d0 = distances[base]
        var second = Float.infinity
        for j in 1..<k {
            let row = rows[base + j]
            guard row >= 0 else { break }
            if Int(index.rowPoint[Int(row)]) != bestPoint { second = distances[base + j]; break }
        }
        // A second distinct point beyond the k neighbours: its distance is at least the last one seen.
        if second == .infinity, k > 1, rows[base + k - 1] >= 0 { second = distances[base + k - 1] }
        if second.isFinite, d0 > options.ratio * second { continue }
        if let existing = bestForPoint[bestPoint], existing.distance <= d0 { continue }
        bestForPoint[bestPoint] = Correspondence(keypoint: q, point: bestPoint, distance: d0)
    }
    return bestForPoint.values.sorted { $0.keypoint < $1.keypoint }
}

/// Tracking-prior matching: map points projected with the prior pose are matched only
/// against query keypoints within `options.priorWindowPixels` of their projection
/// (descriptor distance to the point's nearest observation, ratio test inside the window).
func matchWithPrior(_ features: FeatureSet, index: MapIndex, cameraFromLandmark prior: Rigid3,
                    intrinsics: CameraIntrinsics, options: LocalizationOptions) -> [Correspondence] {
    let radius = options.priorWindowPixels
    let cell = max(8.0, radius)
    let cols = Int((Double(features.imageWidth) / cell).rounded(.up)) + 1
    let rowsCount = Int((Double(features.imageHeight) / cell).rounded(.up)) + 1
    var grid = [[Int]](repeating: [], count: cols * rowsCount)
    for (i, kp) in features.keypoints.enumerated() {
        let cx = Int(Double(kp.x) / cell), cy = Int(Double(kp.y) / cell)
        guard cx >= 0, cy >= 0, cx < cols, cy < rowsCount else { continue }
        grid[cy * cols + cx].append(i)
    }
    let bytes = index.kind.descriptorBytes
    var bestForKeypoint: [Int: Correspondence] = [:]
    index.descriptors.withUnsafeBufferPointer { mapDesc in
        features.descriptors.withUnsafeBufferPointer { queryDesc in
            for p in 0..<index.pointCount {
                let pc = prior.apply(index.positions[p])
                guard pc.z > 1e-6, let uv = intrinsics.project(pc),
                      uv.x >= -radius, uv.y >= -radius,
                      uv.x < Double(features.imageWidth) + radius, uv.y < Double(features.imageHeight) + radius else { continue }
                let (start, count) = index.pointRows[p]
                var best = Float.infinity, second = Float.infinity, bestKeypoint = -1
                let gx0 = max(0, Int((uv.x - radius) / cell)), gx1 = min(cols - 1, Int((uv.x + radius) / cell))
                let gy0 = max(0, Int((uv.y - radius) / cell)), gy1 = min(rowsCount - 1, Int((uv.y + radius) / cell))
                guard gx0 <= gx1, gy0 <= gy1 else { continue }
                for gy in gy0...gy1 {
                    for gx in gx0...gx1 {
                        for kpi in grid[gy * cols + gx] {
                            let kp = features.keypoints[kpi]
                            let dx = Double(kp.x) - uv.x, dy = Double(kp.y) - uv.y
                            guard dx * dx + dy * dy <= radius * radius else { continue }
                            var d = Float.infinity
                            for r in Int(start)..<Int(start + count) {
                                d = min(d, descriptorDistance(mapDesc.baseAddress! + r * bytes,
                                                              queryDesc.baseAddress! + kpi * bytes, bytes, index.kind == .orb))
                            }
                            if d < best { second = best; best = d; bestKeypoint = kpi } else if d < second { second = d }
                        }
                    }
                }
                guard bestKeypoint >= 0, !(second.isFinite && best > options.ratio * second) else { continue }
                if let existing = bestForKeypoint[bestKeypoint], existing.distance <= best { continue }
                bestForKeypoint[bestKeypoint] = Correspondence(keypoint: bestKeypoint, point: p, distance: best)
            }
        }
    }
    return bestForKeypoint.values.sorted { $0.keypoint < $1.keypoint }
}

/// L2 (SIFT, uint8) or Hamming (ORB) distance between two descriptors.
@inline(__always)
private func descriptorDistance(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int, _ binary: Bool) -> Float {
    if binary {
        var bits = 0
        for i in 0..<n { bits += (a[i] ^ b[i]).nonzeroBitCount }
        return Float(bits)
    }
    var sum: Int32 = 0
    for i in 0..<n { let d = Int32(a[i]) - Int32(b[i]); sum &+= d * d }
    return Float(sum).squareRoot()
}
