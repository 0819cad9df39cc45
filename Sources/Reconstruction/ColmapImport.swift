import Foundation
import Geometry
import LandmarkMap
import Imaging
import Features

/// Turns an existing COLMAP reconstruction (text model) into a landmark map: reads the
/// model with `ColmapText`, then computes SIFT descriptors at every observed keypoint from
/// the photos, so localization can match queries against it.
public enum ColmapImport {
    public struct Report: Sendable, Equatable {
        public var images: Int
        public var observations: Int
        /// Observations whose size and angle came from a SIFT detection at their position.
        public var snapped: Int
    }

    /// - Parameters:
    ///   - modelDirectory: holds cameras.txt, images.txt, points3D.txt.
    ///   - imagesDirectory: the photos; image NAMEs in images.txt are relative to it.
    ///   - metadata: the map's metadata (`featureKind` is forced to `.sift`).
    ///   - progress: called after each image with (done, total); may be nil.
    /// - Throws: `ColmapError` for the model, `ColmapImportError` for the photos.
    public static func importModel(from modelDirectory: URL, images imagesDirectory: URL, metadata: MapMetadata,
                                   options: KeypointDescriptors.Options = .init(),
                                   progress: ((Int, Int) -> Void)? = nil) throws -> (FeatureMap, Report) {
        var metadata = metadata
        metadata.featureKind = .sift
        var map = try ColmapText.read(from: modelDirectory, metadata: metadata)

        // Observations grouped by keyframe: (point index, observation index).
        var byKeyframe: [Int64: [(Int, Int)]] = [:]
        for (p, point) in map.points.enumerated() {
            for (o, observation) in point.observations.enumerated() { byKeyframe[observation.keyframeID, default: []].append((p, o)) }
        }
        var report = Report(images: 0, observations: 0, snapped: 0)
        for (done, keyframe) in map.keyframes.enumerated() {
            defer { progress?(done + 1, map.keyframes.count) }
            guard let refs = byKeyframe[keyframe.id], !refs.isEmpty else { continue }
            let url = imagesDirectory.appendingPathComponent(keyframe.name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ColmapImportError.imageMissing(path: url.path, image: keyframe.name)
            }
            let image: Image8
            do { image = try Image8(contentsOf: url, channels: 1) } catch {
                throw ColmapImportError.unreadableImage(path: url.path, reason: "\(error)")
            }
            let k = map.camera(id: keyframe.cameraID)!.intrinsics
            guard image.width == k.width, image.height == k.height else {
                throw ColmapImportError.sizeMismatch(path: url.path, width: image.width, height: image.height,
                                                     cameraWidth: k.width, cameraHeight: k.height)
            }
            let keypoints = refs.map { (p, o) in
                let obs = map.points[p].observations[o]
                return KeypointDescriptors.Keypoint(pixel: obs.pixel, size: obs.size > 0 ? obs.size : 0,
                                                    angle: obs.size > 0 ? obs.angle : -1)
            }
            let described: [KeypointDescriptors.Described]
            do { described = try KeypointDescriptors.compute(on: image, at: keypoints, options: options) } catch {
                throw ColmapImportError.descriptorsFailed(path: url.path, reason: "\(error)")
            }
            for ((p, o), d) in zip(refs, described) {
                map.points[p].observations[o].size = d.size
                map.points[p].observations[o].angle = d.angle
                map.points[p].observations[o].descriptor = d.descriptor
                if d.snapped { report.snapped += 1 }
            }
            report.images += 1
            report.observations += refs.count
        }
        return (map, report)
    }
}

/// Why the photos of a COLMAP import could not be used; names the file.
public enum ColmapImportError: Error, CustomStringConvertible, Equatable {
    case imageMissing(path: String, image: String)
    case unreadableImage(path: String, reason: String)
    case sizeMismatch(path: String, width: Int, height: Int, cameraWidth: Int, cameraHeight: Int)
    case descriptorsFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .imageMissing(let path, let image):
            "\(path): image '\(image)' of the model is not in the images folder (pass the folder the model's image names are relative to)"
        case .unreadableImage(let path, let reason): "\(path): cannot read the image (\(reason))"
        case .sizeMismatch(let path, let w, let h, let cw, let ch):
            "\(path): the image is \(w)×\(h) but its COLMAP camera is \(cw)×\(ch)"
                + (w == ch && h == cw ? " (rotated: an EXIF orientation COLMAP did not apply?)" : "")
                + "; use the photos the model was made from"
        case .descriptorsFailed(let path, let reason): "\(path): \(reason)"
        }
    }
}
