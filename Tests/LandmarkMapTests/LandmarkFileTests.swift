import Foundation
import GRDB
import Testing
@testable import LandmarkMap

/// Read-only opening and the refusal of files that are not (intact) landmark maps.
@Suite struct LandmarkFileTests {
    @Test func readOnlyOpenWorksWithoutWritePermissionAndNeverModifies() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        let map = Fixtures.map(seed: 40)
        try LandmarkStore.write(map, to: url)
        let before = try Data(contentsOf: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: url.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path) }

        let file = try LandmarkFile.openReadOnly(url)
        #expect(try file.readMap() == map)
        #expect(try file.summary().pointCount == map.points.count)
        // The connection refuses writes.
        #expect(throws: DatabaseError.self) {
            try file.queue.inDatabase { db in try db.execute(sql: "DELETE FROM points") }
        }
        #expect(try Data(contentsOf: url) == before)
        #expect(try Fixtures.listing(dir) == ["gate.landmark"])
    }

    @Test func missingFile() throws {
        let url = try Fixtures.scratchDirectory().appendingPathComponent("nope.landmark")
        #expect(throws: LandmarkStoreError.fileNotFound(path: url.path)) { try LandmarkStore.read(from: url) }
    }

    @Test func garbageAndForeignFilesAreRefused() throws {
        let dir = try Fixtures.scratchDirectory()
        let cases: [(String, Data, String)] = [
            ("empty.landmark", Data(), "the file is empty"),
            ("text.landmark", Data("hello, I am not a map\n".utf8), "not an SQLite database"),
            ("png.landmark", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 600)), "not an SQLite database"),
            ("short.landmark", Data("SQLite format 3\u{0}abc".utf8), "truncated"),
        ]
        for (name, bytes, fragment) in cases {
            let url = dir.appendingPathComponent(name)
            try bytes.write(to: url)
            for attempt in [{ _ = try LandmarkStore.read(from: url) }, { _ = try LandmarkStore.validate(url) },
                            { _ = try LandmarkStore.readMetadata(from: url) }] {
                let error = #expect(throws: LandmarkStoreError.self) { try attempt() }
                #expect(error?.description.contains(fragment) == true, "\(name): \(String(describing: error))")
                #expect(error?.description.contains(url.path) == true)
            }
        }
        // Another application's SQLite database.
        let other = dir.appendingPathComponent("other.sqlite")
        let queue = try DatabaseQueue(path: other.path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
        try queue.close()
        let error = #expect(throws: LandmarkStoreError.self) { try LandmarkStore.read(from: other) }
        #expect(error?.description.contains("another application") == true)
    }

    @Test func truncatedFileIsReportedCorrupt() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        try LandmarkStore.write(Fixtures.map(seed: 41, pointCount: 400, observationsPerPoint: 4), to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        let error = #expect(throws: LandmarkStoreError.self) { try LandmarkStore.validate(url) }
        guard case .corrupt(let path, _) = error else {
            Issue.record("expected .corrupt, got \(String(describing: error))"); return
        }
        #expect(path == url.path)
        #expect(throws: LandmarkStoreError.self) { try LandmarkStore.read(from: url) }
    }

    @Test func damagedPagesAreReportedCorrupt() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        try LandmarkStore.write(Fixtures.map(seed: 42, pointCount: 400, observationsPerPoint: 4), to: url)
        var bytes = try Data(contentsOf: url)
        // Scribble over the middle of the file (b-tree pages of the observations).
        let start = bytes.count / 3
        for i in start..<(start + 8192) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try bytes.write(to: url)
        let error = #expect(throws: LandmarkStoreError.self) { try LandmarkStore.validate(url) }
        #expect(error.map { if case .corrupt = $0 { true } else { false } } == true, "\(String(describing: error))")
    }

    @Test func missingTableAndInconsistentRowsAreNamed() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        try LandmarkStore.write(Fixtures.map(seed: 43), to: url)
        func tamper(_ sql: String) throws {
            let queue = try DatabaseQueue(path: url.path, configuration: { var c = Configuration(); c.foreignKeysEnabled = false; return c }())
            try queue.write { db in try db.execute(sql: sql) }
            try queue.close()
        }
        try tamper("DELETE FROM keyframes WHERE id = 1")
        let dangling = #expect(throws: LandmarkStoreError.self) { try LandmarkStore.validate(url) }
        #expect(dangling.map { if case .inconsistent = $0 { true } else { false } } == true, "\(String(describing: dangling))")
        #expect(throws: LandmarkStoreError.self) { try LandmarkStore.read(from: url) }

        try LandmarkStore.write(Fixtures.map(seed: 43), to: url)
        try tamper("UPDATE observations SET descriptor = x'0102' WHERE id = 5")
        let short = #expect(throws: LandmarkStoreError.self) { try LandmarkStore.read(from: url) }
        #expect(short?.description.contains("2-byte descriptor") == true)

        try LandmarkStore.write(Fixtures.map(seed: 43), to: url)
        try tamper("UPDATE points SET x = 'abc' WHERE id = 3")
        let typed = #expect(throws: LandmarkStoreError.self) { try LandmarkStore.validate(url) }
        #expect(typed?.description.contains("points.x") == true, "\(String(describing: typed))")

        try LandmarkStore.write(Fixtures.map(seed: 43), to: url)
        try tamper("DROP TABLE observations")
        #expect(throws: LandmarkStoreError.missingTable(path: url.path, table: "observations")) {
            try LandmarkStore.read(from: url)
        }
    }
}
