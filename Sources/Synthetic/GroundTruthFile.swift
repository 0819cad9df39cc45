import Foundation
import Estimators
import Geometry

/// The ground truth of a synthetic landmark, as `ground_truth.json` stores it:
///
///     {"units":"m","up":[0,1,0],
///      "images":[{"name":"images/0000.png","fx":..,"fy":..,"cx":..,"cy":..,"width":..,"height":..,
///                 "cameraFromWorld":{"rotation":[w,x,y,z],"translation":[x,y,z]}}, …],
///      "queries":[… the same, names under queries/ …],
///      "roof":{"point":[x,y,z],"normal":[x,y,z]}}
///
/// `cameraFromWorld` maps landmark points (metres, Y up) into OpenCV camera axes (x right,
/// y down, z forward): `x_camera = R x_world + t`, R as a unit quaternion, w first.
/// Intrinsics are OpenCV's (pixel (0, 0)'s centre at (0, 0)), no distortion.
public struct GroundTruthFile: Codable, Sendable, Equatable {
    public var units: String
    public var up: [Double]
    public var images: [View]
    public var queries: [View]
    public var roof: Plane
    /// The landmark's mesh file, relative to the ground truth's folder (optional).
    public var mesh: String?
    /// The seed the landmark was generated from (optional).
    public var seed: UInt64?

    public init(units: String = "m", up: [Double] = [0, 1, 0], images: [View], queries: [View], roof: Plane,
                mesh: String? = nil, seed: UInt64? = nil) {
        self.units = units; self.up = up; self.images = images; self.queries = queries; self.roof = roof
        self.mesh = mesh; self.seed = seed
    }

    /// One camera: its image file (relative to the ground truth's folder), intrinsics and pose.
    public struct View: Codable, Sendable, Equatable {
        public var name: String
        public var fx: Double, fy: Double, cx: Double, cy: Double
        public var width: Int, height: Int
        public var cameraFromWorld: Pose

        public init(name: String, intrinsics k: CameraIntrinsics, cameraFromWorld: Rigid3) {
            self.name = name
            fx = k.fx; fy = k.fy; cx = k.cx; cy = k.cy; width = k.width; height = k.height
            self.cameraFromWorld = Pose(cameraFromWorld)
        }
        public var intrinsics: CameraIntrinsics { CameraIntrinsics(width: width, height: height, fx: fx, fy: fy, cx: cx, cy: cy) }
        /// `cameraFromWorld` as a `Rigid3` (OpenCV camera axes from the landmark frame).
        public var cameraFromWorldRigid: Rigid3 { cameraFromWorld.rigid }
        /// The camera centre in the landmark frame (metres).
        public var center: Vec3 { cameraFromWorld.rigid.centerOfTargetInSource }
    }

    /// A rigid pose as JSON: rotation `[w, x, y, z]`, translation `[x, y, z]`.
    public struct Pose: Codable, Sendable, Equatable {
        public var rotation: [Double]
        public var translation: [Double]
        public init(_ r: Rigid3) {
            rotation = r.rotation.wxyz
            translation = [r.translation.x, r.translation.y, r.translation.z]
        }
        public var rigid: Rigid3 {
            Rigid3(rotation: Quaternion(wxyz: rotation) ?? .identity,
                   translation: translation.count == 3 ? Vec3(translation[0], translation[1], translation[2]) : .zero)
        }
    }

    /// A plane through `point` with unit `normal` (landmark frame, metres).
    public struct Plane: Codable, Sendable, Equatable {
        public var point: [Double]
        public var normal: [Double]
        public init(point: Vec3, normal: Vec3) {
            self.point = [point.x, point.y, point.z]; self.normal = [normal.x, normal.y, normal.z]
        }
        public var pointVector: Vec3 { Vec3(point[0], point[1], point[2]) }
        public var normalVector: Vec3 { Vec3(normal[0], normal[1], normal[2]) }
        /// Signed distance of `p` from the plane along the normal (metres).
        public func signedDistance(_ p: Vec3) -> Double { dot(p - pointVector, normalize(normalVector)) }
    }

    /// The view with this image name (as listed, e.g. "images/0003.png"), from images or queries.
    public func view(named name: String) -> View? {
        images.first { $0.name == name } ?? queries.first { $0.name == name }
    }

    // MARK: Reading and writing

    /// Reads and checks a ground-truth file.
    /// - Throws: `GroundTruthFileError` naming the file and the field at fault.
    public static func read(from url: URL) throws -> GroundTruthFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw GroundTruthFileError.unreadable(path: url.path) }
        let gt: GroundTruthFile
        do { gt = try JSONDecoder().decode(GroundTruthFile.self, from: data) } catch let DecodingError.keyNotFound(key, context) {
            throw GroundTruthFileError.invalid(path: url.path, field: (context.codingPath + [key]).map(\.stringValue).joined(separator: "."),
                                           reason: "missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw GroundTruthFileError.invalid(path: url.path, field: context.codingPath.map(\.stringValue).joined(separator: "."),
                                           reason: context.debugDescription)
        } catch {
            throw GroundTruthFileError.invalid(path: url.path, field: "", reason: "not valid JSON (\(error.localizedDescription))")
        }
        try gt.check(path: url.path)
        return gt
    }

    /// Checks units, array lengths, intrinsics and unit quaternions.
    public func check(path: String = "ground truth") throws {
        func bad(_ field: String, _ reason: String) -> GroundTruthFileError { .invalid(path: path, field: field, reason: reason) }
        if units != "m" { throw bad("units", "expected \"m\", found \"\(units)\"") }
        if up.count != 3 { throw bad("up", "needs 3 numbers") }
        for (list, views) in [("images", images), ("queries", queries)] {
            for (i, v) in views.enumerated() {
                let field = "\(list)[\(i)]"
                if !v.intrinsics.isValid { throw bad(field, "intrinsics are not valid") }
                if v.cameraFromWorld.rotation.count != 4 { throw bad("\(field).cameraFromWorld.rotation", "needs [w,x,y,z]") }
                if v.cameraFromWorld.translation.count != 3 { throw bad("\(field).cameraFromWorld.translation", "needs [x,y,z]") }
                let n = v.cameraFromWorld.rotation.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if abs(n - 1) > 1e-6 { throw bad("\(field).cameraFromWorld.rotation", "not a unit quaternion (norm \(n))") }
            }
        }
        if roof.point.count != 3 { throw bad("roof.point", "needs 3 numbers") }
        if roof.normal.count != 3 { throw bad("roof.normal", "needs 3 numbers") }
    }

    /// Pretty-printed JSON with sorted keys.
    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    /// Writes the JSON atomically.
    public func write(to url: URL) throws { try encoded().write(to: url, options: .atomic) }
}

/// Why a ground-truth file could not be used.
public enum GroundTruthFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case invalid(path: String, field: String, reason: String)
    public var description: String {
        switch self {
        case .unreadable(let p): "\(p): cannot read the ground-truth file"
        case .invalid(let p, let f, let r): f.isEmpty ? "\(p): \(r)" : "\(p): field \(f): \(r)"
        }
    }
}
