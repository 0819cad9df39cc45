import Foundation
import Geometry
import GRDB
import Features

// One record type per table. Each has a `Columns` enum and a fixed `databaseSelection`, so
// `init(row:)` reads columns by position (fast bulk loads). Raw columns stay inside the
// record: a pose's seven columns surface as one `Rigid3`, a colour's three as one SIMD3.

/// Reads a pose stored as qw, qx, qy, qz, tx, ty, tz starting at column `i`.
private func rigid(_ row: Row, at i: Int) throws -> Rigid3 {
    try Rigid3(rotation: Quaternion(w: row.decode(atIndex: i), x: row.decode(atIndex: i + 1), y: row.decode(atIndex: i + 2), z: row.decode(atIndex: i + 3)),
           translation: Vec3(row.decode(atIndex: i + 4), row.decode(atIndex: i + 5), row.decode(atIndex: i + 6)))
}

/// The single row of `metadata`.
struct MetadataRecord: Equatable {
    var metadata: MapMetadata
}

extension MetadataRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "metadata"
    enum Columns {
        static let id = Column("id"), name = Column("name"), featureKind = Column("featureKind")
        static let isMetric = Column("isMetric"), alignment = Column("alignment")
        static let createdAt = Column("createdAt"), generator = Column("generator")
    }
    static var databaseSelection: [any SQLSelectable] {
        [Columns.name, Columns.featureKind, Columns.isMetric, Columns.alignment, Columns.createdAt, Columns.generator]
    }
    /// Throws nothing; an unknown feature kind is reported by `LandmarkStore` (it reads the raw text).
    init(row: Row) throws {
        let kind: String = try row.decode(atIndex: 1)
        metadata = try MapMetadata(name: row.decode(atIndex: 0), featureKind: FeatureKind(rawValue: kind) ?? .sift,
                               isMetric: row.decode(atIndex: 2), alignment: row.decode(atIndex: 3), createdAt: row.decode(atIndex: 4), generator: row.decode(atIndex: 5))
    }
    func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = 1
        container[Columns.name] = metadata.name
        container[Columns.featureKind] = metadata.featureKind.rawValue
        container[Columns.isMetric] = metadata.isMetric
        container[Columns.alignment] = metadata.alignment
        container[Columns.createdAt] = metadata.createdAt
        container[Columns.generator] = metadata.generator
    }
}

/// A row of `cameras`.
struct CameraRecord: Equatable {
    var camera: MapCamera
}

extension CameraRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "cameras"
    enum Columns {
        static let id = Column("id"), width = Column("width"), height = Column("height")
        static let fx = Column("fx"), fy = Column("fy"), cx = Column("cx"), cy = Column("cy")
        static let k1 = Column("k1"), k2 = Column("k2"), p1 = Column("p1"), p2 = Column("p2")
    }
    static var databaseSelection: [any SQLSelectable] {
        [Columns.id, Columns.width, Columns.height, Columns.fx, Columns.fy, Columns.cx, Columns.cy,
         Columns.k1, Columns.k2, Columns.p1, Columns.p2]
    }
    init(row: Row) throws {
        camera = try MapCamera(id: row.decode(atIndex: 0), intrinsics: CameraIntrinsics(
            width: row.decode(atIndex: 1), height: row.decode(atIndex: 2), fx: row.decode(atIndex: 3), fy: row.decode(atIndex: 4), cx: row.decode(atIndex: 5), cy: row.decode(atIndex: 6),
            k1: row.decode(atIndex: 7), k2: row.decode(atIndex: 8), p1: row.decode(atIndex: 9), p2: row.decode(atIndex: 10)))
    }
    func encode(to container: inout PersistenceContainer) {
        let k = camera.intrinsics
        container[Columns.id] = camera.id
        container[Columns.width] = k.width; container[Columns.height] = k.height
        container[Columns.fx] = k.fx; container[Columns.fy] = k.fy
        container[Columns.cx] = k.cx; container[Columns.cy] = k.cy
        container[Columns.k1] = k.k1; container[Columns.k2] = k.k2
        container[Columns.p1] = k.p1; container[Columns.p2] = k.p2
    }
}

