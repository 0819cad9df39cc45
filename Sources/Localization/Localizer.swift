import Foundation
import Support
import Geometry
import LandmarkMap
import Imaging
import Features

/// Localizes camera frames against one landmark's map.
///
/// Pipeline (each stage timed): decode → downscale frames larger than
/// `options.maxImageSize` (intrinsics scaled to match) → contrast stretch of dull frames → features of the map's kind →
/// 2D–3D matches (cold: the whole-map index with a per-point ratio test; with a tracking
/// prior: projected map points matched in small windows, falling back to cold) → P3P in
/// USAC + Levenberg–Marquardt (or a focal sweep + joint refinement when the focal length
/// is unknown) → verification → guided re-matching of every map point in small windows
/// around its projection and a robust refinement on all those inliers. Weak evidence (few inliers, a low inlier ratio, inliers
/// bunched in one part of the frame, a high RMSE) is answered `not_localized` with the
/// reason, never with a guessed pose.
///
/// A map with an ORB query layer (`FeatureMap.orbPoints`) is tried first when the
/// intrinsics are known: the same pipeline on ORB features, then a refit on patch-aligned
/// positions (`refineWithPatches`); the map's own features answer when it declines.
///
/// Thread-safe: one `Localizer` serves concurrent queries.
public final class Localizer: PoseLocalizing {
    /// The map's own points (SIFT, or ORB for an ORB-only map).
    public let index: MapIndex
    /// The map's ORB query layer, when it has one (`FeatureMap.orbPoints`).
    public let orbIndex: MapIndex?
    public let options: LocalizationOptions

    /// Builds the map's indexes (the slow part: seconds for large maps).
    public init(map: FeatureMap, options: LocalizationOptions = LocalizationOptions()) throws {
        try options.validate()
        self.options = options
        self.index = try MapIndex(map: map)
        self.orbIndex = try MapIndex.orbLayer(of: map)
    }

    public func localize(_ query: LocalizationQuery) throws -> LocalizationResult {
        var clock = StageClock()
        guard !query.imageData.isEmpty else { throw LocalizationError.emptyImage }
        try query.intrinsics.validate()
        let image: Image8
        do {
            try ImageCheck.requireComplete(query.imageData)
            image = try Image8(decoding: query.imageData, channels: 1, maxPixels: options.maxImagePixels,
                               name: query.name ?? "image")
        } catch let ImageError.tooLarge(w, h, max) {
            throw LocalizationError.imageTooLarge(width: w, height: h, maxPixels: max)
        } catch {
            throw LocalizationError.unreadableImage(reason: "\(error)")
        }
        clock.end(\.decode)
        var result = try localize(gray: image, intrinsics: query.intrinsics, cameraFromLandmarkPrior: query.cameraFromLandmarkPrior)
        result.timings.decode = clock.timings.decode
        result.timings.total += clock.timings.decode
        result.cpuTimings.decode = clock.cpu.decode
        result.cpuTimings.total += clock.cpu.decode
        return result
    }

