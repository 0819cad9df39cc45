import CVBridge
import Imaging

/// Options shared by the robust estimators (PnP, essential, fundamental, homography).
public struct RansacOptions: Sendable, Equatable {
    /// Inlier threshold on the reprojection (or epipolar) error, in pixels.
    public var maxErrorPixels: Double
    /// Probability of having drawn one all-inlier sample when the loop stops (0, 1).
    public var confidence: Double
    /// Upper bound on the number of samples; 0 means a safe default (10 000).
    public var maxIterations: Int
    /// Seeds the sampler so that results are reproducible.
    public var seed: UInt64

    public init(maxErrorPixels: Double = 4, confidence: Double = 0.9999, maxIterations: Int = 10_000, seed: UInt64 = 0) {
        self.maxErrorPixels = maxErrorPixels; self.confidence = confidence
        self.maxIterations = maxIterations; self.seed = seed
    }

    /// Throws when a value is out of range.
    public func validate() throws {
        guard maxErrorPixels > 0, maxErrorPixels.isFinite else {
            throw VisionError.invalidInput("maxErrorPixels must be > 0, got \(maxErrorPixels)")
        }
        guard confidence > 0, confidence < 1 else {
            throw VisionError.invalidInput("confidence must be in (0, 1), got \(confidence)")
        }
        guard maxIterations >= 0 else { throw VisionError.invalidInput("maxIterations must be ≥ 0") }
    }

    var bridge: cvb_ransac_options {
        cvb_ransac_options(max_error_px: maxErrorPixels, confidence: confidence,
                           max_iterations: Int32(clamping: maxIterations), seed: seed)
    }
}
