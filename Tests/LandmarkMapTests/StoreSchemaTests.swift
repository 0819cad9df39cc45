import Foundation
import GRDB
import Testing
@testable import LandmarkMap

@Suite struct StoreSchemaTests {
    @Test func migratesAnEmptyDatabase() throws {
        for onDisk in [false, true] {
            let queue = onDisk
                ? try DatabaseQueue(path: try Fixtures.scratchDirectory().appendingPathComponent("m.sqlite").path)
                : try DatabaseQueue()
            try StoreSchema.makeMigrator().migrate(queue)
            try queue.read { (db: Database) throws -> Void in
                for table in StoreSchema.requiredTables(version: StoreSchema.version) {
                    #expect(try db.tableExists(table), "\(table)")
                }
                #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == StoreSchema.version)
                #expect(try Int32.fetchOne(db, sql: "PRAGMA application_id") == StoreSchema.applicationID)
                #expect(try StoreSchema.makeMigrator().appliedMigrations(db) == StoreSchema.migrationIdentifiers)
            }
        }
    }

    /// A version 1 file (before anchors) is read as is, then upgraded in place by addAnchor.
    @Test func upgradesAVersion1File() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("old.landmark")
        let map = Fixtures.map(seed: 30)
        // Build a v1 file: the current writer, minus migration 2.
        do {
            let queue = try DatabaseQueue(path: url.path)
            try StoreSchema.makeMigrator().migrate(queue, upTo: "v1-core")
            try queue.write { db in
                try MetadataRecord(metadata: map.metadata).insert(db)
                for c in map.cameras { try CameraRecord(camera: c).insert(db) }
                for k in map.keyframes { try KeyframeRecord(keyframe: k).insert(db) }
                for p in map.points {
                    try PointRecord(p).insert(db)
                    for o in p.observations { try ObservationRecord(pointID: p.id, observation: o).insert(db) }
                }
            }
            try queue.close()
        }
        #expect(try LandmarkStore.readMetadata(from: url).schemaVersion == 1)
        #expect(try LandmarkStore.read(from: url) == map)
        #expect(try LandmarkStore.anchors(in: url).isEmpty)
        try LandmarkStore.validate(url)