    /// Localizes an already decoded frame (gray or RGB); `timings.decode` is 0.
    public func localize(gray frame: Image8, intrinsics given: QueryIntrinsics,
                         cameraFromLandmarkPrior prior: Rigid3? = nil) throws -> LocalizationResult {
        var clock = StageClock()
        try given.validate()
        guard frame.width > 0, frame.height > 0 else { throw LocalizationError.unreadableImage(reason: "empty image") }
        // Downscale large frames; intrinsics follow.
        var image = frame.channels == 1 ? frame : frame.gray()
        var scale = 1.0
        let longSide = max(image.width, image.height)
        if options.maxImageSize > 0, longSide > options.maxImageSize {
            scale = Double(options.maxImageSize) / Double(longSide)
            image = image.resized(width: max(1, Int((Double(image.width) * scale).rounded())),
                                  height: max(1, Int((Double(image.height) * scale).rounded())))
        }
        let fullK = given.resolved(width: frame.width, height: frame.height)
        let k = fullK?.scaled(by: scale)
        let cxFull = given.cx ?? Double(frame.width) / 2 - 0.5, cyFull = given.cy ?? Double(frame.height) / 2 - 0.5
        let cx = (cxFull + 0.5) * scale - 0.5, cy = (cyFull + 0.5) * scale - 0.5

        if options.stretchContrast { image = stretchContrast(image) }
        let prepared = PreparedFrame(image: image, scale: scale, fullK: fullK, k: k, cx: cx, cy: cy,
                                     sentWidth: frame.width, sentHeight: frame.height)
        // The ORB layer first when it can answer (known intrinsics); the map's own features
        // when it declines. Its weak-evidence checks are the same, so a decline costs time,
        // never a wrong pose.
        if options.useORBLayer, let orbIndex, k != nil {
            let attempt = try localize(prepared, index: orbIndex, maxFeatures: options.orbMaxFeatures, prior: prior, clock: &clock)
            guard attempt.isLocalized else {
                var result = try localize(prepared, index: index, maxFeatures: options.maxFeatures, prior: prior, clock: &clock)
                result.fallbackReason = attempt.reason.map { "ORB layer: \($0)" }
                return clock.stamp(result)
            }
            // A verified ORB pose whose inliers constrain it poorly (far, few, one-sided:
            // synthetic queries answered 10–14 cm off had the largest spread) gets a second
            // opinion from the map's own features; the better-constrained answer wins.
            let spread = attempt.relativePositionSigma ?? .infinity
            guard spread > options.orbSecondOpinionSpread else { return clock.stamp(attempt) }
            var second = try localize(prepared, index: index, maxFeatures: options.maxFeatures, prior: prior, clock: &clock)
            guard second.isLocalized, (second.relativePositionSigma ?? .infinity) < spread else { return clock.stamp(attempt) }
            second.fallbackReason = String(format: "ORB layer: its pose was poorly constrained (centre σ %.2f %% of the depth)", spread * 100)
            return clock.stamp(second)
        }
        return clock.stamp(try localize(prepared, index: index, maxFeatures: options.maxFeatures, prior: prior, clock: &clock))
    }

    /// A frame downscaled to the working size, with its intrinsics there and as sent.
    private struct PreparedFrame {
        var image: Image8
        var scale: Double
        /// Intrinsics of the frame as sent, and at the working size; nil when unknown.
        var fullK: CameraIntrinsics?
        var k: CameraIntrinsics?
        /// The principal point at the working size (given or the centre).
        var cx: Double, cy: Double
        var sentWidth: Int, sentHeight: Int
    }

