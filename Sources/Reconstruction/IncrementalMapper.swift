import Foundation
import Geometry
import LandmarkMap
import Features
import Estimators

/// One feature of one image, as an element of a track.
struct TrackElement: Sendable, Hashable {
    var image: Int32
    var keypoint: Int32
}

/// Tracks: connected components of the verified matches (union–find), without any
/// component that holds two features of one image (an inconsistent track).
func buildTracks(imageFeatureCounts: [Int], pairs: [VerifiedPair]) -> [[TrackElement]] {
    var offset = [0]
    for c in imageFeatureCounts { offset.append(offset.last! + c) }
    var parent = Array(0..<offset.last!)
    func find(_ x: Int) -> Int {
        var r = x
        while parent[r] != r { r = parent[r] }
        var y = x
        while parent[y] != r { let next = parent[y]; parent[y] = r; y = next }
        return r
    }
    var touched = [Bool](repeating: false, count: parent.count)
    for p in pairs {
        for (a, b) in p.matches {
            let u = offset[p.i] + Int(a), v = offset[p.j] + Int(b)
            touched[u] = true; touched[v] = true
            let ru = find(u), rv = find(v)
            if ru != rv { parent[max(ru, rv)] = min(ru, rv) }
        }
    }
    var groups: [Int: [TrackElement]] = [:]
    var imageOf = [Int32](repeating: 0, count: parent.count)
    for (i, c) in imageFeatureCounts.enumerated() { for k in 0..<c { imageOf[offset[i] + k] = Int32(i) } }
    for g in 0..<parent.count where touched[g] {
        let img = imageOf[g]
        groups[find(g), default: []].append(TrackElement(image: img, keypoint: Int32(g - offset[Int(img)])))
    }
    var tracks: [[TrackElement]] = []
    for key in groups.keys.sorted() {
        let t = groups[key]!
        guard t.count >= 2, Set(t.map(\.image)).count == t.count else { continue }
        tracks.append(t)
    }
    return tracks
}

/// Incremental structure from motion over precomputed features and tracks (Schönberger &
/// Frahm, "Structure-from-Motion Revisited", CVPR 2016, in a reduced form): initial pair,
/// next-best-view registration by PnP, multi-view triangulation, bundle adjustment,
/// outlier filtering and retriangulation.
struct IncrementalMapper {
    var features: [FeatureSet]
    var cameras: [CameraIntrinsics]
    var imageCamera: [Int]
    /// Full-resolution pixels per extraction pixel, per image (≥ 1).
    var pixelScale: [Double]
    var tracks: [[TrackElement]]
    var options: ReconstructionOptions
    /// Refine each camera's focal length (and k1, k2 at the end): true when guessed.
    var refineIntrinsics: Bool
    /// Refine k1, k2 in the final adjustment (unknown distortion, e.g. a bare K.txt).
    var refineDistortion = false

    var poses: [Rigid3?]
    var points: [Vec3?]
    /// valid[t][e]: element e of track t is an observation of its point.
    var valid: [[Bool]]
    var trackOfFeature: [[Int32]]
    var failedAttempts: [Int]
    var firstImage = -1
    var registrationOrder: [Int] = []

    init(features: [FeatureSet], cameras: [CameraIntrinsics], imageCamera: [Int], pixelScale: [Double],
         tracks: [[TrackElement]], options: ReconstructionOptions, refineIntrinsics: Bool) {
        self.features = features; self.cameras = cameras; self.imageCamera = imageCamera
        self.pixelScale = pixelScale; self.tracks = tracks; self.options = options
        self.refineIntrinsics = refineIntrinsics
        poses = Array(repeating: nil, count: features.count)
        points = Array(repeating: nil, count: tracks.count)
        valid = tracks.map { Array(repeating: false, count: $0.count) }
        trackOfFeature = features.map { Array(repeating: -1, count: $0.count) }
        for (t, track) in tracks.enumerated() { for e in track { trackOfFeature[Int(e.image)][Int(e.keypoint)] = Int32(t) } }
        failedAttempts = Array(repeating: 0, count: features.count)
    }