        try LandmarkStore.addAnchor(Fixtures.anchor("roof"), to: url)
        #expect(try LandmarkStore.readMetadata(from: url).schemaVersion == LandmarkStore.schemaVersion)
        var expected = map
        expected.anchors = [Fixtures.anchor("roof")]
        #expect(try LandmarkStore.read(from: url) == expected)
        try LandmarkStore.validate(url)
    }

    /// As GRDB's testMigrationFailureTriggersRollback: a failing migration leaves no trace
    /// and the data written before it is intact.
    @Test func failingMigrationRollsBack() throws {
        struct Boom: Error {}
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        let map = Fixtures.map(seed: 31)
        try LandmarkStore.write(map, to: url)

        var migrator = StoreSchema.makeMigrator()
        let next = StoreSchema.version + 1
        migrator.registerMigration("v\(next)-failing") { db in
            try db.execute(sql: "CREATE TABLE extra (id INTEGER PRIMARY KEY); PRAGMA user_version = \(next); DELETE FROM observations")
            throw Boom()
        }
        let queue = try DatabaseQueue(path: url.path)
        #expect(throws: Boom.self) { try migrator.migrate(queue) }
        try queue.read { (db: Database) throws -> Void in
            #expect(try !db.tableExists("extra"))
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == StoreSchema.version)
            #expect(try migrator.appliedMigrations(db) == StoreSchema.migrationIdentifiers)
        }
        try queue.close()
        #expect(try LandmarkStore.read(from: url) == map)
        try LandmarkStore.validate(url)
    }

    /// A file a newer build migrated further is refused with the unknown migration named.
    @Test func newerSchemaIsRefused() throws {
        let url = try Fixtures.scratchDirectory().appendingPathComponent("future.landmark")
        try LandmarkStore.write(Fixtures.map(), to: url)
        var migrator = StoreSchema.makeMigrator()
        let next = StoreSchema.version + 1
        migrator.registerMigration("v\(next)-future") { db in
            try db.execute(sql: "CREATE TABLE future (id INTEGER PRIMARY KEY); PRAGMA user_version = \(next)")
        }
        let queue = try DatabaseQueue(path: url.path)
        try migrator.migrate(queue)
        try queue.close()
        let expected = LandmarkStoreError.newerSchema(path: url.path, fileVersion: next, supportedVersion: StoreSchema.version,
                                                     unknownMigrations: ["v\(next)-future"])
        #expect(throws: expected) { try LandmarkStore.read(from: url) }
        #expect(throws: expected) { try LandmarkStore.addAnchor(Fixtures.anchor("roof"), to: url) }
    }

    /// A version 3 file (before the frame table) opens, records no frame provenance and reports
    /// gravity and scale "none" (not metric) or "unknown" (marked metric); upgraded in place by
    /// addAnchor, it still reports the same.
    @Test func aVersion3FileReportsNoFrameProvenance() throws {
        let dir = try Fixtures.scratchDirectory()
        for metric in [false, true] {
            let url = dir.appendingPathComponent("v3-\(metric).landmark")
            var map = Fixtures.map(seed: 32, orbPointCount: 3)
            map.metadata.isMetric = metric
            do {
                let queue = try DatabaseQueue(path: url.path)
                try StoreSchema.makeMigrator().migrate(queue, upTo: "v3-orb-layer")
                try queue.write { db in
                    try MetadataRecord(metadata: map.metadata).insert(db)
                    for c in map.cameras { try CameraRecord(camera: c).insert(db) }
                    for k in map.keyframes { try KeyframeRecord(keyframe: k).insert(db) }
                    for p in map.points {
                        try PointRecord(p).insert(db)
                        for o in p.observations { try ObservationRecord(pointID: p.id, observation: o).insert(db) }
                    }
                }
                try queue.close()
            }
            var expected = map
            expected.orbPoints = []
            let summary = try LandmarkStore.readMetadata(from: url)
            #expect(summary.schemaVersion == 3 && summary.metadata.frame == nil)
            let resolved = summary.metadata.resolvedFrame
            #expect(resolved.gravity.source == (metric ? .unknown : GravityEstimate.Source.none))
            #expect(resolved.scale.source == (metric ? .unknown : ScaleEstimate.Source.none))
            #expect(summary.metadata.isGravityAligned == metric)
            #expect(try LandmarkStore.read(from: url) == expected)
            try LandmarkStore.validate(url)

            try LandmarkStore.addAnchor(Fixtures.anchor("roof"), to: url)
            let upgraded = try LandmarkStore.readMetadata(from: url)
            #expect(upgraded.schemaVersion == LandmarkStore.schemaVersion && upgraded.metadata.frame == nil)
            #expect(upgraded.metadata.resolvedFrame == resolved)
            try LandmarkStore.validate(url)
        }
    }

    /// The frame provenance round-trips exactly; an invalid one is refused before writing.
    @Test func frameProvenanceRoundTrips() throws {
        let url = try Fixtures.scratchDirectory().appendingPathComponent("frame.landmark")
        var map = Fixtures.map(seed: 33)
        map.metadata.frame = FrameProvenance(
            gravity: GravityEstimate(source: .cameraUp, cameraCount: 38, spreadDegrees: 31.25, uncertaintyDegrees: 0.0123),
            scale: ScaleEstimate(source: .measuredDistance, relativeUncertainty: 0.0021, detail: "0001.png (1, 2) – 0002.png (3, 4): 1.5 map units = 2 m"))
        try LandmarkStore.write(map, to: url)
        #expect(try LandmarkStore.read(from: url) == map)
        #expect(try LandmarkStore.readMetadata(from: url).metadata.frame == map.metadata.frame)
        try LandmarkStore.validate(url)

        map.metadata.frame?.gravity.spreadDegrees = .nan
        #expect(throws: LandmarkStoreError.self) { try LandmarkStore.write(map, to: url.deletingLastPathComponent().appendingPathComponent("bad.landmark")) }
    }
}