    /// One attempt against one point layer: features of the layer's kind, 2D–3D matches,
    /// the pose, verification and guided refinement. Stages add to `clock`.
    private func localize(_ frame: PreparedFrame, index: MapIndex, maxFeatures: Int, prior: Rigid3?,
                          clock: inout StageClock) throws -> LocalizationResult {
        let image = frame.image, scale = frame.scale, fullK = frame.fullK, k = frame.k, cx = frame.cx, cy = frame.cy
        func withKind(_ r: LocalizationResult) -> LocalizationResult { var r = r; r.features = index.kind; return r }
        var coldOptions = options
        if index === orbIndex { coldOptions.coldMatchFeatures = options.orbColdMatchFeatures }
        // Features of the layer's kind.
        let features = try extractFeatures(image, options: FeatureOptions(kind: index.kind, maxFeatures: maxFeatures,
                                                                         maxImageSize: 0,
                                                                         siftContrastThreshold: options.siftContrastThreshold))
        clock.end(\.features)

        // 2D–3D matches, then the pose. A tracking prior proposes matches in windows around
        // the map points it projects; the pose they give must then be confirmed by the image
        // alone (`priorCheck`), else the query is answered cold.
        var correspondences: [Correspondence] = []
        var hypothesis: PoseHypothesis?
        var priorReport: PriorReport?
        if let prior, let k {
            priorReport = PriorReport(used: false)
            correspondences = matchWithPrior(features, index: index, cameraFromLandmark: prior, intrinsics: k, options: options)
            clock.end(\.match)
            if correspondences.count >= options.priorMinMatches {
                let (p3, p2) = arrays(correspondences, features, index)
                // A prior worth following leaves mostly right matches in its windows, which a
                // few hundred draws find; a drifted one leaves a low inlier ratio, for which
                // the full budget would spend hundreds of milliseconds before going cold anyway.
                hypothesis = estimatePose(points: p3, pixels: p2, intrinsics: k, options: options,
                                          maxIterations: options.priorRansacIterations)
                if let h = hypothesis, let reason = verify(h, matches: correspondences.count, features: features) {
                    hypothesis = nil
                    priorReport?.rejectedReason = "the matches in the prior's windows give no verified pose: \(reason)"
                }
                // Window matches are only right where the true pose is within the window of
                // the prior: a pose whose inliers moved farther than that from their prior
                // projections was fitted to wrong matches; fall back to the cold search.
                if let h = hypothesis {
                    let moved = priorDisplacement(h, prior: prior, points: p3, intrinsics: k)
                    let radius = priorWindowRadius(options, width: image.width, height: image.height)
                    if moved > radius {
                        hypothesis = nil
                        priorReport?.rejectedReason = String(format: "the pose from the prior's windows moved its inliers %.1f px from the prior (window %.1f px)", moved, radius)
                    }
                }
            } else {
                priorReport?.rejectedReason = "\(correspondences.count) matches in the prior's windows; need \(options.priorMinMatches)"
            }
            clock.end(\.pose)
            if let h = hypothesis, options.priorCheckFeatures > 0 {
                // The image decides: the pose must be supported by cold matches, found
                // without the prior. Windows around a wrong prediction collect matches that
                // agree with the wrong pose, and verification alone then accepts it.
                let check = try priorCheck(h, features: features, index: index, intrinsics: k)
                clock.end(\.match)
                if let reason = check {
                    hypothesis = nil
                    priorReport?.rejectedReason = reason
                } else {
                    priorReport?.used = true
                }
            } else if hypothesis != nil {
                priorReport?.used = true
            }
        }
        if hypothesis == nil {
            correspondences = try matchStrongestToMap(features, index: index, options: coldOptions)
            clock.end(\.match)
            let (p3, p2) = arrays(correspondences, features, index)
            if let k {
                hypothesis = estimatePose(points: p3, pixels: p2, intrinsics: k, options: options)
            } else {
                hypothesis = estimatePoseAndFocal(points: p3, pixels: p2, width: image.width, height: image.height,
                                                  cx: cx, cy: cy, options: options)
            }
            clock.end(\.pose)
        }
        func answer(_ r: LocalizationResult) -> LocalizationResult {
            var r = withKind(r)
            r.prior = priorReport
            if let prior { r.prior?.measureOffset(of: r.cameraFromLandmark, from: prior) }
            return r
        }
        guard correspondences.count >= options.minInliers else {
            return answer(.notLocalized("\(correspondences.count) 2D–3D matches from \(features.count) features; need at least \(options.minInliers)",
                                             matches: correspondences.count))
        }
        guard let found = hypothesis else {
            return answer(.notLocalized("no pose found among \(correspondences.count) 2D–3D matches", matches: correspondences.count))
        }
        if let reason = verify(found, matches: correspondences.count, features: features) {
            return answer(.notLocalized(reason, inliers: found.inlierCount, matches: correspondences.count))
        }
        // The verified pose: guided re-matching over the whole map, then a robust refinement.
        var (h, finalCorrespondences) = refineWithGuidedMatches(found, correspondences: correspondences, features: features,
                                                                index: index, options: options, refineFocal: fullK == nil)
        // ORB keypoints are whole-pixel corners: refine on patch-aligned positions.
        if index.kind == .orb, options.patchRefinement,
           let pose = refineWithPatches(h, correspondences: finalCorrespondences, image: image, index: index, options: options) {
            let (p3, p2) = arrays(finalCorrespondences, features, index)
            let candidate = PoseHypothesis(scoring: pose, intrinsics: h.intrinsics, points: p3, pixels: p2,
                                           threshold: options.maxReprojectionErrorPixels)
            if candidate.inlierCount * 10 >= h.inlierCount * 8 { h = candidate }
        }
        logger.debug("prior \(prior != nil) matches \(correspondences.count) inliers \(found.inlierCount) centre \(found.cameraFromLandmark.centerOfTargetInSource) → guided \(finalCorrespondences.count) inliers \(h.inlierCount) centre \(h.cameraFromLandmark.centerOfTargetInSource)")
        clock.end(\.pose)
        // Back to the frame as sent.
        let outK = fullK ?? CameraIntrinsics(width: frame.sentWidth, height: frame.sentHeight, fx: h.intrinsics.fx / scale,
                                             fy: h.intrinsics.fy / scale, cx: (h.intrinsics.cx + 0.5) / scale - 0.5,
                                             cy: (h.intrinsics.cy + 0.5) / scale - 0.5)
        var result = LocalizationResult(status: .localized, cameraFromLandmark: h.cameraFromLandmark, inliers: h.inlierCount,
                                        matches: finalCorrespondences.count, rmsePx: h.rmse / scale,
                                        confidence: confidence(found, matches: correspondences.count, features: features),
                                        intrinsics: outK, focalEstimated: fullK == nil)
        let (finalPoints, finalPixels) = arrays(finalCorrespondences, features, index)
        let sigma = cameraCentreSigma(h.cameraFromLandmark, intrinsics: h.intrinsics, points: finalPoints,
                                      pixels: finalPixels, inliers: h.inliers, rmse: h.rmse)
        result.positionSigmaMetres = sigma.metres
        result.relativePositionSigma = sigma.relative
        result.inlierCorrespondences = finalCorrespondences.indices.filter { h.inliers[$0] }.map { i in
            let kp = features.keypoints[finalCorrespondences[i].keypoint]
            return InlierCorrespondence(pixel: (kp.pixel + 0.5) / scale - 0.5, point: index.positions[finalCorrespondences[i].point],
                                        size: Double(kp.size) / scale)
        }
        // The refined pose must still be one the prior's windows could have found: guided
        // re-matching can carry a pose fitted to a repeated pattern (a window bay over) far
        // from the prior while cold matches of the same pattern still agree with it.
        if let prior, priorReport?.used == true, let k {
            let moved = priorDisplacement(h, prior: prior, points: finalPoints, intrinsics: k)
            let radius = priorWindowRadius(options, width: image.width, height: image.height)
            if moved > radius {
                var cold = try localize(frame, index: index, maxFeatures: maxFeatures, prior: nil, clock: &clock)
                cold.prior = PriorReport(used: false, rejectedReason: String(
                    format: "the pose refined from the prior's matches moved its inliers %.1f px from the prior (window %.1f px)", moved, radius))
                cold.prior?.measureOffset(of: cold.cameraFromLandmark, from: prior)
                return cold
            }
        }
        return answer(result)
    }

