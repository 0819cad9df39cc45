import Foundation

/// Scratch folders for tests and throwaway work: each is a fresh folder under one root per
/// process (`<tmp>/landmark-scratch-<pid>`), and the root is removed when the process
/// exits normally, so a test run leaves nothing behind however its tests end.
public enum ScratchDirectory {
    /// A fresh empty folder named after `label`.
    public static func make(_ label: String) throws -> URL {
        let url = root.appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Created, and registered for removal at exit, on first use.
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("landmark-scratch-\(getpid())", isDirectory: true)
        atexit { try? FileManager.default.removeItem(at: ScratchDirectory.root) }
        return url
    }()
}
