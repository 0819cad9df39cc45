import Foundation
import Geometry
import Features

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

/// Cold matching of the strongest `options.coldMatchFeatures` keypoints (by detector
/// response; all when 0 or fewer exist); the correspondences index into `features`.
func matchStrongestToMap(_ features: FeatureSet, index: MapIndex, options: LocalizationOptions) throws -> [Correspondence] {
    let n = options.coldMatchFeatures
    guard n > 0, features.count > n else { return try matchToMap(features, index: index, options: options) }
    let strongest = Array(features.keypoints.indices.sorted {
        features.keypoints[$0].response > features.keypoints[$1].response || (features.keypoints[$0].response == features.keypoints[$1].response && $0 < $1)
    }.prefix(n)).sorted()
    return try matchToMap(features.subset(strongest), index: index, options: options).map {
        Correspondence(keypoint: strongest[$0.keypoint], point: $0.point, distance: $0.distance)
    }
}

/// Tracking-prior matching: map points projected with the prior pose are matched only
/// against query keypoints within the prior window (`priorWindowRadius`) of their projection.
func matchWithPrior(_ features: FeatureSet, index: MapIndex, cameraFromLandmark prior: Rigid3,
                    intrinsics: CameraIntrinsics, options: LocalizationOptions) -> [Correspondence] {
    matchInWindows(features, index: index, cameraFromLandmark: prior, intrinsics: intrinsics,
                   radius: priorWindowRadius(options, width: features.imageWidth, height: features.imageHeight), ratio: options.ratio)
}

/// The prior window's radius in pixels of a `width`×`height` working frame.
func priorWindowRadius(_ options: LocalizationOptions, width: Int, height: Int) -> Double {
    options.priorWindowPixels * Double(max(width, height)) / 1024
}

/// Window matching (the tracking prior, and guided re-matching after a first pose): every
/// map point in front of the camera is projected with `cameraFromLandmark` and compared
/// with the query keypoints within `radius` pixels of its projection. The distance to a
/// keypoint is the smallest over the point's observation descriptors; the best keypoint
/// must pass the ratio test against the second best in the window. Each keypoint then keeps
/// only its closest point, so one keypoint votes once. Matches farther than `maxDistance`
/// in descriptor space are dropped.
func matchInWindows(_ features: FeatureSet, index: MapIndex, cameraFromLandmark pose: Rigid3,
                    intrinsics: CameraIntrinsics, radius: Double, ratio: Float,
                    maxDistance: Float = .infinity) -> [Correspondence] {
    let cell = max(8.0, radius)
    let cols = Int((Double(features.imageWidth) / cell).rounded(.up)) + 1
    let rowsCount = Int((Double(features.imageHeight) / cell).rounded(.up)) + 1
    var cellStart = [Int32](repeating: 0, count: cols * rowsCount + 1)
    var cellOf = [Int32](repeating: -1, count: features.count)
    for (i, kp) in features.keypoints.enumerated() {
        let cx = Int(Double(kp.x) / cell), cy = Int(Double(kp.y) / cell)
        guard kp.x >= 0, kp.y >= 0, cx < cols, cy < rowsCount else { continue }
        cellOf[i] = Int32(cy * cols + cx)
        cellStart[cy * cols + cx + 1] += 1
    }
    for c in 0..<(cols * rowsCount) { cellStart[c + 1] += cellStart[c] }
    var fill = cellStart
    var cellItems = [Int32](repeating: 0, count: Int(cellStart.last!))
    for i in 0..<features.count where cellOf[i] >= 0 {
        cellItems[Int(fill[Int(cellOf[i])])] = Int32(i); fill[Int(cellOf[i])] += 1
    }
    let bytes = index.kind.descriptorBytes, binary = index.kind == .orb
    let r2 = radius * radius
    let focal = Float((intrinsics.fx + intrinsics.fy) / 2)
    let visible = visiblePoints(index: index, cameraFromLandmark: pose, intrinsics: intrinsics,
                                width: features.imageWidth, height: features.imageHeight, margin: radius)
    var bestForKeypoint = [Correspondence?](repeating: nil, count: features.count)
    index.descriptors.withUnsafeBufferPointer { mapDesc in
        features.descriptors.withUnsafeBufferPointer { queryDesc in
            features.keypoints.withUnsafeBufferPointer { kps in
                for (p, pc, uv) in visible {
                    // A true match's keypoint has about the point's physical size at this depth.
                    let expectedSize = index.physicalSizes[p] * focal / Float(length(pc))
                    let (start, count) = index.pointRows[p]
                    var best = Float.infinity, second = Float.infinity, bestKeypoint = -1
                    let gx0 = max(0, Int((uv.x - radius) / cell)), gx1 = min(cols - 1, Int((uv.x + radius) / cell))
                    let gy0 = max(0, Int((uv.y - radius) / cell)), gy1 = min(rowsCount - 1, Int((uv.y + radius) / cell))
                    guard gx0 <= gx1, gy0 <= gy1 else { continue }
                    for gy in gy0...gy1 {
                        for gx in gx0...gx1 {
                            let c = gy * cols + gx
                            for slot in Int(cellStart[c])..<Int(cellStart[c + 1]) {
                                let kpi = Int(cellItems[slot])
                                let dx = Double(kps[kpi].x) - uv.x, dy = Double(kps[kpi].y) - uv.y
                                guard dx * dx + dy * dy <= r2 else { continue }
                                if expectedSize > 0 {
                                    let ratio = kps[kpi].size / expectedSize
                                    guard ratio > sizeRatioLimit.lowerBound, ratio < sizeRatioLimit.upperBound else { continue }
                                }
                                var d = Float.infinity
                                for row in Int(start)..<Int(start + count) {
                                    d = min(d, descriptorDistance(mapDesc.baseAddress! + row * bytes,
                                                                  queryDesc.baseAddress! + kpi * bytes, bytes, binary))
                                }
                                if d < best { second = best; best = d; bestKeypoint = kpi } else if d < second { second = d }
                            }
                        }
                    }
                    guard bestKeypoint >= 0, best <= maxDistance, !(second.isFinite && best > ratio * second) else { continue }
                    if let existing = bestForKeypoint[bestKeypoint], existing.distance <= best { continue }
                    bestForKeypoint[bestKeypoint] = Correspondence(keypoint: bestKeypoint, point: p, distance: best)
                }
            }
        }
    }
    return bestForKeypoint.compactMap { $0 }
}

