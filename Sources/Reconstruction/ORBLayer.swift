import Foundation
import Geometry
import Support
import LandmarkMap
import Imaging
import Features
import Estimators

/// How the ORB query layer of a SIFT map is built (`buildORBLayer`).
public struct ORBLayerOptions: Sendable, Equatable {
    /// Build the layer at all (SIFT maps only; `landmark register --orb-layer`). Off by
    /// default: it adds about a fifth to registration time and a half to the file.
    public var enabled = false
    /// ORB keypoints per photo, extracted at the SIFT extraction size.
    public var maxFeatures = 4000
    /// Each keyframe is matched with up to this many others, those sharing the most SIFT
    /// points with it (its covisible neighbours), and only when they share `minSharedPoints`.
    public var neighbours = 8
    public var minSharedPoints = 30
    /// Lowe's ratio for the pairwise ORB matches (mutual nearest neighbours as well).
    public var ratio: Float = 0.8
    /// Epipolar (Sampson) distance a match may have under the keyframes' known relative
    /// pose, and the reprojection error each observation of a triangulated point may have,
    /// in extraction pixels.
    public var epipolarErrorPixels = 2.0
    public var maxReprojectionErrorPixels = 2.0
    /// Points whose viewing rays span less than this are dropped (degrees): their depth is
    /// too uncertain to pin a query's pose.
    public var minTriangulationAngleDegrees = 2.0

    public init() {}
}

