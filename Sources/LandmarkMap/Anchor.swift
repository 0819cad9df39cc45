import Geometry

/// A named pose in the landmark frame where content (a performer) is placed, snapped to a
/// reconstructed surface (a roof, a plaza).
///
/// Anchor frame: origin at the content's root on the surface; +Y is the anchor's up (the
/// landmark's Y, gravity, on near-horizontal surfaces, else the surface normal); +Z is the
/// direction the content faces (glTF's "front faces +Z"); X completes a right-handed frame.
/// Units are metres when the map is metric, else the map's own scale.
public struct Anchor: Sendable, Equatable, Codable {
    /// Unique within a map; 1–128 characters, no control characters. E.g. "roof".
    public var name: String
    /// Anchor → landmark: `x_landmark = landmarkFromAnchor * x_anchor`.
    public var landmarkFromAnchor: Rigid3
    /// A point on the supporting surface's plane, in the landmark frame.
    public var surfacePoint: Vec3
    /// The supporting plane's unit normal in the landmark frame, pointing away from the
    /// surface (towards the cameras that saw it).
    public var surfaceNormal: Vec3
    /// Seconds since 1970.
    public var createdAt: Double

    public init(name: String, landmarkFromAnchor: Rigid3, surfacePoint: Vec3, surfaceNormal: Vec3,
                createdAt: Double = 0) {
        self.name = name; self.landmarkFromAnchor = landmarkFromAnchor
        self.surfacePoint = surfacePoint; self.surfaceNormal = surfaceNormal
        self.createdAt = createdAt
    }

    /// The anchor's origin in the landmark frame.
    public var position: Vec3 { landmarkFromAnchor.translation }
    /// The anchor's up axis (+Y) in the landmark frame.
    public var up: Vec3 { landmarkFromAnchor.rotation * Vec3(0, 1, 0) }
    /// The anchor's facing axis (+Z) in the landmark frame.
    public var forward: Vec3 { landmarkFromAnchor.rotation * Vec3(0, 0, 1) }

    /// Why `name` is not a valid anchor name, or nil when it is.
    public static func problem(withName name: String) -> String? {
        if name.isEmpty { return "an anchor name must not be empty" }
        if name.count > 128 { return "an anchor name must be at most 128 characters" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "an anchor name must not contain control characters"
        }
        return nil
    }
}