/// The map points a camera sees, with their camera-frame positions and pixels: in front of
/// it, projecting within `margin` pixels of the `width`×`height` frame, seen from their
/// visible side (`MapIndex.isViewable`) and not hidden behind nearer map points
/// (`occlusionDepthLimits`).
func visiblePoints(index: MapIndex, cameraFromLandmark pose: Rigid3, intrinsics: CameraIntrinsics,
                   width: Int, height: Int, margin: Double) -> [(point: Int, camera: Vec3, pixel: Vec2)] {
    let centre = pose.centerOfTargetInSource
    let w = Double(width), h = Double(height)
    var projected: [(point: Int, camera: Vec3, pixel: Vec2)] = []
    for p in 0..<index.pointCount where index.isViewable(p, from: centre) {
        let pc = pose.apply(index.positions[p])
        guard pc.z > 1e-6, let uv = intrinsics.project(pc),
              uv.x >= -margin, uv.y >= -margin, uv.x < w + margin, uv.y < h + margin else { continue }
        projected.append((p, pc, uv))
    }
    let depthLimit = occlusionDepthLimits(projected, width: width, height: height)
    return projected.filter { $0.camera.z <= depthLimit($0.pixel) }
}

/// Occlusion by the map's own points: the frame is divided into cells (about 1/80 of its
/// longer side), each holding the nearest depth of the `projected` points falling into it
/// and its 8 neighbours; a point more than `occlusionDepthTolerance` (relative) plus
/// `occlusionDepthMargin` metres behind that depth is taken as hidden behind the surface in
/// front (the ground or a far façade seen through the building), and window matching skips
/// it. Without that, such points land on unrelated keypoints of the near surface and about
/// one in ten guided inliers was one (synthetic queries, checked against the true mesh).
func occlusionDepthLimits(_ projected: [(point: Int, camera: Vec3, pixel: Vec2)], width: Int, height: Int) -> (Vec2) -> Double {
    let cell = max(4.0, Double(max(width, height)) / 80)
    let cols = Int((Double(width) / cell).rounded(.up)), rows = Int((Double(height) / cell).rounded(.up))
    guard cols > 0, rows > 0 else { return { _ in .infinity } }
    var nearest = [Double](repeating: .infinity, count: cols * rows)
    for (_, pc, uv) in projected where uv.x >= 0 && uv.y >= 0 {
        let cx = Int(uv.x / cell), cy = Int(uv.y / cell)
        guard cx < cols, cy < rows else { continue }
        nearest[cy * cols + cx] = min(nearest[cy * cols + cx], pc.z)
    }
    // Each cell's limit: the nearest depth over its 3×3 neighbourhood, loosened.
    var limit = [Double](repeating: .infinity, count: cols * rows)
    for cy in 0..<rows {
        for cx in 0..<cols {
            var d = Double.infinity
            for ny in max(0, cy - 1)...min(rows - 1, cy + 1) {
                for nx in max(0, cx - 1)...min(cols - 1, cx + 1) { d = min(d, nearest[ny * cols + nx]) }
            }
            limit[cy * cols + cx] = d * (1 + occlusionDepthTolerance) + occlusionDepthMargin
        }
    }
    return { uv in
        let cx = Int(uv.x / cell), cy = Int(uv.y / cell)
        guard uv.x >= 0, uv.y >= 0, cx < cols, cy < rows else { return .infinity }
        return limit[cy * cols + cx]
    }
}

/// See `occlusionDepthLimits`: a point this much deeper than the nearest around it is hidden.
let occlusionDepthTolerance = 0.1
let occlusionDepthMargin = 0.5

/// Window matching accepts keypoints whose diameter is within this factor range of the
/// point's expected diameter (one octave and a bit either way).
let sizeRatioLimit: ClosedRange<Float> = 0.4...2.5

/// L2 (SIFT, uint8) or Hamming (ORB) distance between two descriptors.
@inline(__always)
private func descriptorDistance(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int, _ binary: Bool) -> Float {
    if binary {
        var bits = 0
        for i in 0..<n { bits += (a[i] ^ b[i]).nonzeroBitCount }
        return Float(bits)
    }
    var sum: Int32 = 0
    var i = 0
    while i + 16 <= n {
        let x = SIMD16<Int16>(truncatingIfNeeded: UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<UInt8>.self))
        let y = SIMD16<Int16>(truncatingIfNeeded: UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<UInt8>.self))
        let d = SIMD16<Int32>(truncatingIfNeeded: x &- y)
        sum &+= (d &* d).wrappedSum()
        i += 16
    }
    while i < n { let d = Int32(a[i]) - Int32(b[i]); sum &+= d * d; i += 1 }
    return Float(sum).squareRoot()
}
