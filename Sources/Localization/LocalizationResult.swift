import Foundation
import Geometry
import LandmarkMap
import Features

/// The answer to one pose query.
///
/// Poses follow COLMAP's convention: `cameraFromLandmark` maps a landmark point (metres,
/// Y up) into OpenCV camera axes (x right, y down, z forward):
/// `x_camera = R * x_landmark + t`. `landmarkFromCamera` is its inverse (the camera's
/// placement in the landmark frame; its translation is the camera centre).
public struct LocalizationResult: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case localized, notLocalized = "not_localized" }

    public var status: Status
    /// Why the query was not localized (nil when localized), e.g. "12 inliers, need 30".
    public var reason: String?
    /// Present only when `status == .localized`.
    public var cameraFromLandmark: Rigid3?
    /// Inliers of the final pose among the 2D–3D matches (0 when none was found).
    public var inliers: Int
    /// 2D–3D matches that went into the robust estimate.
    public var matches: Int
    /// Root-mean-square reprojection error of the inliers, in pixels of the frame as sent.
    public var rmsePx: Double?
    /// The camera centre's standard deviation in metres implied by the inliers' geometry and
    /// residuals (`cameraCentreSigma`); nil when not localized.
    public var positionSigmaMetres: Double?
    /// The same as a fraction of the inliers' median depth (scale-free).
    public var relativePositionSigma: Double?
    /// In [0, 1]: grows with the inlier count and ratio and the inliers' spread over the frame.
    public var confidence: Double
    /// The intrinsics the pose was computed with, in pixels of the frame as sent (the
    /// estimated focal length when none was given).
    public var intrinsics: CameraIntrinsics?
    /// True when the focal length was estimated rather than given.
    public var focalEstimated: Bool
    /// The local features of the final attempt: `.orb` when the map's ORB query layer
    /// answered, else the map's own kind. Nil when no features were extracted.
    public var features: FeatureKind?
    /// Why the ORB query layer's attempt was not the answer, when the query fell back to
    /// the map's own features; nil otherwise.
    public var fallbackReason: String?
    /// What became of the query's tracking prior; nil when it had none.
    public var prior: PriorReport?
    /// Wall-clock milliseconds per stage.
    public var timings: StageTimings
    /// CPU milliseconds per stage of the thread that answered the query: its own work even
    /// on a loaded machine, where wall time also counts waiting for a core. OpenCV may hand
    /// parts of SIFT to its worker threads, which this does not count; pinned to one core
    /// (`taskset -c 0`) OpenCV runs everything on the calling thread.
    public var cpuTimings = StageTimings()
    /// The final pose's inlier correspondences (pixels of the frame as sent, map points in
    /// the landmark frame), for diagnostics inside the package; empty when not localized.
    package var inlierCorrespondences: [InlierCorrespondence] = []

    public init(status: Status, reason: String? = nil, cameraFromLandmark: Rigid3? = nil,
                inliers: Int = 0, matches: Int = 0, rmsePx: Double? = nil, confidence: Double = 0,
                intrinsics: CameraIntrinsics? = nil, focalEstimated: Bool = false,
                timings: StageTimings = StageTimings()) {
        self.status = status; self.reason = reason; self.cameraFromLandmark = cameraFromLandmark
        self.inliers = inliers; self.matches = matches; self.rmsePx = rmsePx
        self.confidence = confidence; self.intrinsics = intrinsics
        self.focalEstimated = focalEstimated; self.timings = timings
    }

    /// A `not_localized` answer.
    public static func notLocalized(_ reason: String, inliers: Int = 0, matches: Int = 0,
                                    timings: StageTimings = StageTimings()) -> LocalizationResult {
        LocalizationResult(status: .notLocalized, reason: reason, inliers: inliers, matches: matches,
                           timings: timings)
    }

    public var landmarkFromCamera: Rigid3? { cameraFromLandmark?.inverse }
    public var isLocalized: Bool { status == .localized }
}

