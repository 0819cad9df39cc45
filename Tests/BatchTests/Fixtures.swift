import Foundation
@testable import Batch

/// A fresh temporary folder per test, removed by the caller with `cleanUp()`.
struct Sandbox {
    let url: URL

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("batch-tests-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A folder inside `parent` (removed with it).
    init(inside parent: Sandbox, _ relative: String) throws {
        url = parent.url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ relative: String) -> String { url.appendingPathComponent(relative).path }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    func read(_ relative: String) -> String? {
        try? String(contentsOf: url.appendingPathComponent(relative), encoding: .utf8)
    }

    func manifest(_ yaml: String) throws -> Manifest {
        try Manifest.parse(yaml, baseDirectory: url)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// Options for fast in-process tests: two workers, no progress line.
func testOptions(workers: Int = 2, shard: Shard = .all) -> BatchOptions {
    BatchOptions(workers: workers, shard: shard, showProgress: false)
}

/// The `landmark` binary built next to the test bundle, if any.
var landmarkBinary: String? {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var folder = URL(fileURLWithPath: exe).deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = folder.appendingPathComponent("landmark").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return nil
}

/// A pid that is certainly not running: a child that has exited and been reaped.
func deadPid() throws -> Int {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return Int(process.processIdentifier)
}

/// Runs `landmark` with arguments; returns (status, stdout + stderr).
@discardableResult
func runLandmark(_ binary: String, _ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
