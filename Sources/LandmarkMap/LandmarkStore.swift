import Foundation
import Geometry
import GRDB
import Support

/// Reads and writes `.landmark` files: one SQLite database per landmark (schema in
/// `StoreSchema`, documented in docs/landmark-format.md).
///
/// Writes go to a temporary file in the destination's directory in one transaction, are
/// fsynced, then renamed over the destination, so a failed or interrupted write never leaves
/// a partial map nor destroys the previous one. Reads open the file read-only and never
/// modify it; a file from a newer schema is refused, an older one is read as is.
///
/// ## Topics
/// - Whole maps: `write(_:to:)`, `read(from:)`
/// - Servers and uploads: `readMetadata(from:)`, `validate(_:)`, `LandmarkFile.openReadOnly(_:)`
/// - Anchors: `anchors(in:)`, `addAnchor(_:to:)`, `removeAnchor(named:from:)`
public enum LandmarkStore {
    /// The newest schema version this build reads and writes.
    public static var schemaVersion: Int { StoreSchema.version }

    /// Writes `map` to `url` in one transaction into a temporary file, then renames it over
    /// `url`, so a failed or interrupted write never leaves a partial map (nor destroys an
    /// existing one). Arrays are stored in id order (cameras, keyframes, points), tracks and
    /// anchors in array order; `read` returns them in that order.
    /// - Throws: `LandmarkStoreError.invalidMap` (nothing written) or `.writeFailed`.
    public static func write(_ map: FeatureMap, to url: URL) throws {
        try write(map, to: url, faultInjection: nil)
    }

    /// Reads a whole map. Opens the file read-only; checks the file kind and schema version
    /// and every reference while loading (use `validate` for a full integrity check).
    public static func read(from url: URL) throws -> FeatureMap {
        try LandmarkFile.openReadOnly(url).readMap()
    }

    /// The map's metadata and counts, without loading points or observations.
    public static func readMetadata(from url: URL) throws -> MapSummary {
        try LandmarkFile.openReadOnly(url).summary()
    }

    /// Full check of a file, e.g. an upload, before it is used: SQLite's integrity check, a
    /// known schema version with the exact tables and columns it defines, foreign keys,
    /// column types, and every invariant `write` guarantees (loads the whole map).
    /// - Returns: the file's summary when it is valid.
    /// - Throws: a `LandmarkStoreError` naming the file and the first problem.
    @discardableResult
    public static func validate(_ url: URL) throws -> MapSummary {
        let file = try LandmarkFile.openReadOnly(url)
        try file.checkIntegrity()
        let map = try file.readMap()
        if let problem = MapValidation.problem(in: map) {
            throw LandmarkStoreError.inconsistent(path: url.path, detail: problem)
        }
        return try file.summary()
    }

    // MARK: Anchors

    /// The anchors stored in the file, in the order they were added (empty for a schema
    /// version 1 file).
    public static func anchors(in url: URL) throws -> [Anchor] {
        try LandmarkFile.openReadOnly(url).anchors()
    }

    /// Adds an anchor in one transaction (the file is upgraded to the current schema first
    /// if it is older, each migration in its own transaction).
    /// - Throws: `.anchorExists` if the name is taken, `.invalidAnchor`; the file is then unchanged.
    public static func addAnchor(_ anchor: Anchor, to url: URL) throws {
        if let problem = MapValidation.anchorProblem(anchor) {
            throw LandmarkStoreError.invalidAnchor(name: anchor.name, reason: problem)
        }
        try modify(url) { db in
            let exists = try AnchorRecord.filter(AnchorRecord.Columns.name == anchor.name).fetchCount(db) > 0
            if exists { throw LandmarkStoreError.anchorExists(path: url.path, name: anchor.name) }
            try AnchorRecord(anchor: anchor).insert(db)
        }
    }

    /// Removes the anchor named `name` in one transaction.
    /// - Throws: `.anchorNotFound` when there is none; the file is then unchanged.
    public static func removeAnchor(named name: String, from url: URL) throws {
        try modify(url) { db in
            let deleted = try AnchorRecord.filter(AnchorRecord.Columns.name == name).deleteAll(db)
            if deleted == 0 { throw LandmarkStoreError.anchorNotFound(path: url.path, name: name) }
        }
    }

    // MARK: - Internals

    /// Stages of `write` a test can make fail, to prove a failed write leaves no trace.
    enum WriteStage: Sendable { case afterPoints, beforeRename }

