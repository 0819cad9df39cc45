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
        migrator.registerMigration("v4-failing") { db in
            try db.execute(sql: "CREATE TABLE extra (id INTEGER PRIMARY KEY); PRAGMA user_version = 4; DELETE FROM observations")
            throw Boom()
        }
        let queue = try DatabaseQueue(path: url.path)
        #expect(throws: Boom.self) { try migrator.migrate(queue) }
        try queue.read { (db: Database) throws -> Void in
            #expect(try !db.tableExists("extra"))
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == 3)
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
        migrator.registerMigration("v4-future") { db in
            try db.execute(sql: "CREATE TABLE future (id INTEGER PRIMARY KEY); PRAGMA user_version = 4")
        }
        let queue = try DatabaseQueue(path: url.path)
        try migrator.migrate(queue)
        try queue.close()
        let expected = LandmarkStoreError.newerSchema(path: url.path, fileVersion: 4, supportedVersion: 3,
                                                     unknownMigrations: ["v4-future"])
        #expect(throws: expected) { try LandmarkStore.read(from: url) }
        #expect(throws: expected) { try LandmarkStore.addAnchor(Fixtures.anchor("roof"), to: url) }
    }
}