    /// Nil when `h` is supported by the image independently of the prior, else why not:
    /// the strongest `priorCheckFeatures` keypoints are matched against the whole map (the
    /// cold search, no prior involved) and at least `priorCheckMinSupport` of those matches,
    /// and `priorCheckMinFraction` of them, must reproject within the inlier threshold
    /// under `h`. A pose pulled towards a drifted prior fails it: the cold matches agree
    /// with the true pose, not with the prior's.
    func priorCheck(_ h: PoseHypothesis, features: FeatureSet, index: MapIndex, intrinsics k: CameraIntrinsics) throws -> String? {
        var sample = options
        sample.coldMatchFeatures = options.priorCheckFeatures
        let cold = try matchStrongestToMap(features, index: index, options: sample)
        let (p3, p2) = arrays(cold, features, index)
        let support = scorePose(h.cameraFromLandmark, intrinsics: k, points: p3, pixels: p2,
                                threshold: options.maxReprojectionErrorPixels).count
        let needed = max(options.priorCheckMinSupport, Int((options.priorCheckMinFraction * Double(cold.count)).rounded(.up)))
        logger.debug("prior check: \(support) of \(cold.count) cold matches support the pose (need \(needed))")
        guard support < needed else { return nil }
        return "the image does not confirm the pose found from the prior: \(support) of \(cold.count) matches found without the prior agree with it; need \(needed)"
    }

