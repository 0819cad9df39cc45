import Geometry
import Imaging

/// A preview's character scored against the same preview rendered from the ground-truth
/// pose: how much the silhouettes overlap and how far their centroids are apart.
///
/// "Silhouette" is the whole character as if nothing hid it; "visible" is the part the
/// landmark does not hide. Masks are 0/255 images of the frame's size.
public struct SilhouetteScore: Sendable, Equatable {
    /// At least half of the character shows in the ground-truth preview.
    public let visible: Bool
    /// IoU of the unoccluded silhouettes (0…1; 1 when both are empty).
    public let silhouetteIoU: Double
    /// IoU of the visible silhouettes (0…1; 1 when both are empty).
    public let visibleIoU: Double
    /// Centroid distance in pixels of the visible silhouettes where the character shows,
    /// else of the unoccluded ones; NaN when either mask is empty.
    public let centroidOffsetPixels: Double

    /// - Parameters:
    ///   - truthSilhouettePixels, truthVisiblePixels: the ground-truth preview's pixel counts
    ///     (decide `visible`).
    public init(estimatedSilhouette: Image8, estimatedVisible: Image8, truthSilhouette: Image8, truthVisible: Image8,
                truthSilhouettePixels: Int, truthVisiblePixels: Int) {
        silhouetteIoU = maskIoU(estimatedSilhouette, truthSilhouette)
        visibleIoU = maskIoU(estimatedVisible, truthVisible)
        visible = truthVisiblePixels * 2 >= max(1, truthSilhouettePixels)
        let (a, b) = visible ? (estimatedVisible, truthVisible) : (estimatedSilhouette, truthSilhouette)
        if let ca = maskCentroid(a), let cb = maskCentroid(b) {
            centroidOffsetPixels = length(ca - cb)
        } else {
            centroidOffsetPixels = .nan
        }
    }
}
