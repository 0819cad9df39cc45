import Foundation
import Imaging

/// How a query is localized. The CLI and the server share this struct; `validate()` first.
public struct LocalizationOptions: Sendable, Equatable {
    /// Frames whose longer side exceeds this many pixels are downscaled before feature
    /// extraction (intrinsics scaled to match). 0 means never. Default 1024: enough detail
    /// for SIFT at the map's scale, and extraction cost grows with the pixel count.
    public var maxImageSize: Int = 1024
    /// Refuse frames with more pixels (read from the header before decoding). 0 means no limit.
    public var maxImagePixels: Int = 16_000_000
    /// Stretch the frame's gray levels (1 % and 99 % quantiles to 0 and 255) before feature
    /// extraction when they span fewer than 200 levels: a dark or hazy frame then gives
    /// features in proportion to its own contrast (see `stretchContrast`).
    public var stretchContrast = true
    /// SIFT contrast threshold for query features; 0 means OpenCV's default (0.04).
    /// Default 0.01, a quarter of the mapping default: the extra weak keypoints (shadowed
    /// façades, dusk) rarely survive the cold search but do match in the guided windows,
    /// where the pose already narrows each point to a few pixels. On the synthetic
    /// queries this took the dark frame from 29 to 535 inliers and every frame within 3 cm.
    public var siftContrastThreshold: Double = 0.01
    /// Keep the strongest N query features; 0 means the detector's default.
    public var maxFeatures: Int = 8192
    /// Try the map's ORB query layer first when it has one (`register --orb-layer`) and the
    /// intrinsics are known; the map's own features answer when it declines
    /// (`LocalizationResult.fallbackReason`). On the synthetic queries at 640×480 on one
    /// core it answers in 25–26 ms cold (SIFT: 135 ms) with the same accuracy, thanks to
    /// the patch refinement (`refineWithPatches`).
    public var useORBLayer = true
    /// ORB keypoints per query frame for the ORB layer, and the strongest of them its cold
    /// search uses (1200 of 2000: 9 ms instead of 12.5 at 640×480, same accuracy, one more
    /// SIFT fallback in 20 queries).
    public var orbMaxFeatures: Int = 2000
    public var orbColdMatchFeatures: Int = 1200
    /// An ORB-layer pose whose camera centre's standard deviation (`cameraCentreSigma`)
    /// exceeds this fraction of the inliers' median depth is localized again with the map's
    /// own features, and the better-constrained answer is given.
    public var orbSecondOpinionSpread: Double = 0.005
    /// ORB layer: re-fit the pose on patch-aligned inlier positions (`refineWithPatches`),
    /// with this Huber loss scale in pixels.
    public var patchRefinement = true
    public var patchRefinementLossPixels = 0.5
    /// Patches aligned per query: the pose's inliers, then other visible map points of the
    /// layer up to this many in all. On synthetic seed 7 at 640×480: inliers only (about
    /// 300) gave 17/20 within 5 cm, 1500 gave 20/20, for about 8 ms on one core.
    public var maxPatchPoints = 1500
    /// Align-and-refit rounds (each round's alignment starts from the previous refit).
    public var patchRounds = 1
    /// The cold whole-map search uses only the strongest N of them (by detector
    /// response); 0 means all. Its cost grows with N while the extra weak features add few
    /// ratio-test survivors; guided re-matching and the tracking prior use every feature.
    public var coldMatchFeatures: Int = 2048
    /// Lowe's ratio between the best 3D point's and the second-best *other* 3D point's
    /// descriptor distance. 0.8 as Lowe; lower is stricter.
    public var ratio: Float = 0.8
    /// Neighbours searched per query descriptor (several observations of one point are
    /// near-duplicates, so k > 2 finds a second distinct point).
    public var neighbours: Int = 5
    /// FLANN search effort of the cold search (kd-tree leaves checked per feature); 0 means
    /// the bridge's default (64). Default 32: half the match time of 64 with the same
    /// synthetic accuracy (guided re-matching, which is exact, recovers what it misses).
    public var searchChecks: Int = 32
    /// Inlier threshold on the reprojection error, in pixels of the (downscaled) frame.
    public var maxReprojectionErrorPixels: Double = 4
    /// Answer `not_localized` below this many inliers. Default 30: below it a wrong pose
    /// with a few coincidental inliers becomes possible in repetitive façades.
    public var minInliers: Int = 30
    /// …or below this fraction of inliers among the 2D–3D matches.
    public var minInlierRatio: Double = 0.15
    /// …or when the inliers occupy fewer cells of a 4×4 grid over the frame (a pose fitted
    /// to one small patch is poorly constrained).
    public var minOccupiedCells: Int = 3
    /// …or when the inliers' RMS reprojection error exceeds this, in pixels.
    public var maxRMSEPixels: Double = 3
    /// RANSAC iterations bound (0 = the bridge's default, 10 000) and its confidence.
    public var ransacMaxIterations: Int = 10_000
    public var ransacConfidence: Double = 0.9999
    /// Seeds RANSAC, so the same frame gives the same pose.
    public var seed: UInt64 = 0
    /// Focal-length sweep when intrinsics are unknown: candidates span
    /// [minFocalFactor, maxFocalFactor] × the frame's longer side, log-spaced.
    public var minFocalFactor: Double = 0.5
    public var maxFocalFactor: Double = 2.5
    public var focalSteps: Int = 13
    /// Tracking prior: search radius around each projected map point, in pixels of a frame
    /// whose longer side is 1024 (scaled with the working frame, so the window spans the
    /// same angle at every resolution: 12 px at 512), and the least matches before falling
    /// back to a cold query.
    public var priorWindowPixels: Double = 24
    public var priorMinMatches: Int = 40
    /// RANSAC iterations on the prior's window matches (enough at an inlier ratio of 0.4
    /// or more; a prior whose windows hold fewer right matches is not worth following).
    public var priorRansacIterations: Int = 300
    /// The prior's pose is confirmed by the image alone (`Localizer.priorCheck`): the
    /// strongest N features are matched against the whole map without the prior, and at
    /// least `priorCheckMinSupport` of those matches, and `priorCheckMinFraction` of them,
    /// must agree with the pose; otherwise the query is answered cold. 0 turns the check
    /// off (a pose from a drifted prior can then be answered, as a benchmark baseline).
    public var priorCheckFeatures: Int = 400
    public var priorCheckMinSupport: Int = 8
    public var priorCheckMinFraction: Double = 0.2
    /// Guided re-matching after the robust pose: every map point is projected with the
    /// verified pose and matched in a window of this radius (pixels of the downscaled frame),
    /// which finds several times the inliers of the whole-map search; the pose is then
    /// refined on them. 0 disables it. Default 4 px: the pose's own reprojection error is
    /// well under 1 px, so a true match lies within a few pixels.
    public var guidedWindowPixels: Double = 4
    /// Rounds of guided re-matching and refinement (each starts from the last pose).
    public var guidedRounds: Int = 2
    /// Huber loss scale of the final pose refinement, in pixels: residuals beyond it count
    /// linearly, so a few wrong matches inside the window barely pull the pose.
    public var refinementLossPixels: Double = 1
    /// Inlier tightening after the guided rounds (`tightenInliers`): rounds, the threshold
    /// as a multiple of the median inlier residual, and its floor in pixels. 0 rounds
    /// disables it.
    public var tighteningRounds: Int = 3
    public var tighteningFactor: Double = 1.5
    public var minTightThresholdPixels: Double = 0.75
    /// Narrowing needs at least this many inliers (a weaker pose is left as fitted).
    public var minInliersToTighten: Int = 150

