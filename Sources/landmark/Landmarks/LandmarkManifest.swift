import Features
import Foundation
import Yams

/// One landmark of the registry (`Landmarks/NAME/landmark.yaml`): where its photos are, what
/// is known about its camera and position, how to register it and which anchors to place.
///
///     name: gate
///     photos: capture/images                 # folder, relative to the yaml
///     intrinsics: capture/intrinsics.json    # a file (JSON or K.txt), or {fx: …, fy: …, cx: …, cy: …} in pixels
///     priors: capture/ground_truth.json      # camera centres in metres, Y up (optional)
///     registration: {seed: 7, siftContrast: 0.02}
///     anchors:
///       - {name: roof, image: 0035.png, pixel: [504.17, 438.97]}
///       - {name: plaza, point: [2.0, 0.0, -5.5], yaw: 180}
///
/// Paths are relative to the yaml's folder. Unknown keys are refused (a typo would otherwise
/// be ignored silently); new optional fields (capture conditions, geolocation) extend it.
struct LandmarkManifest: Codable, Equatable {
    /// The landmark's id: the built map is `NAME.landmark` and the server serves it as NAME.
    var name: String
    /// The folder of photos (JPEG or PNG).
    var photos: String
    /// The photos' intrinsics; nil: the focal length is guessed and refined.
    var intrinsics: Intrinsics?
    /// Camera centres (ground_truth.json format, or `images[].center`); nil: the map keeps its own scale.
    var priors: String?
    /// Registration settings; nil: the defaults of `landmark register`.
    var registration: Registration?
    /// Anchors placed once the map is built, in this order.
    var anchors: [AnchorSpec]?

    /// The camera: a file, or the four pinhole values in pixels (no distortion).
    enum Intrinsics: Codable, Equatable {
        case file(String)
        case values(fx: Double, fy: Double, cx: Double, cy: Double)

        private enum CodingKeys: String, CodingKey, CaseIterable { case fx, fy, cx, cy }

        init(from decoder: any Decoder) throws {
            if let path = try? decoder.singleValueContainer().decode(String.self) {
                self = .file(path)
                return
            }
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self = .values(fx: try c.decode(Double.self, forKey: .fx), fy: try c.decode(Double.self, forKey: .fy),
                           cx: try c.decode(Double.self, forKey: .cx), cy: try c.decode(Double.self, forKey: .cy))
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .file(let path):
                var c = encoder.singleValueContainer()
                try c.encode(path)
            case .values(let fx, let fy, let cx, let cy):
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(fx, forKey: .fx); try c.encode(fy, forKey: .fy)
                try c.encode(cx, forKey: .cx); try c.encode(cy, forKey: .cy)
            }
        }
    }

    /// `landmark register`'s options; every field optional, nil taking the command's default.
    struct Registration: Codable, Equatable {
        var seed: UInt64?
        /// SIFT contrast threshold in [0, 1); 0 is OpenCV's 0.04, 0.02 COLMAP's equivalent.
        var siftContrast: Double?
        /// sift or orb.
        var features: FeatureKind?
        /// Keypoints kept per photo (> 0).
        var maxFeatures: Int?
        /// Longer side in pixels above which photos are downscaled for extraction; 0: never.
        var maxImageSize: Int?
        /// Add the ORB query layer (SIFT maps only).
        var orbLayer: Bool?
        /// ORB keypoints per photo for the ORB layer (> 0).
        var orbFeatures: Int?
    }

    /// One anchor to place: a pixel of a registered photo, or a point (landmark frame) snapped
    /// to the surface below it. Exactly one of `image` + `pixel` or `point`.
    struct AnchorSpec: Codable, Equatable {
        var name: String
        /// A registered photo's name as the map stores it (its file name), with `pixel`.
        var image: String?
        /// x, y in pixels of `image` (OpenCV convention).
        var pixel: [Double]?
        /// x, y, z in the landmark frame (metres when registered with priors).
        var point: [Double]?
        /// Degrees about the anchor's up (0 faces +Z); nil: face the capture cameras.
        var yaw: Double?
        /// Stand upright (+Y) even on a tilted surface; needs a metric map.
        var upright: Bool?
    }
}

// MARK: Reading and checking

extension LandmarkManifest {
    /// The file name the registry looks for in a landmark's folder.
    static let fileName = "landmark.yaml"