/// What the localizer made of a query's tracking prior. A prior only proposes: the pose
/// found from it is the answer only when matches found without it confirm it
/// (`LocalizationOptions.priorCheckFeatures`); otherwise the query is answered cold.
public struct PriorReport: Sendable, Equatable {
    /// True when the answer came from the prior's windows (and the image confirmed it).
    public var used: Bool
    /// Why the prior was not used, when it was not.
    public var rejectedReason: String?
    /// How far the answer is from the prior: camera centres in metres, rotation in degrees
    /// (the prior's own error as the image shows it); nil when not localized.
    public var offsetMetres: Double?
    public var offsetDegrees: Double?

    public init(used: Bool, rejectedReason: String? = nil, offsetMetres: Double? = nil, offsetDegrees: Double? = nil) {
        self.used = used; self.rejectedReason = rejectedReason
        self.offsetMetres = offsetMetres; self.offsetDegrees = offsetDegrees
    }

    /// Sets the offsets of `answer` (the answer's cameraFromLandmark; nothing when nil) from `prior`.
    mutating func measureOffset(of answer: Rigid3?, from prior: Rigid3) {
        guard let answer else { return }
        offsetMetres = length(answer.centerOfTargetInSource - prior.centerOfTargetInSource)
        offsetDegrees = Quaternion.angleBetween(answer.rotation, prior.rotation) * 180 / .pi
    }

    /// `{"used":…,"rejectedReason":…,"offsetMetres":…,"offsetDegrees":…}`.
    public var jsonObject: [String: Any] {
        ["used": used, "rejectedReason": rejectedReason ?? NSNull(),
         "offsetMetres": offsetMetres.map { LocalizationResult.round($0, 4) } ?? NSNull(),
         "offsetDegrees": offsetDegrees.map { LocalizationResult.round($0, 3) } ?? NSNull()]
    }
}

/// A query pixel and the map point it was matched to.
package struct InlierCorrespondence: Sendable, Equatable {
    package var pixel: Vec2
    package var point: Vec3
    /// The keypoint's diameter in pixels of the frame as sent.
    package var size: Double
    package init(pixel: Vec2, point: Vec3, size: Double) { self.pixel = pixel; self.point = point; self.size = size }
}

/// Milliseconds per pipeline stage of one query.
public struct StageTimings: Sendable, Equatable, Codable {
    public var decode: Double = 0
    public var features: Double = 0
    public var match: Double = 0
    public var pose: Double = 0
    public var total: Double = 0
    public init(decode: Double = 0, features: Double = 0, match: Double = 0, pose: Double = 0, total: Double = 0) {
        self.decode = decode; self.features = features; self.match = match; self.pose = pose; self.total = total
    }
    /// The stages by name, in pipeline order (for metrics and benchmarks).
    public var byStage: [(name: String, ms: Double)] {
        [("decode", decode), ("features", features), ("match", match), ("pose", pose), ("total", total)]
    }
}

// MARK: - JSON

extension LocalizationResult {
    /// The wire format shared by `landmark localize --json` and the server:
    /// `{"image":…,"status":…,"reason":…,"cameraFromLandmark":{"rotation":[w,x,y,z],
    /// "translation":[x,y,z]},"landmarkFromCamera":{…},"inliers":N,"rmsePx":…,"timingsMs":{…}}`
    /// plus `matches`, `confidence`, `intrinsics`, `focalEstimated`, `features`, `fallbackReason`
    /// and `prior` (`PriorReport`; null without a prior).
    /// Keys absent from a `not_localized` answer are JSON `null`.
    public func jsonObject(image: String?) -> [String: Any] {
        var o: [String: Any] = [:]
        o["image"] = image ?? NSNull()
        o["status"] = status.rawValue
        o["reason"] = reason ?? NSNull()
        o["cameraFromLandmark"] = cameraFromLandmark.map(Self.poseJSON) ?? NSNull()
        o["landmarkFromCamera"] = landmarkFromCamera.map(Self.poseJSON) ?? NSNull()
        o["inliers"] = inliers
        o["matches"] = matches
        o["rmsePx"] = rmsePx.map { Self.round($0, 3) } ?? NSNull()
        o["confidence"] = Self.round(confidence, 3)
        o["focalEstimated"] = focalEstimated
        o["features"] = features?.rawValue ?? NSNull()
        o["fallbackReason"] = fallbackReason ?? NSNull()
        o["prior"] = prior?.jsonObject ?? NSNull()
        o["positionSigmaM"] = positionSigmaMetres.map { Self.round($0, 4) } ?? NSNull()
        o["relativePositionSigma"] = relativePositionSigma.map { Self.round($0, 6) } ?? NSNull()
        if let k = intrinsics {
            o["intrinsics"] = ["fx": Self.round(k.fx, 3), "fy": Self.round(k.fy, 3),
                               "cx": Self.round(k.cx, 3), "cy": Self.round(k.cy, 3),
                               "width": k.width, "height": k.height] as [String: Any]
        } else {
            o["intrinsics"] = NSNull()
        }
        var t: [String: Any] = [:]
        for (name, ms) in timings.byStage { t[name] = Self.round(ms, 3) }
        o["timingsMs"] = t
        return o
    }

