import Geometry

/// How a map's landmark frame got its up direction (+Y) and its scale, and how sure each is.
/// Stored in the `frame` table (schema version 4); `MapMetadata.frame` is nil when the file
/// records none (files before version 4), and `MapMetadata.resolvedFrame` then says
/// "none" for a map that is not metric and "unknown" for one marked metric.
public struct FrameProvenance: Sendable, Equatable, Codable {
    public var gravity: GravityEstimate
    public var scale: ScaleEstimate

    public init(gravity: GravityEstimate = .none, scale: ScaleEstimate = .none) {
        self.gravity = gravity; self.scale = scale
    }

    /// Metres and Y up: both the up direction and the scale have a known source.
    public var isMetric: Bool { gravity.source.isKnown && scale.source.isKnown }
}

/// Where the landmark frame's +Y (up, against gravity) came from.
public struct GravityEstimate: Sendable, Equatable, Codable {
    public enum Source: String, Sendable, Codable, CaseIterable {
        /// The priors' frame (camera centres in metres, Y up).
        case priors
        /// The registered cameras' own up directions (photos taken upright; `alignToCameraUp`).
        case cameraUp = "camera-up"
        /// Not aligned: the reconstruction's own orientation.
        case none
        /// Aligned by a tool that did not record how (a metric map from before schema version 4).
        case unknown

        public var isKnown: Bool { self == .priors || self == .cameraUp || self == .unknown }
    }

    public var source: Source
    /// Cameras whose evidence supports the up direction (camera-up: inliers; priors: cameras
    /// of the similarity); 0 when none.
    public var cameraCount: Int
    /// Median angle between the cameras' up directions (minus each image's y axis) and the
    /// frame's +Y, in degrees: how far the photos are pitched or rolled away from upright.
    /// 0 when unknown.
    public var spreadDegrees: Double
    /// Estimated standard error of the up direction, in degrees; 0 when unknown.
    public var uncertaintyDegrees: Double

    public init(source: Source, cameraCount: Int = 0, spreadDegrees: Double = 0, uncertaintyDegrees: Double = 0) {
        self.source = source; self.cameraCount = cameraCount
        self.spreadDegrees = spreadDegrees; self.uncertaintyDegrees = uncertaintyDegrees
    }

    public static let none = GravityEstimate(source: .none)
}

/// Where the landmark frame's scale (metres) came from.
public struct ScaleEstimate: Sendable, Equatable, Codable {
    public enum Source: String, Sendable, Codable, CaseIterable {
        /// The similarity to the priors' camera centres.
        case priors
        /// One distance measured between two pixels (`landmark scale`).
        case measuredDistance = "measured-distance"
        /// The reconstruction's own scale.
        case none
        /// Scaled by a tool that did not record how (a metric map from before schema version 4).
        case unknown

        public var isKnown: Bool { self == .priors || self == .measuredDistance || self == .unknown }
    }

    public var source: Source
    /// Estimated relative standard error of the scale (0.01 = 1 %); 0 when unknown.
    public var relativeUncertainty: Double
    /// What was measured, e.g. "0003.png (512, 140) – 0019.png (300, 610): 3.2817 map units = 5 m"; nil when nothing.
    public var detail: String?

    public init(source: Source, relativeUncertainty: Double = 0, detail: String? = nil) {
        self.source = source; self.relativeUncertainty = relativeUncertainty; self.detail = detail
    }

    public static let none = ScaleEstimate(source: .none)
}

extension MapMetadata {
    /// The recorded frame provenance, or what a file without one implies: "none" for both
    /// when the map is not metric, "unknown" for both when it is marked metric.
    public var resolvedFrame: FrameProvenance {
        if let frame { return frame }
        return isMetric ? FrameProvenance(gravity: GravityEstimate(source: .unknown), scale: ScaleEstimate(source: .unknown))
                        : FrameProvenance()
    }
}

extension FeatureMap {
    /// Moves the whole map through `newFromOld` (`x_new = s·R·x_old + t`): keyframe poses
    /// (centres move, rotations compose with Rᵀ), points, ORB points and anchors (poses,
    /// surface points and normals). Pixels, intrinsics and reprojection errors do not change.
    public mutating func transform(by newFromOld: Sim3) {
        for i in keyframes.indices { keyframes[i].cameraFromLandmark = newFromOld.transformCameraPose(keyframes[i].cameraFromLandmark) }
        for i in points.indices { points[i].position = newFromOld.apply(points[i].position) }
        for i in orbPoints.indices { orbPoints[i].position = newFromOld.apply(orbPoints[i].position) }
        for i in anchors.indices {
            let pose = anchors[i].landmarkFromAnchor
            anchors[i].landmarkFromAnchor = Rigid3(rotation: (newFromOld.rotation * pose.rotation).normalized,
                                                   translation: newFromOld.apply(pose.translation))
            anchors[i].surfacePoint = newFromOld.apply(anchors[i].surfacePoint)
            anchors[i].surfaceNormal = normalize(newFromOld.rotation * anchors[i].surfaceNormal)
        }
    }
}
