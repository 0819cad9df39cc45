import Geometry
import Features

/// Checks a `FeatureMap` for the invariants a `.landmark` file guarantees: unique ids and
/// names, references that resolve, one point per keypoint, descriptors of the map's feature
/// kind, finite numbers, unit quaternions. `write` calls it before touching the disk, and
/// `validate` calls it on what it read.
enum MapValidation {
    /// Quaternions whose norm is further than this from 1 are refused (a pose, not a rotation).
    static let quaternionNormTolerance = 1e-6

    /// The first problem found, or nil when the map is valid.
    static func problem(in map: FeatureMap) -> String? {
        let md = map.metadata
        if md.name.isEmpty { return "metadata.name is empty" }
        if !md.createdAt.isFinite { return "metadata.createdAt is not finite" }
        if let frame = md.frame {
            let g = frame.gravity, sc = frame.scale
            guard g.cameraCount >= 0, g.spreadDegrees.isFinite, g.spreadDegrees >= 0, g.uncertaintyDegrees.isFinite, g.uncertaintyDegrees >= 0 else {
                return "metadata.frame.gravity needs a camera count, spread and uncertainty ≥ 0 and finite"
            }
            guard sc.relativeUncertainty.isFinite, sc.relativeUncertainty >= 0 else {
                return "metadata.frame.scale.relativeUncertainty must be finite and ≥ 0"
            }
        }

        var cameraIDs = Set<Int64>()
        for camera in map.cameras {
            guard cameraIDs.insert(camera.id).inserted else { return "camera id \(camera.id) is used twice" }
            guard camera.intrinsics.isValid else {
                return "camera \(camera.id) has invalid intrinsics (size, focal lengths must be positive, all values finite)"
            }
        }
        var keyframeIDs = Set<Int64>(), keyframeNames = Set<String>()
        for keyframe in map.keyframes {
            guard keyframeIDs.insert(keyframe.id).inserted else { return "keyframe id \(keyframe.id) is used twice" }
            guard keyframeNames.insert(keyframe.name).inserted else { return "keyframe name '\(keyframe.name)' is used twice" }
            if keyframe.name.isEmpty { return "keyframe \(keyframe.id) has an empty name" }
            guard cameraIDs.contains(keyframe.cameraID) else {
                return "keyframe \(keyframe.id) ('\(keyframe.name)') references camera \(keyframe.cameraID), which is not in the map"
            }
            if let why = poseProblem(keyframe.cameraFromLandmark) { return "keyframe \(keyframe.id) ('\(keyframe.name)'): cameraFromLandmark \(why)" }
        }
        if let problem = pointsProblem(map.points, layer: "point", kind: md.featureKind, keyframeIDs: keyframeIDs) { return problem }
        if let problem = pointsProblem(map.orbPoints, layer: "ORB point", kind: .orb, keyframeIDs: keyframeIDs) { return problem }
        var anchorNames = Set<String>()
        for anchor in map.anchors {
            guard anchorNames.insert(anchor.name).inserted else { return "anchor name '\(anchor.name)' is used twice" }
            if let why = anchorProblem(anchor) { return "anchor '\(anchor.name)': \(why)" }
        }
        return nil
    }

    /// The first problem of one point layer (ids, finite values, keyframe references, one
    /// point per keypoint, descriptors of `kind`), or nil.
    private static func pointsProblem(_ points: [MapPoint], layer: String, kind: FeatureKind, keyframeIDs: Set<Int64>) -> String? {
        let descriptorBytes = kind.descriptorBytes
        var pointIDs = Set<Int64>()
        var keypoints = Set<KeypointKey>()
        for point in points {
            guard pointIDs.insert(point.id).inserted else { return "\(layer) id \(point.id) is used twice" }
            guard point.position.isFinite else { return "\(layer) \(point.id) has a non-finite position" }
            guard point.reprojectionError.isFinite else { return "\(layer) \(point.id) has a non-finite reprojection error" }
            for o in point.observations {
                guard keyframeIDs.contains(o.keyframeID) else {
                    return "\(layer) \(point.id) is observed in keyframe \(o.keyframeID), which is not in the map"
                }
                guard keypoints.insert(KeypointKey(keyframe: o.keyframeID, index: o.keypointIndex)).inserted else {
                    return "keypoint \(o.keypointIndex) of keyframe \(o.keyframeID) observes more than one \(layer) (or one twice)"
                }
                guard o.pixel.x.isFinite, o.pixel.y.isFinite, o.size.isFinite, o.angle.isFinite else {
                    return "an observation of \(layer) \(point.id) in keyframe \(o.keyframeID) has a non-finite pixel, size or angle"
                }
                let side = Observation.patchSide
                guard o.patch.isEmpty || (kind == .orb && o.patch.count == side * side) else {
                    return "an observation of \(layer) \(point.id) in keyframe \(o.keyframeID) has a \(o.patch.count)-byte patch; "
                        + "patches are \(side)×\(side) bytes and only in the ORB layer"
                }
                guard o.descriptor.isEmpty || o.descriptor.count == descriptorBytes else {
                    return "an observation of \(layer) \(point.id) in keyframe \(o.keyframeID) has a \(o.descriptor.count)-byte descriptor; "
                        + "\(kind.rawValue) descriptors have \(descriptorBytes) bytes"
                }
            }
        }
        return nil
    }

    /// Why `anchor` cannot be stored, or nil.
    static func anchorProblem(_ anchor: Anchor) -> String? {
        if let why = Anchor.problem(withName: anchor.name) { return why }
        if let why = poseProblem(anchor.landmarkFromAnchor) { return "landmarkFromAnchor \(why)" }
        guard anchor.surfacePoint.isFinite else { return "surfacePoint is not finite" }
        guard anchor.surfaceNormal.isFinite, abs(length(anchor.surfaceNormal) - 1) < 1e-6 else {
            return "surfaceNormal must be a finite unit vector"
        }
        guard anchor.createdAt.isFinite else { return "createdAt is not finite" }
        return nil
    }

    static func poseProblem(_ pose: Rigid3) -> String? {
        let q = pose.rotation
        guard q.w.isFinite, q.x.isFinite, q.y.isFinite, q.z.isFinite, pose.translation.isFinite else {
            return "is not finite"
        }
        guard abs(q.norm - 1) < quaternionNormTolerance else { return "has a non-unit quaternion (norm \(q.norm))" }
        return nil
    }

    private struct KeypointKey: Hashable { var keyframe: Int64; var index: Int32 }
}