/// A row of `keyframes`; the pose columns are `cameraFromLandmark`.
struct KeyframeRecord: Equatable {
    var keyframe: Keyframe
}

extension KeyframeRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "keyframes"
    enum Columns {
        static let id = Column("id"), name = Column("name"), cameraID = Column("cameraId")
        static let qw = Column("qw"), qx = Column("qx"), qy = Column("qy"), qz = Column("qz")
        static let tx = Column("tx"), ty = Column("ty"), tz = Column("tz")
    }
    static var databaseSelection: [any SQLSelectable] {
        [Columns.id, Columns.name, Columns.cameraID, Columns.qw, Columns.qx, Columns.qy, Columns.qz,
         Columns.tx, Columns.ty, Columns.tz]
    }
    init(row: Row) throws {
        keyframe = try Keyframe(id: row.decode(atIndex: 0), name: row.decode(atIndex: 1), cameraID: row.decode(atIndex: 2), cameraFromLandmark: rigid(row, at: 3))
    }
    func encode(to container: inout PersistenceContainer) {
        let pose = keyframe.cameraFromLandmark
        container[Columns.id] = keyframe.id
        container[Columns.name] = keyframe.name
        container[Columns.cameraID] = keyframe.cameraID
        container[Columns.qw] = pose.rotation.w; container[Columns.qx] = pose.rotation.x
        container[Columns.qy] = pose.rotation.y; container[Columns.qz] = pose.rotation.z
        container[Columns.tx] = pose.translation.x; container[Columns.ty] = pose.translation.y
        container[Columns.tz] = pose.translation.z
    }
}

/// A row of `points` (without its track, which lives in `observations`).
struct PointRecord: Equatable {
    var id: Int64
    var position: Vec3
    var color: SIMD3<UInt8>
    var reprojectionError: Double
}

extension PointRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "points"
    enum Columns {
        static let id = Column("id"), x = Column("x"), y = Column("y"), z = Column("z")
        static let red = Column("red"), green = Column("green"), blue = Column("blue")
        static let error = Column("error")
    }
    static var databaseSelection: [any SQLSelectable] {
        [Columns.id, Columns.x, Columns.y, Columns.z, Columns.red, Columns.green, Columns.blue, Columns.error]
    }
    init(row: Row) throws {
        id = try row.decode(atIndex: 0)
        position = try Vec3(row.decode(atIndex: 1), row.decode(atIndex: 2), row.decode(atIndex: 3))
        // Out-of-range colours are reported by validation; clamp here so reading never traps.
        let r: Int64 = try row.decode(atIndex: 4), g: Int64 = try row.decode(atIndex: 5), b: Int64 = try row.decode(atIndex: 6)
        color = SIMD3(UInt8(clamping: r), UInt8(clamping: g), UInt8(clamping: b))
        reprojectionError = try row.decode(atIndex: 7)
    }
    /// A prepared INSERT for bulk writes (`insert(with:)`), much cheaper per row than `insert(_:)`.
    static func insertStatement(_ db: Database, table: String = databaseTableName) throws -> Statement {
        try db.makeStatement(sql: "INSERT INTO \(table) (id, x, y, z, red, green, blue, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    }
    func insert(with statement: Statement) throws {
        statement.setUncheckedArguments([id, position.x, position.y, position.z, Int(color.x), Int(color.y), Int(color.z),
                                         reprojectionError])
        try statement.execute()
    }
    init(_ point: MapPoint) {
        id = point.id; position = point.position; color = point.color
        reprojectionError = point.reprojectionError
    }
    func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = id
        container[Columns.x] = position.x; container[Columns.y] = position.y; container[Columns.z] = position.z
        container[Columns.red] = Int(color.x); container[Columns.green] = Int(color.y)
        container[Columns.blue] = Int(color.z)
        container[Columns.error] = reprojectionError
    }
}

