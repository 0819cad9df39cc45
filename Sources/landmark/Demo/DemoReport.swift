import Foundation

/// What `landmark demo --json` prints: every step's figures, scored against the ground
/// truth. Lengths in metres (…M), angles in degrees (…Deg), image offsets in pixels (…Px),
/// times in seconds. A figure that does not exist (the median of no views) is null.
struct DemoReport: Encodable {
    var seed: UInt64
    var registration: Registration
    var localization: Localization
    var anchor: Anchor
    var retarget: Retarget
    var previewScores: PreviewScores
    var audience: Audience
    var visibleViews: VisibleViews
    var previews: [Preview]
    var seconds: Double

    /// Step 2: the registration, and its camera poses against the ground truth (-1: not scored).
    struct Registration: Encodable {
        var registered: Int, images: Int, points: Int
        var meanReprojectionErrorPx: JSONNumber
        var seconds: Double
        var medianCenterErrorM: JSONNumber, medianRotationErrorDeg: JSONNumber
        /// How the map was put into metres (the priors' alignment).
        var frame: String
    }

    /// Step 3: the query views localized against the stored map.
    struct Localization: Encodable {
        var queries: Int, localized: Int
        /// Within 5 cm and 0.5° of the ground truth.
        var within5cm05deg: Int
        /// Reported localized but more than 1 m or 5° off.
        var wrongReportedLocalized: Int
        var medianCenterErrorM: JSONNumber, medianRotationErrorDeg: JSONNumber
        var seconds: Double
    }

    /// Step 4: the roof anchor, from a pixel of a capture view.
    struct Anchor: Encodable {
        var image: String
        /// x, y in pixels.
        var pixel: [Double]
        /// x, y, z in the landmark frame.
        var position: [Double]
        var roofPlaneErrorM: JSONNumber, upErrorDeg: JSONNumber
        var supportPoints: Int
    }

    /// Step 5: the walk retargeted onto the humanoid, feet on the anchor's surface.
    struct Retarget: Encodable {
        var output: String
        var footSkatingMmPerFrame: JSONNumber, floatingMmInContact: JSONNumber, maxPenetrationMm: JSONNumber
        var seconds: Double
    }

    /// Step 6: previews over the localized query views that hold the anchor.
    struct PreviewScores: Encodable {
        var queries: Int, visibleViews: Int, hiddenViews: Int
        var visibleMedianIoU: JSONNumber, visibleMinIoU: JSONNumber, visibleMaxCentroidOffsetPx: JSONNumber
        /// Views where the building hides the character that hide it in the estimate too.
        var hiddenViewsHiddenInEstimate: Int
        var allViewsUnoccludedMedianIoU: JSONNumber, allViewsUnoccludedMinIoU: JSONNumber, allViewsMaxCentroidOffsetPx: JSONNumber
        var views: [ScoredView]
    }

    /// Step 6b: the audience views, rendered, localized and scored like the queries.
    struct Audience: Encodable {
        var views: Int, localized: Int, scored: Int, visibleViews: Int
        var visibleMedianIoU: JSONNumber, visibleMinIoU: JSONNumber, maxCentroidOffsetPx: JSONNumber
        var medianSilhouettePixels: JSONNumber
        var folder: String
        var seconds: Double
        var viewsScored: [ScoredView]

        enum CodingKeys: String, CodingKey {
            case views, localized, scored, visibleViews, visibleMedianIoU, visibleMinIoU, maxCentroidOffsetPx,
                 medianSilhouettePixels, folder, seconds
            case viewsScored = "views_scored"
        }
    }

    /// The query and audience views where the character shows.
    struct VisibleViews: Encodable {
        var count: Int
        var medianIoU: JSONNumber, minIoU: JSONNumber, maxCentroidOffsetPx: JSONNumber
    }

    /// One preview scored against the same preview from the ground-truth pose.
    struct ScoredView: Encodable {
        var name: String
        var visible: Bool
        var visibleIoU: JSONNumber, unoccludedIoU: JSONNumber, centroidOffsetPx: JSONNumber
        var silhouettePixels: Int
        var visibleFraction: JSONNumber
        var localizationCentreErrorM: JSONNumber
    }

    /// One preview image written to the demo's folder.
    struct Preview: Encodable {
        var file: String
        /// The visible silhouettes' IoU where the character shows, else the unoccluded ones'.
        var silhouetteIoU: JSONNumber
        var centroidOffsetPx: JSONNumber
        var visibleFraction: JSONNumber
    }
}

/// A number in a JSON report: a non-finite value (NaN for "no views") is written as null.
struct JSONNumber: Encodable, ExpressibleByFloatLiteral {
    var value: Double
    init(_ value: Double) { self.value = value }
    init(floatLiteral value: Double) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if value.isFinite { try c.encode(value) } else { try c.encodeNil() }
    }
}
