import Foundation
import Support
import Testing

/// Runs the built `landmark` executable as a subprocess and captures its output.
///
/// The binary is looked up next to the test bundle (the directory of `Bundle.main.bundleURL`
/// or of `CommandLine.arguments[0]`), then in `.build/release` and `.build/debug` under the
/// package root found from `#filePath`.
enum CLI {
    /// One finished run: exit status, stdout and stderr as text.
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var commandLine: String
        /// A one-line description for failure messages.
        var summary: String { "`\(commandLine)` exited \(status)\nstdout: \(stdout.suffix(800))\nstderr: \(stderr.suffix(1500))" }
    }

    /// The package root: three levels above this file (Tests/CLITests/CLIRunner.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `landmark` executable, or nil when none is built.
    static let executable: URL? = {
        var candidates: [URL] = []
        let bundleDir = Bundle.main.bundleURL
        candidates.append(bundleDir.appendingPathComponent("landmark"))
        candidates.append(bundleDir.deletingLastPathComponent().appendingPathComponent("landmark"))
        if let argv0 = CommandLine.arguments.first {
            let dir = URL(fileURLWithPath: argv0).deletingLastPathComponent()
            candidates.append(dir.appendingPathComponent("landmark"))
            candidates.append(dir.deletingLastPathComponent().appendingPathComponent("landmark"))
        }
        for config in ["release", "debug"] {
            candidates.append(packageRoot.appendingPathComponent(".build/\(config)/landmark"))
        }
        var isDirectory: ObjCBool = false
        return candidates.first {
            FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: $0.path)
        }
    }()

    /// Runs `landmark args…` to completion. Output goes through temporary files (no pipe deadlock).
    static func run(_ args: [String]) throws -> Result {
        let exe = try #require(executable, "the landmark executable is not built (looked next to the test bundle and in .build)")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cli-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        for url in [outURL, errURL] {
            try #require(FileManager.default.createFile(atPath: url.path, contents: nil), "cannot create \(url.path)")
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = exe
        process.arguments = args
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                      commandLine: (["landmark"] + args).joined(separator: " "))
    }

    /// Runs and requires exit status 0.
    @discardableResult
    static func ok(_ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let result = try run(args)
        try #require(result.status == 0, "\(result.summary)", sourceLocation: sourceLocation)
        return result
    }

    /// A fresh empty folder under the temporary directory.
    static func scratch(_ label: String) throws -> URL {
        try ScratchDirectory.make("CLITests-\(label)")
    }

    /// Parses a JSON object printed on stdout.
    static func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(300))")
    }

    /// A JSON array of numbers as doubles (JSONSerialization may hand back Int for "0").
    static func doubles(_ value: Any?) -> [Double]? {
        guard let array = value as? [Any] else { return nil }
        let numbers = array.compactMap { element -> Double? in
            if let d = element as? Double { return d }
            if let i = element as? Int { return Double(i) }
            return (element as? NSNumber)?.doubleValue
        }
        return numbers.count == array.count ? numbers : nil
    }
}