/// A row of `observations`: one sighting of a point in a keyframe, with its descriptor.
/// Rows are stored in track order (the `id` column), so a read restores each track's order.
struct ObservationRecord: Equatable {
    var pointID: Int64
    var observation: Observation
}

extension ObservationRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "observations"
    enum Columns {
        static let id = Column("id"), pointID = Column("pointId"), keyframeID = Column("keyframeId")
        static let keypointIndex = Column("keypointIndex"), x = Column("x"), y = Column("y")
        static let size = Column("size"), angle = Column("angle"), descriptor = Column("descriptor")
    }
    static var databaseSelection: [any SQLSelectable] {
        [Columns.pointID, Columns.keyframeID, Columns.keypointIndex, Columns.x, Columns.y,
         Columns.size, Columns.angle, Columns.descriptor]
    }
    init(row: Row) throws {
        pointID = try row.decode(atIndex: 0)
        let descriptor: [UInt8] = try row.withUnsafeData(atIndex: 7) { data in data.map { [UInt8]($0) } ?? [] }
        let size: Double = try row.decode(atIndex: 5), angle: Double = try row.decode(atIndex: 6)
        // The ORB layer's rows carry a ninth column, the patch.
        let patch: [UInt8] = row.count > 8 ? try row.withUnsafeData(atIndex: 8) { data in data.map { [UInt8]($0) } ?? [] } : []
        observation = try Observation(keyframeID: row.decode(atIndex: 1), keypointIndex: row.decode(atIndex: 2), pixel: Vec2(row.decode(atIndex: 3), row.decode(atIndex: 4)),
                                  size: Float(size), angle: Float(angle), descriptor: descriptor, patch: patch)
    }
    /// A prepared INSERT for bulk writes (`insert(with:)`), much cheaper per row than `insert(_:)`.
    /// `withPatch` for the ORB layer's table, which has the `patch` column.
    static func insertStatement(_ db: Database, table: String = databaseTableName, withPatch: Bool = false) throws -> Statement {
        try db.makeStatement(sql: """
            INSERT INTO \(table) (pointId, keyframeId, keypointIndex, x, y, size, angle, descriptor\(withPatch ? ", patch" : ""))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?\(withPatch ? ", ?" : ""))
            """)
    }
    func insert(with statement: Statement, withPatch: Bool = false) throws {
        let o = observation
        var arguments: [(any DatabaseValueConvertible)?] = [pointID, o.keyframeID, o.keypointIndex, o.pixel.x, o.pixel.y,
                                                           Double(o.size), Double(o.angle), Data(o.descriptor)]
        if withPatch { arguments.append(Data(o.patch)) }
        statement.setUncheckedArguments(StatementArguments(arguments))
        try statement.execute()
    }
    func encode(to container: inout PersistenceContainer) {
        container[Columns.pointID] = pointID
        container[Columns.keyframeID] = observation.keyframeID
        container[Columns.keypointIndex] = observation.keypointIndex
        container[Columns.x] = observation.pixel.x; container[Columns.y] = observation.pixel.y
        container[Columns.size] = Double(observation.size); container[Columns.angle] = Double(observation.angle)
        container[Columns.descriptor] = Data(observation.descriptor)
    }
}

/// A row of `anchors` (schema version 2); the pose columns are `landmarkFromAnchor`.
struct AnchorRecord: Equatable {
    var anchor: Anchor
}

