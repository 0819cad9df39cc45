import Foundation
import Geometry
import LandmarkMap
import Estimators

// Scale from one measured distance (`landmark scale`): two pixels of registered photos
// whose real distance is known, e.g. the width of a door or a tape-measured span.
//
// Each pixel becomes a 3D point the way `landmark anchor add --pixel` places an anchor: the
// map points seen around the pixel are fitted with a robust plane and the pixel's ray is
// intersected with it (`AnchorPlacer`). Where the points around the pixel lie on no one
// plane, the ray takes the median depth of the map points observed within a few pixels of
// it. The whole map is then scaled about the landmark origin so the two points are the
// given distance apart.

/// One end of a measured distance: a pixel of a registered photo.
public struct PixelMeasurement: Sendable, Equatable, CustomStringConvertible {
    /// A keyframe's name as stored in the map (a path ending in it also matches).
    public var image: String
    /// OpenCV pixel convention: (0, 0) is the centre of the top-left pixel, x right, y down.
    public var pixel: Vec2

    public init(image: String, pixel: Vec2) { self.image = image; self.pixel = pixel }

    public var description: String { String(format: "%@ (%g, %g)", image, pixel.x, pixel.y) }
}

/// A pixel turned into a point of the map.
public struct LocatedPixel: Sendable, Equatable {
    public var measurement: PixelMeasurement
    /// In the landmark frame, map units.
    public var position: Vec3
    /// Standard error of `position`, map units: the surface fit's error along the ray and
    /// half a pixel across it.
    public var standardError: Double
    /// How it was found: "surface" (ray meets a plane fitted to N points) or "depth" (median depth of nearby points).
    public var method: String
    /// Map points behind the estimate.
    public var supportPoints: Int
}

/// The result of `MapScaling.scale`.
public struct MeasuredScale: Sendable, Equatable {
    public var from: LocatedPixel
    public var to: LocatedPixel
    /// The two points' distance before scaling, map units.
    public var mapDistance: Double
    public var metres: Double
    /// Factor every map coordinate was multiplied by (metres per map unit).
    public var scale: Double
    /// Estimated relative standard error of `scale` (0.01 = 1 %).
    public var relativeUncertainty: Double
    /// The map's frame provenance after scaling.
    public var frame: FrameProvenance
}

/// Why a map could not be scaled. The map (and its file) is unchanged.
public enum MapScalingError: Error, CustomStringConvertible, Equatable {
    case invalidDistance(Double)
    case unknownImage(String, known: [String])
    case pixelOutsideImage(PixelMeasurement, width: Int, height: Int)
    case noPointsNear(PixelMeasurement, reason: String)
    case pointsTooClose(PixelMeasurement, PixelMeasurement, mapDistance: Double, standardError: Double)

    public var description: String {
        switch self {
        case .invalidDistance(let d):
            "the measured distance must be a finite number of metres > 0, got \(d)"
        case .unknownImage(let name, let known):
            "no registered image named '\(name)' in the map (images are named as when registered, e.g. "
                + known.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (known.count > 3 ? ", … \(known.count) in all)" : ")")
        case .pixelOutsideImage(let m, let w, let h):
            "pixel (\(m.pixel.x), \(m.pixel.y)) is outside \(m.image), which is \(w)×\(h) (x in 0..<\(w), y in 0..<\(h))"
        case .noPointsNear(let m, let reason):
            "no map points near pixel (\(m.pixel.x), \(m.pixel.y)) of \(m.image) to place it in 3D: \(reason); pick a textured spot the photos share"
        case .pointsTooClose(let a, let b, let d, let e):
            String(format: "%@ and %@ are %.3g map units apart, too close to measure (each is placed to ±%.2g); pick two spots further apart",
                   a.description, b.description, d, e)
        }
    }
}

public enum MapScaling {
    /// Click precision assumed for each pixel, in pixels (the spread across the ray).
    public static let pixelStandardError = 0.5

