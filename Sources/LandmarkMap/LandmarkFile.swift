import Foundation
import Geometry
import GRDB
import Features

/// A `.landmark` file opened read-only, e.g. by the pose server at start. Opening checks
/// that the file is a landmark map of a schema version this build knows; reading never
/// modifies the file (SQLite read-only mode), so a file without write permission works.
public struct LandmarkFile: Sendable {
    public let url: URL
    /// The file's schema version, 1…`LandmarkStore.schemaVersion`.
    public let schemaVersion: Int
    let queue: DatabaseQueue

    private var path: String { url.path }

    /// Opens `url` read-only.
    /// - Throws: `.fileNotFound`, `.notALandmarkFile`, `.newerSchema`, `.corrupt`, `.missingTable`.
    public static func openReadOnly(_ url: URL) throws -> LandmarkFile {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw LandmarkStoreError.fileNotFound(path: path)
        }
        try checkHeader(path)
        do {
            var config = Configuration()
            config.readonly = true
            config.label = "landmark-read"
            config.prepareDatabase { db in
                // Memory-mapped reads make the bulk load faster; 0 disables them on SQLite
                // builds without mmap, which is harmless.
                try db.execute(sql: "PRAGMA mmap_size = 268435456")
            }
            let queue = try DatabaseQueue(path: path, configuration: config)
            let version = try queue.read { db in try checkSchema(db, path: path) }
            return LandmarkFile(url: url, schemaVersion: version, queue: queue)
        } catch {
            throw StoreErrors.map(error, path: path)
        }
    }

    /// Refuses empty files and files that are not SQLite databases before SQLite sees them.
    private static func checkHeader(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LandmarkStoreError.notALandmarkFile(path: path, reason: "cannot open the file for reading")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        if header.isEmpty { throw LandmarkStoreError.notALandmarkFile(path: path, reason: "the file is empty") }
        guard header.starts(with: Array("SQLite format 3\u{0}".utf8)) else {
            throw LandmarkStoreError.notALandmarkFile(path: path, reason: "not an SQLite database")
        }
        guard header.count == 100 else {
            throw LandmarkStoreError.corrupt(path: path, detail: "the file is truncated inside the SQLite header")
        }
    }

    /// Checks the application id, schema version, applied migrations and required tables.
    /// - Returns: the schema version.
    private static func checkSchema(_ db: Database, path: String) throws -> Int {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        guard applicationID == StoreSchema.applicationID else {
            throw LandmarkStoreError.notALandmarkFile(
                path: path, reason: "an SQLite database of another application (application_id \(applicationID))")
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let known = StoreSchema.migrationIdentifiers
        var applied: [String] = []
        if try db.tableExists("grdb_migrations") {
            applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        let unknown = applied.filter { !known.contains($0) }.sorted()
        if version > known.count || !unknown.isEmpty {
            throw LandmarkStoreError.newerSchema(path: path, fileVersion: version, supportedVersion: known.count,
                                                 unknownMigrations: unknown)
        }
        guard version >= 1 else { throw LandmarkStoreError.corrupt(path: path, detail: "schema version 0: the file was never completed") }
        let expected = Set(known.prefix(version))
        guard Set(applied) == expected else {
            throw LandmarkStoreError.corrupt(
                path: path, detail: "schema version \(version) but applied migrations are [\(applied.sorted().joined(separator: ", "))]")
        }
        for table in StoreSchema.requiredTables(version: version) where try !db.tableExists(table) {
            throw LandmarkStoreError.missingTable(path: path, table: table)
        }
        return version
    }

    // MARK: Reading

    /// The metadata and counts (no point or observation rows are loaded).
    public func summary() throws -> MapSummary {
        let path = self.path, version = schemaVersion
        do {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return try queue.read { db in
                let metadata = try Self.readMetadata(db, path: path, version: version)
                func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
                let anchorNames = version >= 2
                    ? try String.fetchAll(db, sql: "SELECT name FROM anchors ORDER BY name") : []
                var summary = MapSummary(
                    path: path, fileSizeBytes: size, schemaVersion: version, metadata: metadata,
                    cameraCount: try count("SELECT COUNT(*) FROM cameras"),
                    keyframeCount: try count("SELECT COUNT(*) FROM keyframes"),
                    pointCount: try count("SELECT COUNT(*) FROM points"),
                    observationCount: try count("SELECT COUNT(*) FROM observations"),
                    descriptorCount: try count("SELECT COUNT(*) FROM observations WHERE length(descriptor) > 0"),
                    anchorNames: anchorNames)
                if version >= 3 { summary.orbPointCount = try count("SELECT COUNT(*) FROM orbPoints") }
                return summary
            }
        } catch {
            throw StoreErrors.map(error, path: path)
        }
    }

    /// The whole map. Checks while loading that every observation's point and keyframe
    /// exist and that descriptors have the feature kind's length.
    public func readMap() throws -> FeatureMap {
        let path = self.path, version = schemaVersion
        do {
            return try queue.read { db in
                let metadata = try Self.readMetadata(db, path: path, version: version)
                let cameras = try CameraRecord.order(CameraRecord.Columns.id).fetchAll(db).map(\.camera)
                let keyframes = try KeyframeRecord.order(KeyframeRecord.Columns.id).fetchAll(db).map(\.keyframe)
                let keyframeIDs = Set(keyframes.map(\.id))
                let points = try Self.readPoints(db, table: "points", observations: "observations", path: path,
                                                 keyframeIDs: keyframeIDs, descriptorBytes: metadata.featureKind.descriptorBytes)
                let orbPoints = version >= 3
                    ? try Self.readPoints(db, table: "orbPoints", observations: "orbObservations", path: path,
                                          keyframeIDs: keyframeIDs, descriptorBytes: FeatureKind.orb.descriptorBytes) : []
                let anchors = version >= 2 ? try Self.readAnchors(db) : []
                return FeatureMap(metadata: metadata, cameras: cameras, keyframes: keyframes, points: points, orbPoints: orbPoints,
                                  anchors: anchors)
            }
        } catch {
            throw StoreErrors.map(error, path: path)
        }
    }

    /// Points of `table` in id order with their tracks from `observations`, checking that
    /// every observation's point and keyframe exist and its descriptor has `descriptorBytes`.
    private static func readPoints(_ db: Database, table: String, observations: String, path: String,
                                   keyframeIDs: Set<Int64>, descriptorBytes: Int) throws -> [MapPoint] {
        let what = table == "points" ? "an observation" : "an ORB observation"
        var points: [MapPoint] = []
        var pointIndex: [Int64: Int] = [:]
        let pointRows = try PointRecord.fetchCursor(db, sql: "SELECT id, x, y, z, red, green, blue, error FROM \(table) ORDER BY id")
        while let p = try pointRows.next() {
            pointIndex[p.id] = points.count
            points.append(MapPoint(id: p.id, position: p.position, color: p.color, reprojectionError: p.reprojectionError))
        }
        let observations = try ObservationRecord.fetchCursor(
            db, sql: "SELECT pointId, keyframeId, keypointIndex, x, y, size, angle, descriptor\(table == "points" ? "" : ", patch") FROM \(observations) ORDER BY id")
        while let record = try observations.next() {
            guard let index = pointIndex[record.pointID] else {
                throw LandmarkStoreError.inconsistent(path: path, detail: "\(what) references point \(record.pointID), which does not exist")
            }
            let o = record.observation
            guard keyframeIDs.contains(o.keyframeID) else {
                throw LandmarkStoreError.inconsistent(path: path, detail: "\(what) of point \(record.pointID) references keyframe \(o.keyframeID), which does not exist")
            }
            guard o.descriptor.isEmpty || o.descriptor.count == descriptorBytes else {
                throw LandmarkStoreError.inconsistent(
                    path: path, detail: "\(what) of point \(record.pointID) has a \(o.descriptor.count)-byte descriptor, expected \(descriptorBytes)")
            }
            points[index].observations.append(o)
        }
        return points
    }

    /// The anchors in the order they were added; empty for schema version 1.
    public func anchors() throws -> [Anchor] {
        guard schemaVersion >= 2 else { return [] }
        do { return try queue.read { db in try Self.readAnchors(db) } } catch { throw StoreErrors.map(error, path: path) }
    }

    private static func readAnchors(_ db: Database) throws -> [Anchor] {
        try AnchorRecord.fetchAll(db, sql: "SELECT name, qw, qx, qy, qz, tx, ty, tz, planeX, planeY, planeZ, normalX, normalY, normalZ, createdAt FROM anchors ORDER BY rowid")
            .map(\.anchor)
    }

    private static func readMetadata(_ db: Database, path: String, version: Int) throws -> MapMetadata {
        let rows = try MetadataRecord.fetchAll(db)
        guard rows.count == 1 else {
            throw LandmarkStoreError.inconsistent(path: path, detail: "the metadata table has \(rows.count) rows, expected 1")
        }
        let kind = try String.fetchOne(db, sql: "SELECT featureKind FROM metadata") ?? ""
        guard FeatureKind(rawValue: kind) != nil else {
            throw LandmarkStoreError.inconsistent(path: path, detail: "unknown feature kind '\(kind)'")
        }
        var metadata = rows[0].metadata
        if version >= 4 {
            let frames = try FrameRecord.fetchAll(db)
            guard frames.count <= 1 else {
                throw LandmarkStoreError.inconsistent(path: path, detail: "the frame table has \(frames.count) rows, expected at most 1")
            }
            metadata.frame = frames.first?.frame
        }
        return metadata
    }

    // MARK: Integrity

    /// SQLite's integrity check, the exact tables and columns of the file's schema version,
    /// column types and foreign keys. Does not load the map.
    func checkIntegrity() throws {
        let path = self.path, version = schemaVersion
        do {
            // The reference schema: an in-memory database migrated to the file's version.
            let reference = try DatabaseQueue()
            try StoreSchema.makeMigrator().migrate(reference, upTo: StoreSchema.migrationIdentifiers[version - 1])
            let expected: [String: [String]] = try reference.read { db in
                var columns: [String: [String]] = [:]
                for table in StoreSchema.requiredTables(version: version) {
                    columns[table] = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { "\($0["name"] as String) \($0["type"] as String)" }
                }
                return columns
            }
            try queue.read { db in
                let check = try String.fetchAll(db, sql: "PRAGMA integrity_check(20)")
                if check != ["ok"] {
                    throw LandmarkStoreError.corrupt(path: path, detail: check.prefix(5).joined(separator: "; "))
                }
                for (table, columns) in expected.sorted(by: { $0.key < $1.key }) {
                    let actual = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { "\($0["name"] as String) \($0["type"] as String)" }
                    guard actual == columns else {
                        throw LandmarkStoreError.inconsistent(
                            path: path, detail: "table '\(table)' has columns [\(actual.joined(separator: ", "))], expected [\(columns.joined(separator: ", "))]")
                    }
                }
                let foreign = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
                if let first = foreign.first {
                    let table: String = first["table"], rowid: Int64? = first["rowid"], parent: String = first["parent"]
                    throw LandmarkStoreError.inconsistent(
                        path: path, detail: "\(foreign.count) rows reference missing rows, e.g. \(table) row \(rowid.map(String.init) ?? "?") → \(parent)")
                }
                // Column types: REAL columns must hold numbers, BLOB descriptors blobs.
                for (table, columns) in expected {
                    for column in columns {
                        let parts = column.split(separator: " ")
                        let name = parts[0], type = parts.count > 1 ? String(parts[1]) : ""
                        let allowed: String
                        switch type {
                        case "REAL": allowed = "'real', 'integer'"
                        case "INTEGER": allowed = "'integer'"
                        case "TEXT": allowed = "'text', 'null'"
                        case "BLOB": allowed = "'blob'"
                        default: continue
                        }
                        let bad = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE typeof(\(name)) NOT IN (\(allowed))") ?? 0
                        if bad > 0 {
                            throw LandmarkStoreError.inconsistent(path: path, detail: "\(bad) rows of \(table).\(name) are not of type \(type)")
                        }
                    }
                }
                if version >= 4 {
                    func list(_ names: [String]) -> String { names.map { "'\($0)'" }.joined(separator: ", ") }
                    let gravity = list(GravityEstimate.Source.allCases.map(\.rawValue)), scale = list(ScaleEstimate.Source.allCases.map(\.rawValue))
                    let bad = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM frame WHERE gravitySource NOT IN (\(gravity)) OR scaleSource NOT IN (\(scale))") ?? 0
                    if bad > 0 { throw LandmarkStoreError.inconsistent(path: path, detail: "the frame row names an unknown gravity or scale source") }
                }
                for table in version >= 3 ? ["points", "orbPoints"] : ["points"] {
                    let badColors = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE red NOT BETWEEN 0 AND 255 OR green NOT BETWEEN 0 AND 255 OR blue NOT BETWEEN 0 AND 255") ?? 0
                    if badColors > 0 { throw LandmarkStoreError.inconsistent(path: path, detail: "\(badColors) rows of \(table) have colour components outside 0…255") }
                }
            }
        } catch {
            throw StoreErrors.map(error, path: path)
        }
    }
}