    /// Median distance, in pixels, between the inliers' projections with `prior` and with
    /// the hypothesis (infinity when none projects).
    func priorDisplacement(_ h: PoseHypothesis, prior: Rigid3, points: [Vec3], intrinsics k: CameraIntrinsics) -> Double {
        var d: [Double] = []
        for (i, x) in points.enumerated() where h.inliers[i] {
            guard let a = k.project(prior.apply(x)), let b = k.project(h.cameraFromLandmark.apply(x)) else { continue }
            d.append(length(a - b))
        }
        guard !d.isEmpty else { return .infinity }
        d.sort()
        return d[d.count / 2]
    }

    private func arrays(_ c: [Correspondence], _ f: FeatureSet, _ index: MapIndex) -> ([Vec3], [Vec2]) {
        (c.map { index.positions[$0.point] }, c.map { f.keypoints[$0.keypoint].pixel })
    }

    /// Nil when the pose passes every check, else the reason.
    func verify(_ h: PoseHypothesis, matches: Int, features: FeatureSet) -> String? {
        let ratio = matches > 0 ? Double(h.inlierCount) / Double(matches) : 0
        if h.inlierCount < options.minInliers {
            return "\(h.inlierCount) inliers among \(matches) matches; need at least \(options.minInliers)"
        }
        if ratio < options.minInlierRatio {
            return String(format: "inlier ratio %.2f (%d of %d matches) is below %.2f", ratio, h.inlierCount, matches, options.minInlierRatio)
        }
        if h.cells < options.minOccupiedCells {
            return "inliers cover \(h.cells) of 16 frame cells; need \(options.minOccupiedCells) (a pose from one small patch is unreliable)"
        }
        if h.rmse > options.maxRMSEPixels {
            return String(format: "inlier RMSE %.2f px exceeds %.2f px", h.rmse, options.maxRMSEPixels)
        }
        return nil
    }

    /// Grows with inliers (saturating at 4× the minimum), inlier ratio and spread.
    func confidence(_ h: PoseHypothesis, matches: Int, features: FeatureSet) -> Double {
        let count = min(1, Double(h.inlierCount) / Double(4 * options.minInliers))
        let ratio = matches > 0 ? min(1, Double(h.inlierCount) / Double(matches) / 0.5) : 0
        let spread = min(1, Double(h.cells) / 8)
        return count * (0.5 + 0.5 * ratio) * (0.5 + 0.5 * spread)
    }
}

/// Per-stage wall-clock and thread CPU milliseconds of one query.
struct StageClock {
    private(set) var timings = StageTimings()
    private(set) var cpu = StageTimings()
    private let startWall: UInt64, startCPU: Double
    private var lastWall: UInt64, lastCPU: Double

    init() {
        startWall = DispatchTime.now().uptimeNanoseconds; startCPU = CPUClock.threadSeconds()
        lastWall = startWall; lastCPU = startCPU
    }

    /// Adds the time since the last stage ended to `stage`.
    mutating func end(_ stage: WritableKeyPath<StageTimings, Double>) {
        let wall = DispatchTime.now().uptimeNanoseconds, cpuNow = CPUClock.threadSeconds()
        timings[keyPath: stage] += Double(wall - lastWall) / 1e6
        cpu[keyPath: stage] += (cpuNow - lastCPU) * 1e3
        lastWall = wall; lastCPU = cpuNow
    }

    /// Sets the totals since creation.
    mutating func finish() {
        timings.total = Double(DispatchTime.now().uptimeNanoseconds - startWall) / 1e6
        cpu.total = (CPUClock.threadSeconds() - startCPU) * 1e3
    }

    /// `result` with this clock's timings (totals taken now).
    mutating func stamp(_ result: LocalizationResult) -> LocalizationResult {
        finish()
        var r = result
        r.timings = timings
        r.cpuTimings = cpu
        return r
    }
}