    var registeredCount: Int { poses.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    func intrinsics(_ image: Int) -> CameraIntrinsics { cameras[imageCamera[image]] }
    func pixel(_ e: TrackElement) -> Vec2 { features[Int(e.image)].keypoints[Int(e.keypoint)].pixel }
    func maxError(_ image: Int) -> Double { options.maxReprojectionErrorPixels * pixelScale[image] }

    func reprojectionError(_ X: Vec3, _ e: TrackElement) -> Double? {
        guard let pose = poses[Int(e.image)] else { return nil }
        let pc = pose.apply(X)
        guard pc.z > 0, let uv = intrinsics(Int(e.image)).project(pc) else { return nil }
        return length(uv - pixel(e))
    }

    // MARK: Initial pair

    /// Picks and reconstructs the initial pair. Returns false when no pair qualifies.
    /// Candidates are ordered as COLMAP does: first images by their total verified matches
    /// (well-connected images first), then their partners by matches with them. The first
    /// candidate with enough well-triangulated points and parallax wins. Pairs in
    /// `excluding` (keys i * count + j) are skipped, for retries with another start.
    mutating func initialize(pairs: [VerifiedPair], excluding: Set<Int> = []) -> (i: Int, j: Int)? {
        var degree = [Int](repeating: 0, count: features.count)
        for p in pairs { degree[p.i] += p.matches.count; degree[p.j] += p.matches.count }
        var candidates: [VerifiedPair] = []
        var seen = Set<Int>()
        for first in (0..<features.count).sorted(by: { degree[$0] > degree[$1] }) {
            for p in pairs.filter({ $0.i == first || $0.j == first }).sorted(by: { $0.matches.count > $1.matches.count }) {
                let key = p.i * features.count + p.j
                guard !excluding.contains(key), seen.insert(key).inserted else { continue }
                candidates.append(p)
            }
        }
        var best: (score: Double, pair: VerifiedPair, pose: Rigid3)?
        for (n, p) in candidates.prefix(40).enumerated() {
            let Ki = intrinsics(p.i), Kj = intrinsics(p.j)
            // Undistorted pixels for the essential matrix.
            let a = p.matches.map { undistortedPixel(features[p.i].keypoints[Int($0.0)].pixel, Ki) }
            let b = p.matches.map { undistortedPixel(features[p.j].keypoints[Int($0.1)].pixel, Kj) }
            let threshold = options.twoViewErrorPixels * max(pixelScale[p.i], pixelScale[p.j])
            guard let rel = try? estimateRelativePose(a, b, intrinsics1: Ki, intrinsics2: Kj,
                                                      options: RansacOptions(maxErrorPixels: threshold, seed: options.seed &+ UInt64(n)))
            else { continue }
            var angles: [Double] = []
            let c1 = Vec3.zero, c2 = rel.camera2FromCamera1.centerOfTargetInSource
            for (k, m) in p.matches.enumerated() where rel.inliers[k] {
                let r1 = Ki.ray(through: features[p.i].keypoints[Int(m.0)].pixel)
                let r2 = Kj.ray(through: features[p.j].keypoints[Int(m.1)].pixel)
                guard let X = triangulatePoint([TriangulationView(cameraFromWorld: .identity, normalized: Vec2(r1.x, r1.y)),
                                                TriangulationView(cameraFromWorld: rel.camera2FromCamera1, normalized: Vec2(r2.x, r2.y))]),
                      X.z > 0, rel.camera2FromCamera1.apply(X).z > 0 else { continue }
                angles.append(maxTriangulationAngle(X, centers: [c1, c2]))
            }
            logger.debug("init pair \(p.i)-\(p.j): \(p.matches.count) matches, \(rel.inlierCount) E inliers, \(angles.count) points")
            guard angles.count >= 50 else { continue }
            angles.sort()
            let median = angles[angles.count / 2] * 180 / .pi
            guard median >= options.minInitialPairAngleDegrees else { continue }
            // Favour many well-triangulated points, with diminishing returns for wide angles.
            guard angles.count >= 100 else { continue }
            best = (Double(angles.count), p, rel.camera2FromCamera1)
            break
        }
        guard let chosen = best else { return nil }
        firstImage = chosen.pair.i
        poses[chosen.pair.i] = .identity
        poses[chosen.pair.j] = chosen.pose
        registrationOrder = [chosen.pair.i, chosen.pair.j]
        triangulate(tracksOf: chosen.pair.j)
        bundleAdjustGlobally(iterations: 50, refineDistortion: false)
        filterObservations()
        return (chosen.pair.i, chosen.pair.j)
    }

    func undistortedPixel(_ p: Vec2, _ K: CameraIntrinsics) -> Vec2 {
        guard K.hasDistortion else { return p }
        let r = K.ray(through: p)
        return Vec2(K.fx * r.x + K.cx, K.fy * r.y + K.cy)
    }

    var pointCount: Int { points.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    // MARK: Registration

    /// 2D–3D correspondences of an unregistered image: (keypoint, track).
    func correspondences(_ image: Int) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        for (k, t) in trackOfFeature[image].enumerated() where t >= 0 && points[Int(t)] != nil { out.append((k, Int(t))) }
        return out
    }

    /// Registers the next best image. Returns the image, or nil when none can be registered.
    mutating func registerNextImage() -> Int? {
        let candidates = (0..<features.count).filter { poses[$0] == nil && failedAttempts[$0] < 3 }
            .map { ($0, correspondences($0).count) }
            .filter { $0.1 >= options.minPnPInliers }
            .sorted { $0.1 > $1.1 }
        for (image, _) in candidates {
            let corr = correspondences(image)
            let p3 = corr.map { points[$0.1]! }
            let p2 = corr.map { features[image].keypoints[$0.0].pixel }
            let threshold = options.pnpErrorPixels * pixelScale[image]
            let ransac = RansacOptions(maxErrorPixels: threshold, confidence: 0.9999, maxIterations: 10_000,
                                       seed: options.seed &+ UInt64(image))
            // A guessed focal length of a photo's own camera is searched over a coarse
            // sweep (the best PnP support wins), a stand-in for a P4Pf solver.
            let ownCamera = refineIntrinsics && imageCamera.filter { $0 == imageCamera[image] }.count == 1
            let factors = ownCamera ? [1.0, 0.7, 0.85, 1.2, 1.45, 1.75, 2.1] : [1.0]
            var best: (pose: AbsolutePose, K: CameraIntrinsics)?
            for f in factors {
                var K = intrinsics(image)
                K.fx *= f; K.fy *= f
                guard let pose = try? estimateAbsolutePose(points3D: p3, pixels: p2, intrinsics: K, options: ransac) else { continue }
                if best == nil || pose.inlierCount > best!.pose.inlierCount { best = (pose, K) }
            }
            logger.debug("register \(image): \(corr.count) 2D-3D, best inliers \(best?.pose.inlierCount ?? -1), f \(best?.K.fx ?? 0)")
            guard let (pose, K) = best, pose.inlierCount >= options.minPnPInliers
            else { failedAttempts[image] += 1; continue }
            cameras[imageCamera[image]] = K
            poses[image] = pose.cameraFromWorld
            registrationOrder.append(image)
            for (k, c) in corr.enumerated() where pose.inliers[k] {
                let t = c.1
                if let e = tracks[t].firstIndex(where: { $0.image == Int32(image) }) { valid[t][e] = true }
            }
            triangulate(tracksOf: image)
            return image
        }
        return nil
    }

    // MARK: Triangulation

    /// Triangulates the tracks through `image` that have no point yet.
    mutating func triangulate(tracksOf image: Int) {
        var done = Set<Int32>()
        for t in trackOfFeature[image] where t >= 0 && points[Int(t)] == nil && !done.contains(t) {
            done.insert(t)
            triangulateTrack(Int(t))
        }
    }

    /// Triangulates every track without a point that has two or more registered views.
    mutating func retriangulate() {
        for t in 0..<tracks.count where points[t] == nil { triangulateTrack(t) }
    }

    /// Multi-view DLT over the registered views of track `t`, with a small exhaustive
    /// two-view search when the all-view estimate has outliers. Keeps the point when at
    /// least two views agree within the reprojection threshold with enough parallax.
    mutating func triangulateTrack(_ t: Int) {
        let elems = tracks[t].indices.filter { poses[Int(tracks[t][$0].image)] != nil }
        guard elems.count >= 2 else { return }
        func view(_ e: Int) -> TriangulationView {
            let el = tracks[t][e]
            let r = intrinsics(Int(el.image)).ray(through: pixel(el))
            return TriangulationView(cameraFromWorld: poses[Int(el.image)]!, normalized: Vec2(r.x, r.y))
        }
        func inliers(_ X: Vec3) -> [Int] {
            elems.filter { e in
                let el = tracks[t][e]
                guard let err = reprojectionError(X, el) else { return false }
                return err <= maxError(Int(el.image))
            }
        }
        var bestX: Vec3? = nil, bestIn: [Int] = []
        if let X = triangulatePoint(elems.map(view)) {
            let ins = inliers(X)
            if ins.count == elems.count { bestX = X; bestIn = ins }
        }
        if bestX == nil {
            var tried = 0
            outer: for a in 0..<elems.count {
                for b in (a + 1)..<elems.count {
                    tried += 1
                    if tried > 45 { break outer }
                    guard let X = triangulatePoint([view(elems[a]), view(elems[b])]) else { continue }
                    let ins = inliers(X)
                    if ins.count > bestIn.count { bestIn = ins; bestX = X }
                }
            }
            if bestIn.count >= 2, let X = triangulatePoint(bestIn.map(view)) {
                let ins = inliers(X)
                if ins.count >= bestIn.count { bestX = X; bestIn = ins }
            }
        }
        guard let X = bestX, bestIn.count >= 2 else { return }
        let centers = bestIn.map { poses[Int(tracks[t][$0].image)]!.centerOfTargetInSource }
        guard maxTriangulationAngle(X, centers: centers) * 180 / .pi >= options.minTriangulationAngleDegrees else { return }
        points[t] = X
        for e in bestIn { valid[t][e] = true }
    }

    // MARK: Filtering

    /// Re-checks every registered view of every point: views within the threshold become
    /// observations (track completion), others are dropped; points left with fewer than two
    /// observations or too little parallax are removed.
    mutating func filterObservations() {
        let minAngle = options.minTriangulationAngleDegrees * .pi / 180
        for t in 0..<tracks.count {
            guard let X = points[t] else { continue }
            var count = 0
            var centers: [Vec3] = []
            for (e, el) in tracks[t].enumerated() {
                if let err = reprojectionError(X, el), err <= maxError(Int(el.image)) {
                    valid[t][e] = true; count += 1
                    centers.append(poses[Int(el.image)]!.centerOfTargetInSource)
                } else {
                    valid[t][e] = false
                }
            }
            if count < 2 || maxTriangulationAngle(X, centers: centers) < minAngle {
                points[t] = nil
                for e in valid[t].indices { valid[t][e] = false }
            }
        }
    }

    // MARK: Bundle adjustment

    /// Bundle adjustment over all registered images and points; the first image is fixed.
    mutating func bundleAdjustGlobally(iterations: Int, refineDistortion: Bool) {
        let registered = (0..<features.count).filter { poses[$0] != nil }
        bundleAdjust(variableImages: Set(registered), pointTracks: (0..<tracks.count).filter { points[$0] != nil },
                     iterations: iterations, refineFocal: refineIntrinsics && registered.count >= 3,
                     refineDistortion: (refineIntrinsics || self.refineDistortion) && refineDistortion)
    }

    /// Bundle adjustment around `image`: it and the images sharing most points with it vary;
    /// the points they see vary; every other image observing those points is fixed.
    mutating func bundleAdjustLocally(around image: Int, neighbours: Int = 8, iterations: Int = 15) {
        var shared = [Int](repeating: 0, count: features.count)
        var localTracks = Set<Int>()
        for t in trackOfFeature[image] where t >= 0 && points[Int(t)] != nil {
            localTracks.insert(Int(t))
            for (e, el) in tracks[Int(t)].enumerated() where valid[Int(t)][e] { shared[Int(el.image)] += 1 }
        }
        shared[image] = Int.max
        let variable = Set((0..<features.count).filter { poses[$0] != nil && shared[$0] > 0 }
            .sorted { shared[$0] > shared[$1] }.prefix(neighbours + 1))
        for i in variable where i != image {
            for t in trackOfFeature[i] where t >= 0 && points[Int(t)] != nil { localTracks.insert(Int(t)) }
        }
        bundleAdjust(variableImages: variable, pointTracks: localTracks.sorted(), iterations: iterations,
                     refineFocal: false, refineDistortion: false)
    }

    mutating func bundleAdjust(variableImages: Set<Int>, pointTracks: [Int], iterations: Int, refineFocal: Bool,
                               refineDistortion: Bool) {
        var imageIndex = [Int: Int](), images: [Int] = []
        var obs: [BundleObservation] = []
        for (p, t) in pointTracks.enumerated() {
            for (e, el) in tracks[t].enumerated() where valid[t][e] {
                let img = Int(el.image)
                guard poses[img] != nil else { continue }
                let idx: Int
                if let existing = imageIndex[img] { idx = existing } else { idx = images.count; imageIndex[img] = idx; images.append(img) }
                obs.append(BundleObservation(image: idx, point: p, pixel: pixel(el)))
            }
        }
        guard !obs.isEmpty else { return }
        var fixed = Set<Int>()
        for (idx, img) in images.enumerated() where !variableImages.contains(img) || img == firstImage { fixed.insert(idx) }
        // Cameras: refine only when every image of a camera is in the problem.
        var problem = BundleAdjustmentProblem(cameras: cameras, imageCamera: images.map { imageCamera[$0] },
                                              cameraFromWorld: images.map { poses[$0]! },
                                              points: pointTracks.map { points[$0]! }, observations: obs, fixedImages: fixed)
        let scale = pixelScale.max() ?? 1
        let opts = BundleAdjustmentOptions(maxIterations: iterations, lossScalePixels: options.lossScalePixels * scale,
                                           refineFocal: refineFocal, refinePrincipalPoint: false,
                                           refineDistortion: refineDistortion, functionTolerance: 1e-7)
        guard (try? Estimators.bundleAdjust(&problem, options: opts)) != nil else { return }
        for (idx, img) in images.enumerated() { poses[img] = problem.cameraFromWorld[idx] }
        for (p, t) in pointTracks.enumerated() { points[t] = problem.points[p] }
        if refineFocal || refineDistortion {
            for c in cameras.indices where problem.cameras[c].isValid { cameras[c] = problem.cameras[c] }
        }
    }

    /// Whether every refined focal length stayed within 0.1–10× of where it started
    /// (COLMAP's bounds). Photos of unknown focal length can drive a weakly constrained model
    /// into a degenerate one, near-orthographic with focal lengths of tens of thousands of
    /// pixels (sacre_coeur, some seeds); such a model is wrong as a whole. Always true when
    /// the intrinsics were given.
    func focalLengthsPlausible(initial: [CameraIntrinsics]) -> Bool {
        guard refineIntrinsics else { return true }
        for (c, camera) in cameras.enumerated() where c < initial.count && imageCamera.indices.contains(where: { imageCamera[$0] == c && poses[$0] != nil }) {
            let ratio = camera.fx / initial[c].fx
            if !(ratio >= 0.1 && ratio <= 10) { return false }
        }
        return true
    }

    // MARK: The loop

    /// Registers images until none is left that can be registered, with local bundle
    /// adjustment after each registration and global adjustment as the model grows.
    mutating func run(progress: (() -> Void)?) {
        var sizeAtLastGlobal = registeredCount
        while let image = registerNextImage() {
            progress?()
            let n = registeredCount
            if n <= 6 || Double(n) >= Double(sizeAtLastGlobal) * 1.2 {
                bundleAdjustGlobally(iterations: n <= 6 ? 20 : 30, refineDistortion: false)
                filterObservations()
                retriangulate()
                sizeAtLastGlobal = n
            } else {
                bundleAdjustLocally(around: image)
                filterObservations()
            }
            // A newly registered image may make earlier failures registrable.
            for i in failedAttempts.indices where poses[i] == nil && failedAttempts[i] > 0 && failedAttempts[i] < 3 {
                failedAttempts[i] = max(0, failedAttempts[i] - 1)
            }
        }
        // Final: global adjustment (intrinsics refined when guessed), filter, retriangulate, again.
        // k1, k2 are refined when the focal length is known but the distortion is not (a
        // bare K.txt). With guessed focal lengths, one per photo, they are not: per-photo
        // focal length and two distortion terms let telephoto shots trade focal length for
        // depth (sacre_coeur: 3 of 8 seeds within 2 % of COLMAP's pose with them, 6 of 8
        // without).
        let finalDistortion = !refineIntrinsics
        bundleAdjustGlobally(iterations: 50, refineDistortion: finalDistortion)
        filterObservations()
        retriangulate()
        bundleAdjustGlobally(iterations: 50, refineDistortion: finalDistortion)
        filterObservations()
    }
}
