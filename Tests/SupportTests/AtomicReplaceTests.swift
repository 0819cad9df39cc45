import Foundation
import Testing
@testable import Support

/// `atomicReplace` leaves the old file or the new one, complete, whatever stops it: an error,
/// or a crash between any two of its steps (simulated by stopping there without clean-up, as
/// a killed process would).
@Suite struct AtomicReplaceTests {
    let old = Data("old contents, longer than the new ones\n".utf8)
    let new = Data("new contents\n".utf8)

    /// The visible (non-temporary) files of `folder`.
    func visibleFiles(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    func temporaries(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
    }

    @Test func replacesTheFileAndLeavesNoTemporary() throws {
        let folder = try ScratchDirectory.make("atomic-replace")
        let target = folder.appendingPathComponent("out.bin")
        try atomicReplace(old, at: target)
        #expect(try Data(contentsOf: target) == old)
        try atomicReplace(new, at: target)
        #expect(try Data(contentsOf: target) == new)
        #expect(try temporaries(folder).isEmpty)
    }

    @Test func aCrashBeforeTheRenameLeavesTheOldFile() throws {
        for stage in [AtomicReplaceStage.temporariesWritten, .temporariesSynced] {
            let folder = try ScratchDirectory.make("atomic-crash")
            let target = folder.appendingPathComponent("out.bin")
            try atomicReplace(old, at: target)
            try replaceFiles([target], after: { $0 != stage }) { temporaries in
                try new.write(to: temporaries[0])
            }
            #expect(try Data(contentsOf: target) == old, "stopped after \(stage)")
            // The crashed writer's temporary is left, as after a real crash; the next write still works.
            #expect(try temporaries(folder).count == 1)
            try atomicReplace(new, at: target)
            #expect(try Data(contentsOf: target) == new)
        }
    }

    @Test func aCrashAfterTheRenameLeavesTheNewFile() throws {
        let folder = try ScratchDirectory.make("atomic-crash")
        let target = folder.appendingPathComponent("out.bin")
        try atomicReplace(old, at: target)
        try replaceFiles([target], after: { $0 != .renamed }) { temporaries in try new.write(to: temporaries[0]) }
        #expect(try Data(contentsOf: target) == new)
        #expect(try temporaries(folder).isEmpty)
    }

    @Test func aFailingWriterLeavesTheOldFileAndNoTemporary() throws {
        struct WriterFailed: Error {}
        let folder = try ScratchDirectory.make("atomic-fail")
        let target = folder.appendingPathComponent("map.sqlite")
        try atomicReplace(old, at: target)
        #expect(throws: WriterFailed.self) {
            try atomicReplace(at: target) { temporary in
                try Data(new.prefix(4)).write(to: temporary)  // half written, then the writer gives up
                throw WriterFailed()
            }
        }
        #expect(try Data(contentsOf: target) == old)
        #expect(try visibleFiles(folder) == ["map.sqlite"])
        #expect(try temporaries(folder).isEmpty)
    }

    @Test func aMissingFolderIsNamedInTheError() throws {
        let folder = try ScratchDirectory.make("atomic-missing")
        let target = folder.appendingPathComponent("no-such-folder/out.bin")
        #expect(throws: AtomicReplaceError.cannotWriteTemporary(path: target.path, reason: "No such file or directory")) {
            try atomicReplace(new, at: target)
        }
    }

    @Test func severalFilesAreAllWrittenBeforeAnyIsReplaced() throws {
        let folder = try ScratchDirectory.make("atomic-group")
        let first = folder.appendingPathComponent("a.glb"), second = folder.appendingPathComponent("b.glb")
        try atomicReplace([(old, first), (old, second)])
        // The second file's folder is gone: its temporary cannot be written, so neither file changes.
        let missing = folder.appendingPathComponent("gone/b.glb")
        #expect(throws: AtomicReplaceError.self) { try atomicReplace([(new, first), (new, missing)]) }
        #expect(try Data(contentsOf: first) == old)
        #expect(try temporaries(folder).isEmpty)
        try atomicReplace([(new, first), (new, second)])
        #expect(try Data(contentsOf: first) == new && Data(contentsOf: second) == new)
    }

    @Test func aCommittedTemporaryReplacesTheTarget() throws {
        let folder = try ScratchDirectory.make("atomic-commit")
        let target = folder.appendingPathComponent("job.glb"), temporary = folder.appendingPathComponent(".job.glb.tmp-x")
        try old.write(to: target)
        try new.write(to: temporary)
        try commitReplacement(of: target, with: temporary)
        #expect(try Data(contentsOf: target) == new)
        #expect(!FileManager.default.fileExists(atPath: temporary.path))
    }
}
