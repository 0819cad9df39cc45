import Foundation
import Support

/// The real data the tests and benchmarks may use: `../shared/data` beside the package's
/// checkout (photos, meshes, characters, mocap). Never copied into the repository; tests
/// that need it are skipped when it is absent (`.enabled(if: SharedData.has("…"))`).
public enum SharedData {
    /// The package's root folder (this file is Sources/Synthetic/SharedData.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared/data`, or nil when it is absent.
    public static let root: URL? = {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()
    /// The file or folder at `relative` under `root`, or nil when it (or the root) is absent.
    public static func url(_ relative: String) -> URL? {
        guard let root else { return nil }
        let url = root.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
    /// Whether `relative` exists under `../shared/data`.
    public static func has(_ relative: String) -> Bool { url(relative) != nil }
    /// A fresh scratch folder, removed when the process exits.
    public static func temporaryDirectory() throws -> URL { try ScratchDirectory.make("landmark-tests") }
}
