import Foundation

// The one way the package replaces a file. Whatever stops the process (an error, SIGKILL,
// power loss), the target path then holds either the old file or the new one, complete:
//
// 1. write a temporary file in the target's folder (same file system, so 3. is atomic);
// 2. fsync it, so its bytes reach the disk before its name does;
// 3. rename(2) it over the target: readers see the old inode or the new one, never neither;
// 4. fsync the folder, so the rename itself survives a power loss.
//
// The old file is never deleted first: a crash between a delete and a move would leave none.

/// Why an atomic replacement failed. The target is unchanged unless the error says otherwise.
public enum AtomicReplaceError: LocalizedError, CustomStringConvertible, Equatable, Sendable {
    /// The temporary file beside `path` could not be written.
    case cannotWriteTemporary(path: String, reason: String)
    /// fsync of a file or folder failed (a full or failing disk).
    case cannotSync(path: String, reason: String)
    /// The new file could not be renamed over `path`.
    case cannotRename(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWriteTemporary(let path, let reason): "cannot write a temporary file beside '\(path)': \(reason)"
        case .cannotSync(let path, let reason): "cannot sync '\(path)' to disk: \(reason)"
        case .cannotRename(let path, let reason): "cannot move the new file into place at '\(path)': \(reason)"
        }
    }

    /// The same sentence, for callers that report `localizedDescription`.
    public var errorDescription: String? { description }
}

/// Replaces (or creates) the file at `url` with `data`, atomically and durably: a temporary
/// file in the same folder, fsync, rename over `url`, fsync the folder.
/// - Throws: `AtomicReplaceError`; the file at `url` is then unchanged and no temporary is left.
public func atomicReplace(_ data: Data, at url: URL) throws {
    try atomicReplace([(data, url)])
}

/// Replaces several files: every temporary is written and synced before the first rename, so
/// a failure while writing changes none of them.
/// - Throws: `AtomicReplaceError`. A failing rename (rare: the folder vanished) leaves the
///   files renamed before it replaced and the others unchanged.
public func atomicReplace(_ files: [(data: Data, url: URL)]) throws {
    try replaceFiles(files.map(\.url), after: { _ in true }) { temporaries in
        for (temporary, file) in zip(temporaries, files) { try writeNewFile(file.data, at: temporary, for: file.url) }
    }
}

/// Replaces the file at `url` with one that `write` creates at the temporary path it is given
/// (for writers that need a path: SQLite, large streamed files). `write` may also check the
/// file before it is committed; if it throws, `url` is unchanged and the temporary removed.
/// Side files `write` creates next to the temporary (e.g. SQLite's `-journal`) are its own to remove.
/// - Returns: what `write` returns.
public func atomicReplace<Result>(at url: URL, writing write: (_ temporary: URL) throws -> Result) throws -> Result {
    var result: Result?
    try replaceFiles([url], after: { _ in true }) { temporaries in result = try write(temporaries[0]) }
    return result!
}

/// Commits a temporary file that is already complete (e.g. written by a child process): fsync
/// it, rename it over `url`, fsync the folder. `temporary` must be in `url`'s folder (a rename
/// across file systems fails with EXDEV).
/// - Throws: `AtomicReplaceError`; `url` is then unchanged and `temporary` left for the caller.
public func commitReplacement(of url: URL, with temporary: URL) throws {
    try syncFile(temporary.path)
    try renameAndSyncFolder(temporary, over: url)
}

/// The steps of a replacement, for tests that stop a writer between them as a crash would.
enum AtomicReplaceStage: Sendable, Equatable {
    case temporariesWritten, temporariesSynced, renamed
}

/// Writes temporaries (through `write`), syncs them, renames them and syncs their folders.
/// `after` is called after each stage; returning false stops right there without any
/// clean-up, as a killed process would (the test seam for crash safety).
func replaceFiles(_ targets: [URL], after: (AtomicReplaceStage) -> Bool,
                  write: (_ temporaries: [URL]) throws -> Void) throws {
    let temporaries = targets.map(temporaryURL(beside:))
    var committed = false
    defer { if !committed { for temporary in temporaries { unlink(temporary.path) } } }
    try write(temporaries)
    guard after(.temporariesWritten) else { committed = true; return }
    for temporary in temporaries { try syncFile(temporary.path) }
    guard after(.temporariesSynced) else { committed = true; return }
    var folders: [String] = []
    for (temporary, target) in zip(temporaries, targets) {
        try renameFile(temporary, over: target)
        let folder = target.deletingLastPathComponent().path
        if !folders.contains(folder) { folders.append(folder) }
    }
    committed = true
    guard after(.renamed) else { return }
    for folder in folders { syncFolder(folder) }
}

/// `.<name>.tmp-<uuid>` in `url`'s folder: hidden, and unique per writer, so two writers of one
/// target never share a temporary (the last rename wins, each file whole).
func temporaryURL(beside url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
}

/// Creates `temporary` (it must not exist) holding `data`; errors name `target`, the file the
/// caller asked for, and the system's reason (e.g. "No such file or directory").
private func writeNewFile(_ data: Data, at temporary: URL, for target: URL) throws {
    func failure() -> AtomicReplaceError {
        .cannotWriteTemporary(path: target.path, reason: String(cString: strerror(errno)))
    }
    let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o666)  // the umask applies
    guard descriptor >= 0 else { throw failure() }
    defer { close(descriptor) }
    try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 { if errno == EINTR { continue }; throw failure() }
            offset += written
        }
    }
}

private func renameAndSyncFolder(_ temporary: URL, over target: URL) throws {
    try renameFile(temporary, over: target)
    syncFolder(target.deletingLastPathComponent().path)
}

private func renameFile(_ temporary: URL, over target: URL) throws {
    guard rename(temporary.path, target.path) == 0 else {
        throw AtomicReplaceError.cannotRename(path: target.path, reason: String(cString: strerror(errno)))
    }
}

/// Makes a rename durable. Best effort: the rename has happened, and some file systems
/// refuse fsync on a folder (EINVAL), which must not turn a finished replacement into an error.
private func syncFolder(_ path: String) {
    try? syncFile(path)
}

/// fsync of a file, or of a folder opened read-only.
private func syncFile(_ path: String) throws {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw AtomicReplaceError.cannotSync(path: path, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    guard fsync(descriptor) == 0 else { throw AtomicReplaceError.cannotSync(path: path, reason: String(cString: strerror(errno))) }
}