    static func write(_ map: FeatureMap, to url: URL,
                      faultInjection: (@Sendable (WriteStage) throws -> Void)?) throws {
        if let problem = MapValidation.problem(in: map) { throw LandmarkStoreError.invalidMap(detail: problem) }
        let path = url.path
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LandmarkStoreError.writeFailed(path: path, reason: "the directory \(directory.path) does not exist")
        }
        do {
            // Support's atomicReplace: the SQLite file is built under a temporary name beside
            // `url`, then synced and renamed over it (a failure or a crash leaves the old map).
            try atomicReplace(at: url) { temp in
                do { try writeDatabase(map, at: temp, faultInjection: faultInjection) } catch {
                    for suffix in ["-journal", "-wal", "-shm"] { unlink(temp.path + suffix) }
                    throw error
                }
            }
        } catch let error as LandmarkStoreError {
            throw error
        } catch let error as DatabaseError {
            throw LandmarkStoreError.writeFailed(path: path, reason: error.message ?? "\(error.resultCode)")
        } catch {
            throw LandmarkStoreError.writeFailed(path: path, reason: "\(error)")
        }
    }

    /// Creates the schema and fills it with `map`, in a fresh SQLite file at `temp`.
    private static func writeDatabase(_ map: FeatureMap, at temp: URL,
                                      faultInjection: (@Sendable (WriteStage) throws -> Void)?) throws {
        var config = Configuration()
        config.label = "landmark-write"
        // References were checked in memory (MapValidation); `validate` re-checks them on disk.
        config.foreignKeysEnabled = false
        config.prepareDatabase { db in
            // The temp file is invisible until fsync + rename, so SQLite need not sync.
            // MEMORY journal: rollback still works, no side file.
            try db.execute(sql: "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF")
        }
        let queue = try DatabaseQueue(path: temp.path, configuration: config)
        try StoreSchema.makeMigrator().migrate(queue)
        try queue.write { db in
            try MetadataRecord(metadata: map.metadata).insert(db)
            if let frame = map.metadata.frame { try FrameRecord(frame: frame).insert(db) }
            for camera in map.cameras.sorted(by: { $0.id < $1.id }) { try CameraRecord(camera: camera).insert(db) }
            for keyframe in map.keyframes.sorted(by: { $0.id < $1.id }) { try KeyframeRecord(keyframe: keyframe).insert(db) }
            try insert(map.points, into: "points", observations: "observations", withPatches: false, db)
            try faultInjection?(.afterPoints)
            try insert(map.orbPoints, into: "orbPoints", observations: "orbObservations", withPatches: true, db)
            for anchor in map.anchors { try AnchorRecord(anchor: anchor).insert(db) }
        }
        try queue.close()
        try faultInjection?(.beforeRename)
    }

    /// Inserts points (in id order) and their tracks (in track order).
    private static func insert(_ points: [MapPoint], into table: String, observations: String, withPatches: Bool,
                               _ db: Database) throws {
        let sorted = points.sorted { $0.id < $1.id }
        let insertPoint = try PointRecord.insertStatement(db, table: table)
        for point in sorted { try PointRecord(point).insert(with: insertPoint) }
        let insertObservation = try ObservationRecord.insertStatement(db, table: observations, withPatch: withPatches)
        for point in sorted {
            for observation in point.observations {
                try ObservationRecord(pointID: point.id, observation: observation).insert(with: insertObservation, withPatch: withPatches)
            }
        }
    }

    /// Opens an existing landmark file read-write, upgrades it to the current schema and runs
    /// `body` in one transaction.
    private static func modify(_ url: URL, _ body: @escaping @Sendable (Database) throws -> Void) throws {
        _ = try LandmarkFile.openReadOnly(url)   // refuses missing, foreign, newer or broken files first
        do {
            let queue = try DatabaseQueue(path: url.path)
            defer { try? queue.close() }
            try StoreSchema.makeMigrator().migrate(queue)
            try queue.write(body)
        } catch {
            throw StoreErrors.map(error, path: url.path, writing: true)
        }
    }
}

/// Maps SQLite and decoding errors to `LandmarkStoreError`s that name the file.
enum StoreErrors {
    static func map(_ error: any Error, path: String, writing: Bool = false) -> any Error {
        if error is LandmarkStoreError { return error }
        if let e = error as? DatabaseError {
            let message = e.message ?? "\(e.resultCode)"
            switch e.resultCode {
            case .SQLITE_NOTADB: return LandmarkStoreError.notALandmarkFile(path: path, reason: "not an SQLite database")
            case .SQLITE_CORRUPT: return LandmarkStoreError.corrupt(path: path, detail: message)
            case .SQLITE_ERROR where message.hasPrefix("no such table"):
                return LandmarkStoreError.missingTable(path: path, table: String(message.dropFirst("no such table: ".count)))
            case .SQLITE_ERROR where message.hasPrefix("no such column"):
                return LandmarkStoreError.inconsistent(path: path, detail: message)
            case let code where writing && [.SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_FULL].contains(code):
                return LandmarkStoreError.writeFailed(path: path, reason: message)
            default: return LandmarkStoreError.database(path: path, message: e.description)
            }
        }
        if error is RowDecodingError { return LandmarkStoreError.inconsistent(path: path, detail: "\(error)") }
        return LandmarkStoreError.database(path: path, message: "\(error)")
    }
}
