import Foundation
import Geometry
import LandmarkMap
import Features

/// What `reconstruct` does and how strict it is. Pixel thresholds are in *extraction*
/// pixels (after the `features.maxImageSize` downscale) and are scaled to each photo's
/// full resolution internally, so they mean the same on a 1 MP and a 6 MP photo.
public struct ReconstructionOptions: Sendable, Equatable {
    public var features = FeatureOptions()
    public var matching = MatchOptions(ratio: 0.8, mutual: true)
    /// The ORB query layer added to SIFT maps (see `buildORBLayer`).
    public var orbLayer = ORBLayerOptions()
    /// Known intrinsics for every photo; nil guesses them (focal 1.2 × the longer side,
    /// principal point at the centre) and refines them per photo in bundle adjustment.
    public var intrinsics: IntrinsicsPrior?
    /// Seeds every random choice (RANSAC samplers).
    public var seed: UInt64 = 0
    /// Up to this many photos, every pair is matched; above it, each photo is matched with
    /// its `shortlistSize` most similar photos (descriptor voting).
    public var exhaustiveLimit = 40
    public var shortlistSize = 20
    /// A pair needs this many fundamental-matrix inliers to count as overlapping.
    public var minPairInliers = 30
    /// Epipolar threshold for verification and the initial pair (extraction pixels).
    public var twoViewErrorPixels = 2.0
    /// PnP inlier threshold for registering a photo (extraction pixels).
    public var pnpErrorPixels = 4.0
    /// A registered photo needs this many PnP inliers.
    public var minPnPInliers = 20
    /// Observations farther than this from their point's projection are dropped (extraction pixels).
    public var maxReprojectionErrorPixels = 4.0
    /// Points whose viewing rays span less than this angle are dropped (degrees).
    public var minTriangulationAngleDegrees = 1.5
    /// The initial pair's median triangulation angle must reach this (degrees).
    public var minInitialPairAngleDegrees = 3.0
    /// Huber loss scale in bundle adjustment (extraction pixels).
    public var lossScalePixels = 1.0
    /// Show progress: bars on stderr when it is a terminal, otherwise periodic log lines
    /// (`ProgressBar`).
    public var showProgress = true

    public init() {}

    public func validate() throws {
        guard features.maxFeatures >= 0, features.maxImageSize >= 0 else {
            throw ReconstructionError.invalidInput("feature limits must be ≥ 0")
        }
        for (name, v) in [("twoViewErrorPixels", twoViewErrorPixels), ("pnpErrorPixels", pnpErrorPixels),
                          ("maxReprojectionErrorPixels", maxReprojectionErrorPixels), ("lossScalePixels", lossScalePixels)] {
            guard v > 0, v.isFinite else { throw ReconstructionError.invalidInput("\(name) must be > 0, got \(v)") }
        }
        guard minPairInliers >= 8, minPnPInliers >= 4 else {
            throw ReconstructionError.invalidInput("minPairInliers must be ≥ 8 and minPnPInliers ≥ 4")
        }
    }
}

/// Figures about one reconstruction.
public struct ReconstructionStats: Sendable, Equatable {
    public var imageCount: Int
    public var registeredCount: Int
    public var pointCount: Int
    public var observationCount: Int
    /// Mean reprojection error over all observations, in full-resolution pixels.
    public var meanReprojectionError: Double
    /// Mean track length (observations per point).
    public var meanTrackLength: Double
    /// Names of the photos that could not be registered.
    public var unregistered: [String]
    /// Wall time per stage, in seconds, in pipeline order.
    public var stageSeconds: [StageTime]
    /// Verified image pairs.
    public var verifiedPairs: Int

    public struct StageTime: Sendable, Equatable {
        public var stage: String
        public var seconds: Double
    }
}

public struct ReconstructionResult: Sendable {
    public var map: FeatureMap
    public var stats: ReconstructionStats
    /// Skipped photos and other non-fatal problems, one sentence each.
    public var warnings: [String]
}
