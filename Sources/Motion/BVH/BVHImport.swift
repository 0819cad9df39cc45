import Foundation
import Geometry

/// Length unit of a BVH file.
public enum BVHUnits: Sendable, Equatable, CustomStringConvertible {
    /// Guess from the figure's height: 0.3–3 → metres, 30–300 → centimetres,
    /// 300–3000 → millimetres, otherwise scaled so the figure is 1.7 m tall.
    case auto
    case metres, centimetres, millimetres, inches
    /// Metres per file unit.
    case factor(Double)

    public init?(_ s: String) {
        switch s.lowercased() {
        case "auto": self = .auto
        case "m", "metres", "meters": self = .metres
        case "cm", "centimetres", "centimeters": self = .centimetres
        case "mm", "millimetres", "millimeters": self = .millimetres
        case "in", "inches": self = .inches
        default:
            guard let d = Double(s), d > 0 else { return nil }
            self = .factor(d)
        }
    }
    public var metresPerUnit: Double? {
        switch self {
        case .auto: return nil
        case .metres: return 1
        case .centimetres: return 0.01
        case .millimetres: return 0.001
        case .inches: return 0.0254
        case .factor(let f): return f
        }
    }
    public var description: String {
        switch self {
        case .auto: return "auto"
        case .metres: return "m"
        case .centimetres: return "cm"
        case .millimetres: return "mm"
        case .inches: return "in"
        case .factor(let f): return "\(f) m/unit"
        }
    }
}

/// The file's up axis.
public enum UpAxis: String, Sendable, CaseIterable {
    case auto, x = "+x", y = "+y", z = "+z", negX = "-x", negY = "-y", negZ = "-z"
    public init?(_ s: String) {
        let t = s.lowercased()
        if let v = UpAxis(rawValue: t) { self = v } else if let v = UpAxis(rawValue: "+" + t) { self = v } else { return nil }
    }
    var vector: Vec3? {
        switch self {
        case .auto: return nil
        case .x: return Vec3(1, 0, 0)
        case .y: return Vec3(0, 1, 0)
        case .z: return Vec3(0, 0, 1)
        case .negX: return Vec3(-1, 0, 0)
        case .negY: return Vec3(0, -1, 0)
        case .negZ: return Vec3(0, 0, -1)
        }
    }
    static func nearest(_ v: Vec3) -> UpAxis {
        let a = [abs(v.x), abs(v.y), abs(v.z)]
        let i = a.firstIndex(of: a.max()!)!
        let positive = v[i] >= 0
        switch i {
        case 0: return positive ? .x : .negX
        case 1: return positive ? .y : .negY
        default: return positive ? .z : .negZ
        }
    }
}

/// A mocap source ready for retargeting: the clip in Y-up metres (units and up axis folded
/// into the roots' `rootBase`), its body map, and the pose its rest alignment uses.
public struct MotionSource: Sendable {
    public var clip: SkeletalClip
    public var map: BodyMap
    public var metresPerUnit: Double
    /// How the units were decided ("guessed cm from a 1.62-unit figure", "given").
    public var unitsNote: String
    public var upAxis: UpAxis
    public var upNote: String
    /// The frame whose pose is the source's reference (rest alignment, proportions);
    /// nil means the rest (all channels zero) pose.
    public var referenceFrame: Int?

    /// Imports a parsed BVH file.
    /// - Parameters:
    ///   - units: `.auto` guesses from the figure's height.
    ///   - up: `.auto` takes the head-over-feet direction of the rest skeleton when it
    ///     stands (hips between feet and head), otherwise of the first frame.
    public init(bvh: BVHDocument, units: BVHUnits = .auto, up: UpAxis = .auto, label: String = "source") throws {
        guard bvh.frameCount > 0 else { throw MotionError.invalidInput("\(label): the BVH has no frames") }
        var clip = SkeletalClip(bvh: bvh)
        let rest = clip.skeleton.restWorld().positions
        var map = try BodyMap.detect(clip.skeleton, positions: rest, label: label)
        // Which pose stands: the rest, or frame 0?
        func standing(_ p: [Vec3]) -> Vec3? {
            guard let h = map[.head], let hips = map[.hips], let lf = map[.leftFoot], let rf = map[.rightFoot] else { return nil }
            let feet = (p[lf] + p[rf]) / 2
            let L = distance(p[h], feet)
            guard L > 0 else { return nil }
            let u = (p[h] - feet) / L
            return dot(p[hips] - feet, u) > 0.2 * L && dot(p[h] - p[hips], u) > 0.2 * L ? u : nil
        }
        let frame0 = clip.pose(frame: 0).positions
        var reference: Int? = nil
        var upVec: Vec3
        if let u = standing(rest) { upVec = u; upNote = "detected from the rest skeleton" }
        else if let u = standing(frame0) { upVec = u; reference = 0; upNote = "detected from frame 0 (the rest skeleton does not stand)" }
        else { upVec = Vec3(0, 1, 0); upNote = "assumed (no standing pose found)" }
        if standing(rest) == nil { reference = 0 }
        let axis = UpAxis.nearest(upVec)
        if let given = up.vector { upAxis = up; upVec = given; upNote = "given" } else { upAxis = axis; upVec = axis.vector! }
        let toYUp = Quaternion(from: upVec, to: Vec3(0, 1, 0))
        // Units from the figure's height (head joint over the feet) in the standing pose.
        let p = reference == nil ? rest : frame0
        let feet = (p[map[.leftFoot]!] + p[map[.rightFoot]!]) / 2
        let height = dot(p[map[.head]!] - feet, upVec) * 1.12   // head joint → top of head, ankles → soles
        let mpu: Double
        if let m = units.metresPerUnit { mpu = m; unitsNote = "given (\(units))" }
        else if height >= 0.3 && height <= 3 { mpu = 1; unitsNote = String(format: "guessed m (figure %.3g units tall)", height) }
        else if height >= 30 && height <= 300 { mpu = 0.01; unitsNote = String(format: "guessed cm (figure %.3g units tall)", height) }
        else if height >= 300 && height <= 3000 { mpu = 0.001; unitsNote = String(format: "guessed mm (figure %.3g units tall)", height) }
        else if height > 0 { mpu = 1.7 / height; unitsNote = String(format: "unknown units (figure %.3g units tall): scaled to 1.7 m", height) }
        else { mpu = 1; unitsNote = "assumed m" }
        for j in 0..<clip.skeleton.count where clip.skeleton.parents[j] < 0 {
            clip.skeleton.rootBase[j] = Sim3(scale: mpu, rotation: toYUp, translation: .zero)
        }
        // Re-detect with Y-up metres positions (only the fallbacks use positions).
        let refPose = reference.map { clip.pose(frame: $0).positions } ?? clip.skeleton.restWorld().positions
        map = try BodyMap.detect(clip.skeleton, positions: refPose, label: label)
        self.clip = clip; self.map = map; self.metresPerUnit = mpu; self.referenceFrame = reference
    }

    /// World pose used as the source's reference.
    public func referencePose() -> WorldPose {
        if let f = referenceFrame { return clip.pose(frame: f) }
        return clip.skeleton.restWorld()
    }
}
