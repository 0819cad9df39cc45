import Foundation
import Geometry
import Support

/// COLMAP's text model (`cameras.txt`, `images.txt`, `points3D.txt`), as COLMAP and pycolmap
/// read and write it (https://colmap.github.io/format.html#text-format).
///
/// Conventions, both ways:
/// - `QW QX QY QZ TX TY TZ` is camera-from-world: `Keyframe.cameraFromLandmark` unchanged.
/// - Pixels: COLMAP's (0, 0) is the top-left corner of the first pixel, OpenCV's (ours) its
///   centre, so cx, cy and keypoint positions are shifted by +0.5 on export and −0.5 on
///   import, on the decimal text (`HalfPixelShift`), so a round trip is bit-exact.
/// - Cameras: `PINHOLE` without distortion, `OPENCV` (k1 k2 p1 p2) with. Import also reads
///   `SIMPLE_PINHOLE`, `SIMPLE_RADIAL` and `RADIAL`.
/// - `POINTS2D` lists each image's observed keypoints ordered by `keypointIndex`; a track's
///   `POINT2D_IDX` is the position in that list. Import sets `keypointIndex = POINT2D_IDX`,
///   so indices survive a round trip when they are dense (0, 1, 2, … per keyframe).
/// - Descriptors, keypoint sizes and angles are not part of the text model: export drops
///   them, import leaves them empty / 0 (compute them from the photos afterwards).
public enum ColmapText {
    public static let fileNames = ["cameras.txt", "images.txt", "points3D.txt"]

    // MARK: Export

