import Geometry
import Features

/// A landmark's feature map in memory: what registration produces, what the store writes
/// to a `.landmark` file and what localization indexes. Value type; ids are stable within
/// one map and are the store's primary keys.
///
/// Frame: the landmark frame. When `metadata.isMetric` it is metres, Y up (gravity-aligned);
/// otherwise it is the reconstruction's own scale, Y up when `metadata.resolvedFrame.gravity`
/// has a source (camera-up), else the reconstruction's own orientation too.
public struct FeatureMap: Sendable, Equatable {
    public var metadata: MapMetadata
    public var cameras: [MapCamera]
    public var keyframes: [Keyframe]
    public var points: [MapPoint]
    /// The fast query layer of a SIFT map: ORB points triangulated from the keyframes'
    /// registered poses (observations carry 32-byte ORB descriptors; `keypointIndex` counts
    /// in the keyframe's ORB keypoints). Queries with known intrinsics try it first: ORB
    /// extraction costs a few milliseconds where SIFT costs tens. Empty when the map has none
    /// (files before schema version 3, ORB-only maps, imports).
    public var orbPoints: [MapPoint]
    /// Named poses on the landmark's surfaces where content is placed (see `Anchor`).
    public var anchors: [Anchor]

    public init(metadata: MapMetadata, cameras: [MapCamera] = [], keyframes: [Keyframe] = [],
                points: [MapPoint] = [], orbPoints: [MapPoint] = [], anchors: [Anchor] = []) {
        self.metadata = metadata
        self.cameras = cameras
        self.keyframes = keyframes
        self.points = points
        self.orbPoints = orbPoints
        self.anchors = anchors
    }

    public func camera(id: Int64) -> MapCamera? { cameras.first { $0.id == id } }
    public func keyframe(id: Int64) -> Keyframe? { keyframes.first { $0.id == id } }
    public var observationCount: Int { points.reduce(0) { $0 + $1.observations.count } }
    public func anchor(named name: String) -> Anchor? { anchors.first { $0.name == name } }
}

public struct MapMetadata: Sendable, Equatable, Codable {
    /// The landmark's id (the file's stem by default), e.g. "gate".
    public var name: String
    public var featureKind: FeatureKind
    /// True when the frame is metres, Y up (aligned to priors, camera-up gravity plus a
    /// measured distance, or imported as metric).
    public var isMetric: Bool
    /// How the metric frame was obtained, e.g. "priors: 40 cameras, RMS 0.004 m"; nil when not metric.
    public var alignment: String?
    /// Seconds since 1970.
    public var createdAt: Double
    /// Free text: the tool and options that made the map.
    public var generator: String
    /// How up and scale were found (schema version 4); nil when not recorded (older files,
    /// imports). Read `resolvedFrame` for what a missing record implies.
    public var frame: FrameProvenance?

    public init(name: String, featureKind: FeatureKind = .sift, isMetric: Bool = false,
                alignment: String? = nil, createdAt: Double = 0, generator: String = "landmark") {
        self.name = name; self.featureKind = featureKind; self.isMetric = isMetric
        self.alignment = alignment; self.createdAt = createdAt; self.generator = generator
    }

    /// Whether +Y is up (against gravity): a metric map, or one levelled from its cameras.
    public var isGravityAligned: Bool { isMetric || resolvedFrame.gravity.source.isKnown }
}

/// One physical camera (intrinsics shared by the keyframes that reference it).
public struct MapCamera: Sendable, Equatable, Codable {
    public var id: Int64
    public var intrinsics: CameraIntrinsics
    public init(id: Int64, intrinsics: CameraIntrinsics) { self.id = id; self.intrinsics = intrinsics }
}

/// A registered image.
public struct Keyframe: Sendable, Equatable, Codable {
    public var id: Int64
    /// The image's name relative to the photo folder, e.g. "0003.png".
    public var name: String
    public var cameraID: Int64
    /// Landmark → camera (OpenCV axes), as COLMAP's cam_from_world.
    public var cameraFromLandmark: Rigid3

    public init(id: Int64, name: String, cameraID: Int64, cameraFromLandmark: Rigid3) {
        self.id = id; self.name = name; self.cameraID = cameraID
        self.cameraFromLandmark = cameraFromLandmark
    }
    /// The camera centre in the landmark frame.
    public var center: Vec3 { cameraFromLandmark.centerOfTargetInSource }
}

/// One sighting of a map point in a keyframe, with the descriptor localization matches against.
public struct Observation: Sendable, Equatable, Codable {
    public var keyframeID: Int64
    /// The keypoint's index in that keyframe's feature list (COLMAP's POINT2D_IDX).
    public var keypointIndex: Int32
    /// The keypoint's position in the keyframe's pixels.
    public var pixel: Vec2
    /// The keypoint's scale (diameter in pixels) and orientation (degrees); 0 when unknown.
    public var size: Float
    public var angle: Float
    /// `metadata.featureKind.descriptorBytes` bytes; empty when unknown (e.g. an import
    /// without images).
    public var descriptor: [UInt8]
    /// ORB layer only: the keyframe's gray levels around the point's projection,
    /// `patchSide`² bytes row by row, sampled every `patchSpacing` pixels; empty when absent. Queries align it to refine their keypoints.
    public var patch: [UInt8]
    /// Samples per side of `patch`.
    public static let patchSide = PatchWarp.patchSide
    /// Pixels between `patch` samples: the size of one pixel of the keypoint's ORB pyramid
    /// level (ORB's 31-pixel patch at level 0 is `size` pixels at its level).
    public var patchSpacing: Double { Double(size) / 31 }

    public init(keyframeID: Int64, keypointIndex: Int32, pixel: Vec2, size: Float = 0,
                angle: Float = 0, descriptor: [UInt8] = [], patch: [UInt8] = []) {
        self.keyframeID = keyframeID; self.keypointIndex = keypointIndex; self.pixel = pixel
        self.size = size; self.angle = angle; self.descriptor = descriptor; self.patch = patch
    }
}

/// A triangulated 3D point with its track.
public struct MapPoint: Sendable, Equatable, Codable {
    public var id: Int64
    /// Position in the landmark frame.
    public var position: Vec3
    /// sRGB colour sampled from the images.
    public var color: SIMD3<UInt8>
    /// Mean reprojection error over the track, in pixels.
    public var reprojectionError: Double
    public var observations: [Observation]

    public init(id: Int64, position: Vec3, color: SIMD3<UInt8> = .init(128, 128, 128),
                reprojectionError: Double = 0, observations: [Observation] = []) {
        self.id = id; self.position = position; self.color = color
        self.reprojectionError = reprojectionError; self.observations = observations
    }
}