    /// The 3D point under `measurement`'s pixel (see the comment at the top of the file).
    /// - Throws: `MapScalingError.unknownImage`, `.pixelOutsideImage`, `.noPointsNear`.
    public static func locate(_ measurement: PixelMeasurement, in map: FeatureMap) throws -> LocatedPixel {
        let pixel = measurement.pixel
        guard let keyframe = AnchorPlacer.findKeyframe(measurement.image, in: map),
              let camera = map.camera(id: keyframe.cameraID)?.intrinsics else {
            throw MapScalingError.unknownImage(measurement.image, known: map.keyframes.map(\.name))
        }
        guard pixel.x.isFinite, pixel.y.isFinite, pixel.x >= 0, pixel.y >= 0,
              pixel.x < Double(camera.width), pixel.y < Double(camera.height) else {
            throw MapScalingError.pixelOutsideImage(measurement, width: camera.width, height: camera.height)
        }
        let landmarkFromCamera = keyframe.cameraFromLandmark.inverse
        let rayCamera = camera.ray(through: pixel)
        let direction = normalize(landmarkFromCamera.rotation * rayCamera)
        let focal = (camera.fx + camera.fy) / 2
        func across(_ depth: Double) -> Double { pixelStandardError * depth / focal }

        // 1. The ray meets a plane fitted to the points around the pixel.
        var options = AnchorPlacementOptions()
        options.seed = 0
        if let placement = try? AnchorPlacer.place(in: map, imageName: keyframe.name, pixel: pixel, options: options) {
            let hit = placement.position
            let depth = (keyframe.cameraFromLandmark * hit).z
            let incidence = max(abs(dot(direction, placement.surface.normal)), 0.1)
            let along = placement.rmsDistance / Double(max(placement.supportPoints, 1)).squareRoot() / incidence
            return LocatedPixel(measurement: measurement, position: hit,
                                standardError: (along * along + across(depth) * across(depth)).squareRoot(),
                                method: "surface", supportPoints: placement.supportPoints)
        }

        // 2. The median depth of the points observed (else projected) nearest the pixel.
        let observed = map.points.compactMap { p -> (pixel: Vec2, depth: Double)? in
            guard let o = p.observations.first(where: { $0.keyframeID == keyframe.id }) else { return nil }
            let z = (keyframe.cameraFromLandmark * p.position).z
            return z > 0 ? (o.pixel, z) : nil
        }
        let pool = observed.isEmpty ? map.points.compactMap { p -> (pixel: Vec2, depth: Double)? in
            let pc = keyframe.cameraFromLandmark * p.position
            guard let px = camera.project(pc) else { return nil }
            return (px, pc.z)
        } : observed
        let radius = max(8, 0.01 * Double(max(camera.width, camera.height)))
        let near = pool.map { (pixels: length($0.pixel - pixel), depth: $0.depth) }
            .filter { $0.pixels <= radius }.sorted { $0.pixels < $1.pixels }.prefix(5)
        guard near.count >= 3 else {
            throw MapScalingError.noPointsNear(measurement, reason: near.isEmpty
                ? "no map point is observed within \(Int(radius)) pixels, and the points around it lie on no surface"
                : "only \(near.count) map points within \(Int(radius)) pixels, and those around it lie on no surface")
        }
        let depths = near.map { $0.depth }.sorted()
        let depth = depths[depths.count / 2]
        let deviations = depths.map { abs($0 - depth) }.sorted()
        let along = 1.4826 * deviations[deviations.count / 2] / Double(near.count).squareRoot()
        let position = landmarkFromCamera * (rayCamera * depth)
        return LocatedPixel(measurement: measurement, position: position,
                            standardError: (along * along + across(depth) * across(depth)).squareRoot(),
                            method: "depth", supportPoints: near.count)
    }

    /// Scales `map` about the landmark origin so that the points under the two pixels are
    /// `metres` apart; cameras' centres, points, ORB points and anchors all scale, rotations
    /// do not. Records the scale in `metadata.frame` (source "measured-distance") and marks
    /// the map metric when its up is known too (camera-up or priors).
    /// - Throws: `MapScalingError`; `map` is then unchanged.
    public static func scale(_ map: inout FeatureMap, from a: PixelMeasurement, to b: PixelMeasurement,
                             metres: Double) throws -> MeasuredScale {
        guard metres.isFinite, metres > 0 else { throw MapScalingError.invalidDistance(metres) }
        let pa = try locate(a, in: map), pb = try locate(b, in: map)
        let mapDistance = distance(pa.position, pb.position)
        guard mapDistance > 1e-9 * AnchorPlacer.sceneSize(map), mapDistance > 3 * max(pa.standardError, pb.standardError) else {
            throw MapScalingError.pointsTooClose(a, b, mapDistance: mapDistance, standardError: max(pa.standardError, pb.standardError))
        }
        let factor = metres / mapDistance
        let relative = (pa.standardError * pa.standardError + pb.standardError * pb.standardError).squareRoot() / mapDistance
        map.transform(by: Sim3(scale: factor))
        var frame = map.metadata.resolvedFrame
        frame.scale = ScaleEstimate(
            source: .measuredDistance, relativeUncertainty: relative,
            detail: String(format: "%@ – %@: %.6g map units = %g m (±%.2g %%)", a.description, b.description, mapDistance, metres, 100 * relative))
        map.metadata.frame = frame
        map.metadata.isMetric = frame.isMetric
        if frame.isMetric {
            let g = frame.gravity
            let gravity = switch g.source {
            case .cameraUp: String(format: "camera-up gravity (%d cameras, ±%.2f°)", g.cameraCount, g.uncertaintyDegrees)
            case .priors: "gravity from priors"
            default: "gravity: \(g.source.rawValue)"
            }
            map.metadata.alignment = String(format: "%@; scale from a measured distance (±%.2g %%)", gravity, 100 * relative)
        }
        return MeasuredScale(from: pa, to: pb, mapDistance: mapDistance, metres: metres, scale: factor,
                             relativeUncertainty: relative, frame: frame)
    }

    /// `scale` on the map stored at `url`: reads it, scales it and rewrites it atomically
    /// (`LandmarkStore.write`: temporary file, fsync, rename). Any failure leaves the file
    /// byte-identical.
    public static func scaleMap(at url: URL, from a: PixelMeasurement, to b: PixelMeasurement,
                                metres: Double) throws -> MeasuredScale {
        guard metres.isFinite, metres > 0 else { throw MapScalingError.invalidDistance(metres) }
        var map = try LandmarkStore.read(from: url)
        let result = try scale(&map, from: a, to: b, metres: metres)
        try LandmarkStore.write(map, to: url)
        return result
    }
}