    /// The three files' contents.
    /// - Throws: `ColmapError.notExportable` for ids COLMAP cannot hold (negative or over
    ///   2³²−1 for cameras and images) or image names with whitespace.
    public static func export(_ map: FeatureMap) throws -> (cameras: String, images: String, points3D: String) {
        if let problem = MapValidation.problem(in: map) { throw ColmapError.notExportable(problem) }
        for camera in map.cameras where !(0...Int64(UInt32.max - 1)).contains(camera.id) {
            throw ColmapError.notExportable("camera id \(camera.id) is outside COLMAP's range 0…\(UInt32.max - 1)")
        }
        for keyframe in map.keyframes {
            if !(0...Int64(UInt32.max - 1)).contains(keyframe.id) {
                throw ColmapError.notExportable("keyframe id \(keyframe.id) is outside COLMAP's range 0…\(UInt32.max - 1)")
            }
            if keyframe.name.isEmpty || keyframe.name.contains(where: \.isWhitespace) {
                throw ColmapError.notExportable("keyframe name '\(keyframe.name)' is empty or contains whitespace, which COLMAP's text format cannot hold")
            }
        }
        for point in map.points where point.id < 0 {
            throw ColmapError.notExportable("point id \(point.id) is negative")
        }

        // cameras.txt
        var cameras = """
            # Camera list with one line of data per camera:
            #   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]
            # Number of cameras: \(map.cameras.count)

            """
        for camera in map.cameras.sorted(by: { $0.id < $1.id }) {
            let k = camera.intrinsics
            let cx = HalfPixelShift.text(k.cx, adding: 1), cy = HalfPixelShift.text(k.cy, adding: 1)
            if k.hasDistortion {
                cameras += "\(camera.id) OPENCV \(k.width) \(k.height) \(k.fx) \(k.fy) \(cx) \(cy) \(k.k1) \(k.k2) \(k.p1) \(k.p2)\n"
            } else {
                cameras += "\(camera.id) PINHOLE \(k.width) \(k.height) \(k.fx) \(k.fy) \(cx) \(cy)\n"
            }
        }

        // POINTS2D per keyframe: observed keypoints ordered by keypointIndex.
        struct Entry { var keypointIndex: Int32; var pixel: Vec2; var pointID: Int64 }
        var entries: [Int64: [Entry]] = [:]
        for point in map.points {
            for o in point.observations {
                entries[o.keyframeID, default: []].append(Entry(keypointIndex: o.keypointIndex, pixel: o.pixel, pointID: point.id))
            }
        }
        var rank: [Int64: [Int32: Int]] = [:]   // keyframe → keypointIndex → POINT2D_IDX
        for (keyframe, list) in entries {
            let sorted = list.sorted { $0.keypointIndex < $1.keypointIndex }
            entries[keyframe] = sorted
            rank[keyframe] = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1.keypointIndex, $0) })
        }

        // images.txt
        let observationCount = map.observationCount
        let meanObservations = map.keyframes.isEmpty ? 0 : Double(observationCount) / Double(map.keyframes.count)
        var images = """
            # Image list with two lines of data per image:
            #   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME
            #   POINTS2D[] as (X, Y, POINT3D_ID)
            # Number of images: \(map.keyframes.count), mean observations per image: \(meanObservations)

            """
        for keyframe in map.keyframes.sorted(by: { $0.id < $1.id }) {
            let q = keyframe.cameraFromLandmark.rotation, t = keyframe.cameraFromLandmark.translation
            images += "\(keyframe.id) \(q.w) \(q.x) \(q.y) \(q.z) \(t.x) \(t.y) \(t.z) \(keyframe.cameraID) \(keyframe.name)\n"
            images += (entries[keyframe.id] ?? []).map {
                "\(HalfPixelShift.text($0.pixel.x, adding: 1)) \(HalfPixelShift.text($0.pixel.y, adding: 1)) \($0.pointID)"
            }.joined(separator: " ")
            images += "\n"
        }

        // points3D.txt
        let meanTrack = map.points.isEmpty ? 0 : Double(observationCount) / Double(map.points.count)
        var points = """
            # 3D point list with one line of data per point:
            #   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)
            # Number of points: \(map.points.count), mean track length: \(meanTrack)

            """
        for point in map.points.sorted(by: { $0.id < $1.id }) {
            let p = point.position, c = point.color
            points += "\(point.id) \(p.x) \(p.y) \(p.z) \(c.x) \(c.y) \(c.z) \(point.reprojectionError)"
            for o in point.observations {
                points += " \(o.keyframeID) \(rank[o.keyframeID]![o.keypointIndex]!)"
            }
            points += "\n"
        }
        return (cameras, images, points)
    }

    /// Writes the three files into `directory` (created if missing). A new directory is
    /// filled under a temporary name and renamed, so a failure leaves nothing behind;
    /// into an existing directory each file is replaced atomically.
    public static func write(_ map: FeatureMap, to directory: URL) throws {
        let texts = try export(map)
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: directory.path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw ColmapError.cannotWrite(path: directory.path, reason: "a file with that name exists and is not a directory")
        }
        let target = exists ? directory
            : directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            if !exists { try fm.createDirectory(at: target, withIntermediateDirectories: true) }
            for (name, text) in zip(fileNames, [texts.cameras, texts.images, texts.points3D]) {
                try atomicReplace(Data(text.utf8), at: target.appendingPathComponent(name))
            }
            if !exists { try fm.moveItem(at: target, to: directory) }
        } catch {
            if !exists { try? fm.removeItem(at: target) }
            throw ColmapError.cannotWrite(path: directory.path, reason: "\(error.localizedDescription)")
        }
    }

    // MARK: Import

    /// Reads a COLMAP text model. Comment lines (`#`) and blank lines are skipped, except
    /// that the line after an image line is always its POINTS2D line (blank when empty), as
    /// COLMAP reads it.
    /// - Parameter metadata: the map's metadata (`featureKind` should be `.sift` for COLMAP).
    /// - Throws: `ColmapError` naming the file and line.
    public static func read(from directory: URL, metadata: MapMetadata) throws -> FeatureMap {
        func load(_ name: String) throws -> (path: String, text: String) {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw ColmapError.missingFile(path: url.path)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ColmapError.malformed(file: url.path, line: 0, reason: "not UTF-8 text")
            }
            return (url.path, text)
        }
        let cameras = try parseCameras(load("cameras.txt"))
        let (keyframes, points2D) = try parseImages(load("images.txt"), cameraIDs: Set(cameras.map(\.id)))
        let points = try parsePoints(load("points3D.txt"), points2D: points2D)
        return FeatureMap(metadata: metadata, cameras: cameras.sorted { $0.id < $1.id },
                          keyframes: keyframes.sorted { $0.id < $1.id }, points: points.sorted { $0.id < $1.id })
    }

    /// Lines with their 1-based numbers, trimmed (handles CRLF).
    private static func numberedLines(_ text: String) -> [(number: Int, text: Substring)] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().map {
            ($0.offset + 1, $0.element.trimmingCharacters(in: .whitespacesAndNewlines)[...])
        }
    }

    private static func tokens(_ line: Substring) -> [Substring] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    private static func parseCameras(_ file: (path: String, text: String)) throws -> [MapCamera] {
        var cameras: [MapCamera] = [], seen = Set<Int64>()
        for (number, line) in numberedLines(file.text) where !line.isEmpty && !line.hasPrefix("#") {
            func fail(_ reason: String) -> ColmapError { .malformed(file: file.path, line: number, reason: reason) }
            let t = tokens(line)
            guard t.count >= 4, let id = Int64(t[0]), let width = Int(t[2]), let height = Int(t[3]) else {
                throw fail("expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS…")
            }
            let model = String(t[1])
            let raw = Array(t[4...])
            let expected = ["SIMPLE_PINHOLE": 3, "PINHOLE": 4, "SIMPLE_RADIAL": 4, "RADIAL": 5, "OPENCV": 8][model]
            guard let expected else { throw ColmapError.unsupportedCameraModel(file: file.path, line: number, model: model) }
            guard raw.count == expected else { throw fail("\(model) has \(expected) parameters, found \(raw.count)") }
            // Principal point: the parameter after the focal length(s), shifted to OpenCV's convention.
            let focalCount = model == "PINHOLE" || model == "OPENCV" ? 2 : 1
            var params: [Double] = []
            for (i, token) in raw.enumerated() {
                let isPrincipal = i == focalCount || i == focalCount + 1
                guard let v = isPrincipal ? HalfPixelShift.parse(token, adding: -1) : Double(token), v.isFinite else {
                    throw fail("parameter \(i + 1) '\(token)' is not a finite number")
                }
                params.append(v)
            }
            let k: CameraIntrinsics
            switch model {
            case "SIMPLE_PINHOLE": k = .init(width: width, height: height, fx: params[0], fy: params[0], cx: params[1], cy: params[2])
            case "PINHOLE": k = .init(width: width, height: height, fx: params[0], fy: params[1], cx: params[2], cy: params[3])
            case "SIMPLE_RADIAL": k = .init(width: width, height: height, fx: params[0], fy: params[0], cx: params[1], cy: params[2], k1: params[3])
            case "RADIAL": k = .init(width: width, height: height, fx: params[0], fy: params[0], cx: params[1], cy: params[2], k1: params[3], k2: params[4])
            default: k = .init(width: width, height: height, fx: params[0], fy: params[1], cx: params[2], cy: params[3],
                               k1: params[4], k2: params[5], p1: params[6], p2: params[7])
            }
            guard k.isValid else { throw fail("invalid intrinsics (size and focal lengths must be positive)") }
            guard seen.insert(id).inserted else { throw fail("camera \(id) is defined twice") }
            cameras.append(MapCamera(id: id, intrinsics: k))
        }
        return cameras
    }

    /// One image's POINTS2D entries: pixel (OpenCV convention) and POINT3D_ID (−1 = none).
    struct Point2D { var pixel: Vec2; var point3DID: Int64 }

    private static func parseImages(_ file: (path: String, text: String), cameraIDs: Set<Int64>) throws
        -> ([Keyframe], [Int64: [Point2D]]) {
        var keyframes: [Keyframe] = [], points2D: [Int64: [Point2D]] = [:], names = Set<String>()
        let lines = numberedLines(file.text)
        var i = 0
        while i < lines.count {
            let (number, line) = lines[i]
            i += 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ reason: String, at n: Int = number) -> ColmapError { .malformed(file: file.path, line: n, reason: reason) }
            let t = tokens(line)
            guard t.count >= 10, let id = Int64(t[0]), let cameraID = Int64(t[8]) else {
                throw fail("expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME")
            }
            var v: [Double] = []
            for token in t[1...7] {
                guard let x = Double(token), x.isFinite else { throw fail("'\(token)' is not a finite number") }
                v.append(x)
            }
            var q = Quaternion(w: v[0], x: v[1], y: v[2], z: v[3])
            guard q.norm > 1e-9 else { throw fail("the quaternion is zero") }
            if abs(q.norm - 1) > 1e-9 { q = q.normalized }   // COLMAP normalizes on read too
            guard cameraIDs.contains(cameraID) else { throw fail("image \(id) uses camera \(cameraID), which cameras.txt does not define") }
            let name = t[9...].joined(separator: " ")
            guard names.insert(name).inserted else { throw fail("image name '\(name)' is used twice") }
            guard points2D[id] == nil else { throw fail("image \(id) is defined twice") }
            keyframes.append(Keyframe(id: id, name: name, cameraID: cameraID,
                                      cameraFromLandmark: Rigid3(rotation: q, translation: Vec3(v[4], v[5], v[6]))))
            // The POINTS2D line follows immediately (possibly blank, or missing at the end of the file).
            var list: [Point2D] = []
            if i < lines.count, !lines[i].text.hasPrefix("#") {
                let (pointsNumber, pointsLine) = lines[i]
                i += 1
                let p = tokens(pointsLine)
                guard p.count % 3 == 0 else { throw fail("POINTS2D has \(p.count) values, not a multiple of 3 (X Y POINT3D_ID)", at: pointsNumber) }
                list.reserveCapacity(p.count / 3)
                for j in stride(from: 0, to: p.count, by: 3) {
                    guard let x = HalfPixelShift.parse(p[j], adding: -1), let y = HalfPixelShift.parse(p[j + 1], adding: -1),
                          x.isFinite, y.isFinite, let pid = Int64(p[j + 2]) else {
                        throw fail("POINTS2D entry \(j / 3) ('\(p[j]) \(p[j + 1]) \(p[j + 2])') is not X Y POINT3D_ID", at: pointsNumber)
                    }
                    list.append(Point2D(pixel: Vec2(x, y), point3DID: pid))
                }
            }
            points2D[id] = list
        }
        return (keyframes, points2D)
    }

    private static func parsePoints(_ file: (path: String, text: String), points2D: [Int64: [Point2D]]) throws -> [MapPoint] {
        var points: [MapPoint] = [], seen = Set<Int64>()
        for (number, line) in numberedLines(file.text) where !line.isEmpty && !line.hasPrefix("#") {
            func fail(_ reason: String) -> ColmapError { .malformed(file: file.path, line: number, reason: reason) }
            let t = tokens(line)
            guard t.count >= 8, (t.count - 8) % 2 == 0, let id = Int64(t[0]) else {
                throw fail("expected POINT3D_ID X Y Z R G B ERROR then (IMAGE_ID POINT2D_IDX) pairs")
            }
            var xyz: [Double] = []
            for token in t[1...3] {
                guard let v = Double(token), v.isFinite else { throw fail("'\(token)' is not a finite number") }
                xyz.append(v)
            }
            var rgb: [UInt8] = []
            for token in t[4...6] {
                guard let v = UInt8(token) else { throw fail("colour '\(token)' is not an integer 0…255") }
                rgb.append(v)
            }
            guard let error = Double(t[7]), error.isFinite else { throw fail("error '\(t[7])' is not a finite number") }
            guard seen.insert(id).inserted else { throw fail("point \(id) is defined twice") }
            var observations: [Observation] = []
            for j in stride(from: 8, to: t.count, by: 2) {
                guard let imageID = Int64(t[j]), let index = Int32(t[j + 1]) else {
                    throw fail("track entry '\(t[j]) \(t[j + 1])' is not IMAGE_ID POINT2D_IDX")
                }
                guard let list = points2D[imageID] else { throw fail("track references image \(imageID), which images.txt does not define") }
                guard index >= 0, Int(index) < list.count else {
                    throw fail("track references keypoint \(index) of image \(imageID), which has \(list.count) POINTS2D")
                }
                let p2 = list[Int(index)]
                guard p2.point3DID == id else {
                    throw fail("track entry (image \(imageID), keypoint \(index)) but images.txt says that keypoint observes point \(p2.point3DID)")
                }
                observations.append(Observation(keyframeID: imageID, keypointIndex: index, pixel: p2.pixel))
            }
            points.append(MapPoint(id: id, position: Vec3(xyz[0], xyz[1], xyz[2]), color: SIMD3(rgb[0], rgb[1], rgb[2]),
                                   reprojectionError: error, observations: observations))
        }
        return points
    }
}

/// Why a COLMAP text model could not be read or written; names the file and line.
public enum ColmapError: Error, CustomStringConvertible, Equatable, Sendable {
    case missingFile(path: String)
    /// `line` is 1-based; 0 when the problem is the whole file.
    case malformed(file: String, line: Int, reason: String)
    case unsupportedCameraModel(file: String, line: Int, model: String)
    case notExportable(String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path): "\(path): no such file (a COLMAP text model has cameras.txt, images.txt and points3D.txt)"
        case .malformed(let file, let line, let reason): line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)"
        case .unsupportedCameraModel(let file, let line, let model):
            "\(file):\(line): camera model \(model) is not supported (use SIMPLE_PINHOLE, PINHOLE, SIMPLE_RADIAL, RADIAL or OPENCV)"
        case .notExportable(let reason): "cannot export as a COLMAP model: \(reason)"
        case .cannotWrite(let path, let reason): "\(path): cannot write the COLMAP model (\(reason))"
        }
    }
}