    /// One line of JSON (sorted keys), without a trailing newline.
    public func jsonLine(image: String?) -> String {
        Self.serialize(jsonObject(image: image))
    }

    /// One line of JSON with sorted keys. JSON has no NaN or infinity: such numbers (a
    /// median over no views, say) become `null` instead of failing the whole object.
    public static func serialize(_ object: Any) -> String {
        do {
            let data = try JSONSerialization.data(withJSONObject: finiteOrNull(object), options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self)
        } catch {
            let message = ["error": "cannot encode the report as JSON: \(error)"]
            return (try? JSONSerialization.data(withJSONObject: message)).map { String(decoding: $0, as: UTF8.self) }
                ?? #"{"error":"cannot encode the report as JSON"}"#
        }
    }

    /// `object` with every non-finite Double or Float replaced by `NSNull()`, recursively.
    static func finiteOrNull(_ object: Any) -> Any {
        switch object {
        case let d as Double: return d.isFinite ? d : NSNull()
        case let f as Float: return f.isFinite ? f : NSNull()
        case let dict as [String: Any]: return dict.mapValues(finiteOrNull)
        case let array as [Any]: return array.map(finiteOrNull)
        default: return object
        }
    }

    /// `{"rotation":[w,x,y,z],"translation":[x,y,z]}`.
    public static func poseJSON(_ pose: Rigid3) -> [String: Any] {
        let q = pose.rotation.w < 0
            ? Quaternion(w: -pose.rotation.w, x: -pose.rotation.x, y: -pose.rotation.y, z: -pose.rotation.z)
            : pose.rotation
        return ["rotation": q.wxyz.map { round($0, 9) },
                "translation": [pose.translation.x, pose.translation.y, pose.translation.z].map { round($0, 6) }]
    }

    static func round(_ v: Double, _ digits: Int) -> Double {
        let s = pow(10.0, Double(digits))
        return (v * s).rounded() / s
    }
}

/// Reads a pose JSON `{"rotation":[w,x,y,z],"translation":[x,y,z]}`, or an object holding
/// one under `cameraFromLandmark` (e.g. a previous `landmark localize --json` line), or
/// under `landmarkFromCamera` (inverted).
public enum PoseJSON {
    public static func parseCameraFromLandmark(_ data: Data) throws -> Rigid3 {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LocalizationError.invalidPrior("not a JSON object")
        }
        if let inner = object["cameraFromLandmark"] as? [String: Any] { return try parsePose(inner) }
        if let inner = object["landmarkFromCamera"] as? [String: Any] { return try parsePose(inner).inverse }
        return try parsePose(object)
    }

    static func parsePose(_ o: [String: Any]) throws -> Rigid3 {
        guard let r = (o["rotation"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.doubleValue }), r.count == 4,
              r.allSatisfy(\.isFinite) else {
            throw LocalizationError.invalidPrior("\"rotation\" must be 4 finite numbers [w,x,y,z]")
        }
        guard let t = (o["translation"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.doubleValue }), t.count == 3,
              t.allSatisfy(\.isFinite) else {
            throw LocalizationError.invalidPrior("\"translation\" must be 3 finite numbers [x,y,z]")
        }
        let q = Quaternion(w: r[0], x: r[1], y: r[2], z: r[3])
        guard q.norm > 1e-6 else { throw LocalizationError.invalidPrior("\"rotation\" has zero norm") }
        return Rigid3(rotation: q.normalized, translation: Vec3(t[0], t[1], t[2]))
    }
}