extension AnchorRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "anchors"
    enum Columns {
        static let name = Column("name")
        static let qw = Column("qw"), qx = Column("qx"), qy = Column("qy"), qz = Column("qz")
        static let tx = Column("tx"), ty = Column("ty"), tz = Column("tz")
        static let planeX = Column("planeX"), planeY = Column("planeY"), planeZ = Column("planeZ")
        static let normalX = Column("normalX"), normalY = Column("normalY"), normalZ = Column("normalZ")
        static let createdAt = Column("createdAt")
    }
    static var databaseSelection: [any SQLSelectable] {
        [Columns.name, Columns.qw, Columns.qx, Columns.qy, Columns.qz, Columns.tx, Columns.ty, Columns.tz,
         Columns.planeX, Columns.planeY, Columns.planeZ, Columns.normalX, Columns.normalY, Columns.normalZ,
         Columns.createdAt]
    }
    init(row: Row) throws {
        anchor = try Anchor(name: row.decode(atIndex: 0), landmarkFromAnchor: rigid(row, at: 1),
                        surfacePoint: Vec3(row.decode(atIndex: 8), row.decode(atIndex: 9), row.decode(atIndex: 10)),
                        surfaceNormal: Vec3(row.decode(atIndex: 11), row.decode(atIndex: 12), row.decode(atIndex: 13)), createdAt: row.decode(atIndex: 14))
    }
    func encode(to container: inout PersistenceContainer) {
        let pose = anchor.landmarkFromAnchor
        container[Columns.name] = anchor.name
        container[Columns.qw] = pose.rotation.w; container[Columns.qx] = pose.rotation.x
        container[Columns.qy] = pose.rotation.y; container[Columns.qz] = pose.rotation.z
        container[Columns.tx] = pose.translation.x; container[Columns.ty] = pose.translation.y
        container[Columns.tz] = pose.translation.z
        container[Columns.planeX] = anchor.surfacePoint.x; container[Columns.planeY] = anchor.surfacePoint.y
        container[Columns.planeZ] = anchor.surfacePoint.z
        container[Columns.normalX] = anchor.surfaceNormal.x; container[Columns.normalY] = anchor.surfaceNormal.y
        container[Columns.normalZ] = anchor.surfaceNormal.z
        container[Columns.createdAt] = anchor.createdAt
    }
}

/// The row of `frame` (schema version 4): `MapMetadata.frame`.
struct FrameRecord: Equatable {
    var frame: FrameProvenance
}

extension FrameRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "frame"
    enum Columns {
        static let id = Column("id"), gravitySource = Column("gravitySource"), gravityCameras = Column("gravityCameras")
        static let gravitySpreadDegrees = Column("gravitySpreadDegrees"), gravityUncertaintyDegrees = Column("gravityUncertaintyDegrees")
        static let scaleSource = Column("scaleSource"), scaleRelativeUncertainty = Column("scaleRelativeUncertainty")
        static let scaleDetail = Column("scaleDetail")
    }
    static var databaseSelection: [any SQLSelectable] {
        [Columns.gravitySource, Columns.gravityCameras, Columns.gravitySpreadDegrees, Columns.gravityUncertaintyDegrees,
         Columns.scaleSource, Columns.scaleRelativeUncertainty, Columns.scaleDetail]
    }
    /// Unknown source names read as `.unknown` (validation reports them).
    init(row: Row) throws {
        let gravity: String = try row.decode(atIndex: 0), scale: String = try row.decode(atIndex: 4)
        frame = try FrameProvenance(
            gravity: GravityEstimate(source: GravityEstimate.Source(rawValue: gravity) ?? .unknown, cameraCount: row.decode(atIndex: 1),
                                     spreadDegrees: row.decode(atIndex: 2), uncertaintyDegrees: row.decode(atIndex: 3)),
            scale: ScaleEstimate(source: ScaleEstimate.Source(rawValue: scale) ?? .unknown, relativeUncertainty: row.decode(atIndex: 5),
                                 detail: row.decode(atIndex: 6)))
    }
    func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = 1
        container[Columns.gravitySource] = frame.gravity.source.rawValue
        container[Columns.gravityCameras] = frame.gravity.cameraCount
        container[Columns.gravitySpreadDegrees] = frame.gravity.spreadDegrees
        container[Columns.gravityUncertaintyDegrees] = frame.gravity.uncertaintyDegrees
        container[Columns.scaleSource] = frame.scale.source.rawValue
        container[Columns.scaleRelativeUncertainty] = frame.scale.relativeUncertainty
        container[Columns.scaleDetail] = frame.scale.detail
    }
}
