import Foundation
import Support

/// Locates `../shared/data` relative to the package root (two levels above this file's
/// folder), or nil when it is absent (tests then skip with a message).
enum TestData {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let root: URL? = {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()
    static func url(_ relative: String) -> URL? {
        guard let root else { return nil }
        let url = root.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
    /// A fresh folder, removed when the test process exits (Support.ScratchDirectory).
    static func temporaryDirectory() throws -> URL { try ScratchDirectory.make("landmark-asset-tests") }
}