    public init() {}

    public func validate() throws {
        func fail(_ s: String) -> LocalizationError { .invalidOptions(s) }
        guard maxImageSize >= 0 else { throw fail("maxImageSize must be ≥ 0") }
        guard maxImagePixels >= 0 else { throw fail("maxImagePixels must be ≥ 0") }
        guard maxFeatures >= 0 else { throw fail("maxFeatures must be ≥ 0") }
        guard orbMaxFeatures > 0, orbColdMatchFeatures >= 0 else { throw fail("orbMaxFeatures must be > 0 and orbColdMatchFeatures ≥ 0") }
        guard patchRefinementLossPixels > 0 else { throw fail("patchRefinementLossPixels must be > 0") }
        guard coldMatchFeatures >= 0 else { throw fail("coldMatchFeatures must be ≥ 0") }
        guard searchChecks >= 0 else { throw fail("searchChecks must be ≥ 0") }
        guard siftContrastThreshold >= 0, siftContrastThreshold.isFinite else { throw fail("siftContrastThreshold must be ≥ 0") }
        guard ratio > 0, ratio <= 1 else { throw fail("ratio must be in (0, 1]") }
        guard neighbours >= 2 else { throw fail("neighbours must be ≥ 2") }
        guard maxReprojectionErrorPixels > 0 else { throw fail("maxReprojectionErrorPixels must be > 0") }
        guard minInliers >= 4 else { throw fail("minInliers must be ≥ 4") }
        guard (0...1).contains(minInlierRatio) else { throw fail("minInlierRatio must be in [0, 1]") }
        guard (0...16).contains(minOccupiedCells) else { throw fail("minOccupiedCells must be in 0...16") }
        guard maxRMSEPixels > 0 else { throw fail("maxRMSEPixels must be > 0") }
        guard ransacConfidence > 0, ransacConfidence < 1 else { throw fail("ransacConfidence must be in (0, 1)") }
        guard minFocalFactor > 0, maxFocalFactor > minFocalFactor, focalSteps >= 2 else {
            throw fail("focal sweep needs 0 < minFocalFactor < maxFocalFactor and focalSteps ≥ 2")
        }
        guard priorWindowPixels > 0, priorMinMatches >= 4 else { throw fail("prior window must be > 0 and priorMinMatches ≥ 4") }
        guard priorRansacIterations > 0 else { throw fail("priorRansacIterations must be > 0") }
        guard priorCheckFeatures >= 0, priorCheckMinSupport >= 1, (0...1).contains(priorCheckMinFraction) else {
            throw fail("priorCheckFeatures must be ≥ 0, priorCheckMinSupport ≥ 1 and priorCheckMinFraction in [0, 1]")
        }
        guard guidedWindowPixels >= 0, guidedWindowPixels.isFinite else { throw fail("guidedWindowPixels must be ≥ 0") }
        guard guidedRounds >= 0 else { throw fail("guidedRounds must be ≥ 0") }
        guard refinementLossPixels > 0 else { throw fail("refinementLossPixels must be > 0") }
        guard tighteningRounds >= 0, tighteningFactor >= 1, minTightThresholdPixels > 0 else {
            throw fail("tighteningRounds must be ≥ 0, tighteningFactor ≥ 1 and minTightThresholdPixels > 0")
        }
    }
}