/// The ORB points of a registered SIFT map: ORB keypoints of the keyframes, matched between
/// covisible keyframes, filtered by the epipolar geometry of their registered poses, joined
/// into tracks and triangulated with those poses held fixed (as COLMAP's point_triangulator).
/// The poses come from the SIFT reconstruction, so the layer shares its frame and accuracy;
/// ORB only has to be repeatable between a keyframe and a query.
///
/// - Parameters:
///   - map: the registered map (keyframes, cameras, SIFT points for covisibility).
///   - features: ORB features per keyframe id, in the keyframe's full-resolution pixels.
///   - colors: sRGB colour under each ORB keypoint per keyframe id (may be missing: grey).
///   - pixelScale: full-resolution pixels per extraction pixel, per keyframe id (1 when absent).
///   - grayImage: the keyframe's full-resolution gray image, for each observation's patch
///     (`Observation.patch`); nil (or a nil image) leaves patches empty. Called once per
///     keyframe, from several threads.
/// - Returns: the points with ids 1…n, each seen by ≥ 2 keyframes.
public func buildORBLayer(map: FeatureMap, features: [Int64: FeatureSet], colors: [Int64: [SIMD3<UInt8>]] = [:],
                          pixelScale: [Int64: Double] = [:], options: ORBLayerOptions = ORBLayerOptions(),
                          grayImage: (@Sendable (Int64) -> Image8?)? = nil) throws -> [MapPoint] {
    let keyframes = map.keyframes.filter { features[$0.id]?.kind == .orb && map.camera(id: $0.cameraID) != nil }
    guard keyframes.count >= 2 else { return [] }
    let intrinsics = keyframes.map { map.camera(id: $0.cameraID)!.intrinsics }
    let sets = keyframes.map { features[$0.id]! }
    let scales = keyframes.map { pixelScale[$0.id] ?? 1 }
    // Undistorted normalized coordinates of every keypoint.
    let rays: [[Vec2]] = keyframes.indices.map { i in
        sets[i].keypoints.map { k in let r = intrinsics[i].ray(through: k.pixel); return Vec2(r.x, r.y) }
    }

    // 1. Pairs of covisible keyframes.
    let slot = Dictionary(uniqueKeysWithValues: keyframes.enumerated().map { ($1.id, $0) })
    var shared: [Int: Int] = [:]   // i * n + j (i < j) → shared SIFT points
    let n = keyframes.count
    for point in map.points {
        let seen = Array(Set(point.observations.compactMap { slot[$0.keyframeID] })).sorted()
        for a in seen.indices { for b in (a + 1)..<seen.count { shared[seen[a] * n + seen[b], default: 0] += 1 } }
    }
    var chosen = Set<Int>()
    for i in 0..<n {
        var partners: [(keyframe: Int, shared: Int)] = []
        for j in 0..<n where j != i {
            let count = shared[min(i, j) * n + max(i, j)] ?? 0
            if count >= options.minSharedPoints { partners.append((j, count)) }
        }
        partners.sort { $0.shared > $1.shared || ($0.shared == $1.shared && $0.keyframe < $1.keyframe) }
        for p in partners.prefix(options.neighbours) { chosen.insert(min(i, p.keyframe) * n + max(i, p.keyframe)) }
    }
    let pairs = chosen.sorted().map { ($0 / n, $0 % n) }

    // 2. Mutual ratio-test matches that agree with the known epipolar geometry.
    let verified = SlotArray<VerifiedPair>(count: pairs.count)
    let failure = SlotArray<String>(count: 1)
    parallelFor(pairs.count) { p in
        let (i, j) = pairs[p]
        do {
            let matches = try matchDescriptors(sets[i], sets[j], options: MatchOptions(ratio: options.ratio, mutual: true))
            // camera j from camera i, and the essential matrix E = [t]× R.
            let jFromI = keyframes[j].cameraFromLandmark * keyframes[i].cameraFromLandmark.inverse
            let E = Matrix3.skew(jFromI.translation) * jFromI.rotation.matrix
            let focal = (intrinsics[j].fx + intrinsics[j].fy) / 2
            let limit = options.epipolarErrorPixels * scales[j] / focal
            var kept: [(Int32, Int32)] = []
            for m in matches {
                let a = rays[i][Int(m.query)], b = rays[j][Int(m.train)]
                if sampsonDistance(E, Vec3(a.x, a.y, 1), Vec3(b.x, b.y, 1)) <= limit { kept.append((m.query, m.train)) }
            }
            verified[p] = VerifiedPair(i: i, j: j, matches: kept)
        } catch {
            failure[0] = "\(error)"
        }
    }
    if let reason = failure[0] { throw ReconstructionError.invalidInput("ORB layer: \(reason)") }

    // 3. Tracks, triangulated with the poses fixed; views that reproject badly are dropped.
    let tracks = buildTracks(imageFeatureCounts: sets.map(\.count), pairs: verified.all.compactMap { $0 })
    let minAngle = options.minTriangulationAngleDegrees * .pi / 180
    var points: [MapPoint] = []
    for track in tracks {
        var views = track
        var position: Vec3?
        for _ in 0..<2 {
            guard views.count >= 2, let X = triangulatePoint(views.map {
                TriangulationView(cameraFromWorld: keyframes[Int($0.image)].cameraFromLandmark, normalized: rays[Int($0.image)][Int($0.keypoint)])
            }) else { position = nil; break }
            let good = views.filter { e in
                let i = Int(e.image)
                guard let p = intrinsics[i].project(keyframes[i].cameraFromLandmark.apply(X)) else { return false }
                return length(p - sets[i].keypoints[Int(e.keypoint)].pixel) <= options.maxReprojectionErrorPixels * scales[i]
            }
            position = X
            if good.count == views.count { break }
            views = good
            position = nil
        }
        guard let X = position, views.count >= 2,
              maxTriangulationAngle(X, centers: views.map { keyframes[Int($0.image)].center }) >= minAngle else { continue }
        var error = 0.0, colorSum = SIMD3<Double>.zero
        var observations: [Observation] = []
        for e in views {
            let i = Int(e.image), k = Int(e.keypoint), kp = sets[i].keypoints[k]
            error += length(intrinsics[i].project(keyframes[i].cameraFromLandmark.apply(X))! - kp.pixel)
            let c = colors[keyframes[i].id]?[k] ?? SIMD3(128, 128, 128)
            colorSum += SIMD3(Double(c.x), Double(c.y), Double(c.z))
            observations.append(Observation(keyframeID: keyframes[i].id, keypointIndex: e.keypoint, pixel: kp.pixel,
                                            size: kp.size, angle: kp.angle, descriptor: sets[i].descriptor(k)))
        }
        let mean = colorSum / Double(views.count)
        points.append(MapPoint(id: Int64(points.count + 1), position: X,
                               color: SIMD3(UInt8(mean.x.rounded()), UInt8(mean.y.rounded()), UInt8(mean.z.rounded())),
                               reprojectionError: error / Double(views.count), observations: observations))
    }
    if let grayImage {
        refineByPatchAlignment(&points, keyframes: keyframes, intrinsics: intrinsics, grayImage: grayImage)
        samplePatches(&points, keyframes: keyframes, intrinsics: intrinsics, grayImage: grayImage)
    }
    return points
}