    /// The manifest at `path`: a landmark.yaml, or a folder holding one.
    /// - Throws: `LandmarkManifestError` naming the file and the field at fault.
    static func load(from path: String) throws -> (manifest: LandmarkManifest, folder: URL) {
        var url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            url = url.appendingPathComponent(fileName)
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw LandmarkManifestError.unreadable(path: url.path) }
        return (try parse(text, path: url.path), url.deletingLastPathComponent())
    }

    /// Parses and checks a manifest's YAML text; `path` only names the file in errors.
    static func parse(_ text: String, path: String = LandmarkManifest.fileName) throws -> LandmarkManifest {
        func invalid(_ field: String, _ reason: String) -> LandmarkManifestError { .invalid(path: path, field: field, reason: reason) }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw invalid("", "not valid YAML (\(error))") }
        guard let root = node, root.mapping != nil else { throw invalid("", "expected a mapping of fields (name, photos, …)") }
        if let field = unknownField(in: root) { throw invalid(field, "unknown field") }
        let manifest: LandmarkManifest
        do { manifest = try YAMLDecoder().decode(LandmarkManifest.self, from: root) } catch let DecodingError.keyNotFound(key, context) {
            throw invalid(fieldPath(context.codingPath + [key]), "missing")
        } catch let DecodingError.typeMismatch(type, context) {
            throw invalid(fieldPath(context.codingPath), "expected \(describe(type))")
        } catch let DecodingError.valueNotFound(type, context) {
            throw invalid(fieldPath(context.codingPath), "expected \(describe(type))")
        } catch let DecodingError.dataCorrupted(context) {
            throw invalid(fieldPath(context.codingPath), context.debugDescription)
        } catch {
            throw invalid("", "\(error)")
        }
        try manifest.check(path: path)
        return manifest
    }

    /// Checks values the types do not: names, path presence, counts and ranges.
    func check(path: String) throws {
        func invalid(_ field: String, _ reason: String) -> LandmarkManifestError { .invalid(path: path, field: field, reason: reason) }
        if name.isEmpty || name.contains("/") || name.hasPrefix(".") {
            throw invalid("name", "must be a non-empty file name without '/' or a leading '.', e.g. gate")
        }
        if photos.isEmpty { throw invalid("photos", "must name the folder of photos") }
        if case .values(let fx, let fy, let cx, let cy)? = intrinsics, ![fx, fy, cx, cy].allSatisfy({ $0.isFinite }) || fx <= 0 || fy <= 0 {
            throw invalid("intrinsics", "fx, fy must be positive and cx, cy finite (pixels)")
        }
        if let r = registration {
            if let c = r.siftContrast, !(c >= 0 && c < 1) { throw invalid("registration.siftContrast", "must be in [0, 1)") }
            if let m = r.maxFeatures, m <= 0 { throw invalid("registration.maxFeatures", "must be > 0") }
            if let m = r.maxImageSize, m < 0 { throw invalid("registration.maxImageSize", "must be ≥ 0") }
            if let m = r.orbFeatures, m <= 0 { throw invalid("registration.orbFeatures", "must be > 0") }
            if r.orbLayer == true, (r.features ?? .sift) != .sift { throw invalid("registration.orbLayer", "needs features: sift") }
        }
        var names = Set<String>()
        for (i, a) in (anchors ?? []).enumerated() {
            let field = "anchors[\(i)]"
            if a.name.isEmpty { throw invalid("\(field).name", "must not be empty") }
            if !names.insert(a.name).inserted { throw invalid("\(field).name", "'\(a.name)' is used twice") }
            let byPixel = a.image != nil || a.pixel != nil
            guard byPixel != (a.point != nil) else { throw invalid(field, "give either image + pixel or point") }
            if byPixel {
                if a.image == nil { throw invalid("\(field).image", "missing (the photo the pixel is in)") }
                guard let p = a.pixel, p.count == 2, p.allSatisfy(\.isFinite) else { throw invalid("\(field).pixel", "needs [x, y] in pixels") }
            } else if let p = a.point, p.count != 3 || !p.allSatisfy(\.isFinite) {
                throw invalid("\(field).point", "needs [x, y, z] in the landmark frame")
            }
            if let yaw = a.yaw, !yaw.isFinite { throw invalid("\(field).yaw", "must be a finite number of degrees") }
        }
    }

    /// A path of the manifest resolved against the yaml's folder (absolute paths stay).
    static func resolve(_ relative: String, in folder: URL) -> URL {
        relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : folder.appendingPathComponent(relative)
    }

    private static let knownFields: [String: Set<String>] = [
        "": ["name", "photos", "intrinsics", "priors", "registration", "anchors"],
        "registration": ["seed", "siftContrast", "features", "maxFeatures", "maxImageSize", "orbLayer", "orbFeatures"],
        "anchors": ["name", "image", "pixel", "point", "yaw", "upright"],
        "intrinsics": ["fx", "fy", "cx", "cy"],
    ]

    /// The first key the manifest does not know, as a field path, or nil.
    private static func unknownField(in root: Node) -> String? {
        func check(_ node: Node, known: Set<String>, prefix: String) -> String? {
            guard let mapping = node.mapping else { return nil }
            for key in mapping.keys.compactMap(\.string) where !known.contains(key) { return prefix.isEmpty ? key : "\(prefix).\(key)" }
            return nil
        }
        if let bad = check(root, known: knownFields[""]!, prefix: "") { return bad }
        for section in ["registration", "intrinsics"] {
            if let node = root.mapping?[section], let bad = check(node, known: knownFields[section]!, prefix: section) { return bad }
        }
        for (i, anchor) in (root.mapping?["anchors"]?.sequence ?? []).enumerated() {
            if let bad = check(anchor, known: knownFields["anchors"]!, prefix: "anchors[\(i)]") { return bad }
        }
        return nil
    }

    private static func fieldPath(_ path: [any CodingKey]) -> String {
        path.reduce("") { result, key in
            if let index = key.intValue { return result + "[\(index)]" }
            return result.isEmpty ? key.stringValue : result + "." + key.stringValue
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Double.Type, is Int.Type, is UInt64.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Double].Type: "a list of numbers"
        default: "\(type)"
        }
    }
}

/// Why a landmark.yaml could not be used.
enum LandmarkManifestError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case invalid(path: String, field: String, reason: String)

    var description: String {
        switch self {
        case .unreadable(let p): "\(p): cannot read the landmark manifest (give a landmark.yaml or the folder holding one)"
        case .invalid(let p, let f, let r): f.isEmpty ? "\(p): \(r)" : "\(p): field \(f): \(r)"
        }
    }
}
