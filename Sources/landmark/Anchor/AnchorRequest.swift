import Anchoring
import Foundation
import Geometry
import LandmarkMap

/// Where an anchor goes: a pixel of a registered image, or a landmark-frame point snapped
/// onto the surface below it.
enum AnchorTarget: Equatable {
    /// A registered image's name and a pixel in it (OpenCV convention).
    case pixel(image: String, Vec2)
    /// A point in the landmark frame (map units; metres when metric).
    case point(Vec3)
}

/// One anchor to add to a stored map: `landmark anchor add` and `landmark register` with a
/// landmark.yaml both place anchors through it.
struct AnchorRequest {
    var name: String
    var target: AnchorTarget
    /// Degrees about the anchor's up (0 faces +Z); nil: face the capture cameras.
    var yawDegrees: Double?
    /// Stand upright (+Y) even on a tilted surface; needs a gravity-aligned map.
    var upright = false

    /// What was placed, with the line `anchor add` prints.
    struct Placed {
        var anchor: LandmarkMap.Anchor
        var placement: AnchorPlacement
        var isMetric: Bool
        var isGravityAligned = false
        var text: String {
            let p = anchor.position, u = anchor.up
            var line = String(format: "anchor '%@' at (%.3f, %.3f, %.3f), up (%.3f, %.3f, %.3f), on a surface of %d map points (RMS %.4f)",
                              anchor.name, p.x, p.y, p.z, u.x, u.y, u.z, placement.supportPoints, placement.rmsDistance)
            if !isMetric {
                line += isGravityAligned
                    ? "\nnote: this map is Y up but in its own scale (not metric); positions are in map units (`landmark scale` makes it metric)"
                    : "\nnote: this map is in its own scale (not metric); positions are in map units"
            }
            return line
        }
    }

    /// Places the anchor on the map stored at `url` and adds it to the file.
    func place(inMapAt url: URL) throws -> Placed {
        let featureMap = try LandmarkStore.read(from: url)
        if featureMap.anchors.contains(where: { $0.name == name }) {
            throw CLIError("map \(url.relativePath) already has an anchor named '\(name)'; remove it first or pick another name")
        }
        var options = AnchorPlacementOptions(yawDegrees: yawDegrees)
        options.seed = 0
        options.upright = upright
        if upright, !featureMap.metadata.isGravityAligned {
            throw CLIError("--upright needs a gravity-aligned map (register with --priors, or without them and the default --gravity camera-up); \(url.relativePath) keeps the reconstruction's orientation")
        }
        let placement: AnchorPlacement
        switch target {
        case .pixel(let image, let pixel): placement = try AnchorPlacer.place(in: featureMap, imageName: image, pixel: pixel, options: options)
        case .point(let point): placement = try AnchorPlacer.place(in: featureMap, near: point, options: options)
        }
        let anchor = placement.anchor(named: name)
        try LandmarkStore.addAnchor(anchor, to: url)
        return Placed(anchor: anchor, placement: placement, isMetric: featureMap.metadata.isMetric,
                      isGravityAligned: featureMap.metadata.isGravityAligned)
    }
}