/// Runs `body(keyframe slot, gray image)` for every keyframe whose image loads, in parallel.
private func forEachKeyframeImage(_ keyframes: [Keyframe], _ grayImage: @Sendable (Int64) -> Image8?,
                                  _ body: @Sendable (Int, Image8) -> Void) {
    parallelFor(keyframes.count) { i in
        guard let image = grayImage(keyframes[i].id).map({ $0.gray() }) else { return }
        body(i, image)
    }
}

/// Re-triangulates each point from sub-pixel positions: ORB keypoints are whole-pixel
/// corners (about a pixel apart between views), so the patch around the point's finest
/// keypoint is aligned in each other keyframe that sees it (`alignPatch`, warp predicted
/// from the known poses) and the point triangulated from those positions. A point keeps
/// its first position unless at least one other view aligns and the new position
/// reprojects within a pixel of every aligned position.
private func refineByPatchAlignment(_ points: inout [MapPoint], keyframes: [Keyframe], intrinsics: [CameraIntrinsics],
                                    grayImage: @Sendable (Int64) -> Image8?) {
    let slot = Dictionary(uniqueKeysWithValues: keyframes.enumerated().map { ($1.id, $0) })
    let snapshot = points
    // The reference observation of each point: its finest keypoint (smallest ORB level).
    let reference = snapshot.map { p in p.observations.indices.min { p.observations[$0].size < p.observations[$1].size } ?? 0 }
    let groups = observationsByKeyframe(snapshot, slot: slot, count: keyframes.count)
    // 1. Reference patches, around the reference keypoint.
    let patches = SlotArray<[UInt8]>(count: snapshot.count)
    forEachKeyframeImage(keyframes, grayImage) { i, image in
        for m in groups[i] where reference[m.point] == m.observation {
            let o = snapshot[m.point].observations[m.observation]
            if let patch = samplePatch(image, centre: o.pixel, spacing: o.patchSpacing) { patches[m.point] = patch }
        }
    }
    // 2. Each other observation aligned to its point's reference patch.
    let aligned = SlotArray<Vec2>(count: snapshot.reduce(0) { $0 + $1.observations.count })
    var offsets = [0]
    for p in snapshot { offsets.append(offsets.last! + p.observations.count) }
    let firstObservation = offsets
    forEachKeyframeImage(keyframes, grayImage) { i, image in
        for m in groups[i] where reference[m.point] != m.observation {
            let point = snapshot[m.point], ref = point.observations[reference[m.point]]
            guard let patch = patches[m.point], let r = slot[ref.keyframeID],
                  let warp = predictPatchWarp(point: point.position, refPixel: ref.pixel, spacing: ref.patchSpacing,
                                              refPose: keyframes[r].cameraFromLandmark, refIntrinsics: intrinsics[r],
                                              targetPose: keyframes[i].cameraFromLandmark, targetIntrinsics: intrinsics[i]),
                  let pixel = alignPatch(patch[...], in: image, warp: warp) else { continue }
            aligned[firstObservation[m.point] + m.observation] = pixel
        }
    }
    // 3. Re-triangulation from the reference keypoint and the aligned positions.
    var moved: [Double] = [], alignedViews = 0
    for (p, point) in snapshot.enumerated() {
        var views: [(slot: Int, pixel: Vec2)] = []
        for (o, observation) in point.observations.enumerated() {
            guard let i = slot[observation.keyframeID] else { continue }
            if o == reference[p] { views.append((i, observation.pixel)) }
            else if let pixel = aligned[firstObservation[p] + o] { views.append((i, pixel)) }
        }
        guard views.count >= 2, let x = triangulatePoint(views.map {
            let r = intrinsics[$0.slot].ray(through: $0.pixel)
            return TriangulationView(cameraFromWorld: keyframes[$0.slot].cameraFromLandmark, normalized: Vec2(r.x, r.y))
        }) else { continue }
        let consistent = views.allSatisfy { v in
            guard let uv = intrinsics[v.slot].project(keyframes[v.slot].cameraFromLandmark.apply(x)) else { return false }
            return length(uv - v.pixel) <= 1
        }
        if consistent { points[p].position = x; moved.append(distance(x, point.position)) }
        alignedViews += views.count - 1
    }
    moved.sort()
    logger.debug("ORB layer: \(moved.count) of \(snapshot.count) points re-triangulated from \(alignedViews) aligned views; median move \(moved.isEmpty ? 0 : moved[moved.count / 2])")
}

