import Anchoring
import Synthetic

/// One demo preview scored against the same preview from the ground-truth pose (the
/// scoring itself is Synthetic's `SilhouetteScore`).
struct DemoPreviewScore {
    let name: String, estimated: PreviewResult, truth: PreviewResult
    /// The localized camera centre's distance from the true one, metres.
    let centreError: Double
    let score: SilhouetteScore

    init(name: String, estimated: PreviewResult, truth: PreviewResult, centreError: Double) {
        self.name = name; self.estimated = estimated; self.truth = truth; self.centreError = centreError
        score = SilhouetteScore(estimatedSilhouette: estimated.silhouetteMask, estimatedVisible: estimated.visibleMask,
                                truthSilhouette: truth.silhouetteMask, truthVisible: truth.visibleMask,
                                truthSilhouettePixels: truth.silhouettePixels, truthVisiblePixels: truth.visiblePixels)
    }

    /// At least half of the character shows in the ground-truth preview.
    var visible: Bool { score.visible }
    var silhouetteIoU: Double { score.silhouetteIoU }
    var visibleIoU: Double { score.visibleIoU }
    /// Centroid distance of the visible silhouettes where the character shows, else of the unoccluded ones (pixels).
    var offset: Double { score.centroidOffsetPixels }
    /// The share of the estimated silhouette the landmark does not hide.
    var visibleFraction: Double { Double(estimated.visiblePixels) / Double(max(1, estimated.silhouettePixels)) }

    var report: DemoReport.ScoredView {
        DemoReport.ScoredView(name: name, visible: visible, visibleIoU: JSONNumber(visibleIoU), unoccludedIoU: JSONNumber(silhouetteIoU),
                              centroidOffsetPx: JSONNumber(offset), silhouettePixels: truth.silhouettePixels,
                              visibleFraction: JSONNumber(visibleFraction), localizationCentreErrorM: JSONNumber(centreError))
    }
}