/// Fills each observation's patch: the keyframe's gray levels around the point's projection
/// (not the keypoint: the patch centre is then the point itself, seen from that keyframe),
/// `Observation.patchSide`² samples `Observation.patchSpacing` apart.
private func samplePatches(_ points: inout [MapPoint], keyframes: [Keyframe], intrinsics: [CameraIntrinsics],
                           grayImage: @Sendable (Int64) -> Image8?) {
    let slot = Dictionary(uniqueKeysWithValues: keyframes.enumerated().map { ($1.id, $0) })
    let snapshot = points
    let groups = observationsByKeyframe(snapshot, slot: slot, count: keyframes.count)
    let patches = SlotArray<[[UInt8]]>(count: keyframes.count)
    forEachKeyframeImage(keyframes, grayImage) { i, image in
        patches[i] = groups[i].map { m in
            let point = snapshot[m.point], observation = point.observations[m.observation]
            guard let centre = intrinsics[i].project(keyframes[i].cameraFromLandmark.apply(point.position)) else { return [] }
            return samplePatch(image, centre: centre, spacing: observation.patchSpacing) ?? []
        }
    }
    for i in keyframes.indices {
        guard let sampled = patches[i] else { continue }
        for (m, patch) in zip(groups[i], sampled) { points[m.point].observations[m.observation].patch = patch }
    }
}

/// For each keyframe slot, the (point, observation) indices of the observations it holds.
private func observationsByKeyframe(_ points: [MapPoint], slot: [Int64: Int], count: Int) -> [[(point: Int, observation: Int)]] {
    var groups: [[(point: Int, observation: Int)]] = Array(repeating: [], count: count)
    for (p, point) in points.enumerated() {
        for (o, observation) in point.observations.enumerated() {
            if let i = slot[observation.keyframeID] { groups[i].append((p, o)) }
        }
    }
    return groups
}


/// First-order geometric error of x2ᵀ E x1 = 0 in normalized coordinates.
private func sampsonDistance(_ E: Matrix3, _ x1: Vec3, _ x2: Vec3) -> Double {
    let Ex1 = E * x1, Etx2 = E.transposed * x2
    let r = dot(x2, Ex1)
    let d = Ex1.x * Ex1.x + Ex1.y * Ex1.y + Etx2.x * Etx2.x + Etx2.y * Etx2.y
    return d > 0 ? abs(r) / d.squareRoot() : .infinity
}
