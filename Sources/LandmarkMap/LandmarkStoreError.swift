/// Why a `.landmark` file could not be read, validated or written. Every case names the
/// file (its path as given) and the problem, so the CLI prints it as is and the server maps
/// it to a status (`notALandmarkFile`, `newerSchema`, `corrupt`, `missingTable`,
/// `inconsistent`, `invalidMap`, `invalidAnchor` → 422; `fileNotFound`, `anchorNotFound`
/// → 404; `anchorExists` → 409; `writeFailed`, `database` → 500).
public enum LandmarkStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file at the path (or it is a directory).
    case fileNotFound(path: String)
    /// The file is not an SQLite database, or one that is not a landmark map.
    case notALandmarkFile(path: String, reason: String)
    /// The file was written by a newer LandmarkAR: its schema version or migrations are unknown here.
    case newerSchema(path: String, fileVersion: Int, supportedVersion: Int, unknownMigrations: [String])
    /// SQLite reports damage (failed integrity check, malformed pages, truncation).
    case corrupt(path: String, detail: String)
    /// A table the file's schema version requires is absent.
    case missingTable(path: String, table: String)
    /// The rows contradict each other: a dangling reference, a duplicate, a descriptor of
    /// the wrong length, a non-finite value.
    case inconsistent(path: String, detail: String)
    /// The in-memory map handed to `write` is invalid; nothing was written.
    case invalidMap(detail: String)
    /// An anchor handed to `addAnchor` is invalid (name, non-finite pose or plane).
    case invalidAnchor(name: String, reason: String)
    case anchorExists(path: String, name: String)
    case anchorNotFound(path: String, name: String)
    /// Writing failed (disk full, permissions, a directory that does not exist); any
    /// previous file at the path is intact and no temporary file is left.
    case writeFailed(path: String, reason: String)
    /// An unexpected SQLite error.
    case database(path: String, message: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "\(path): no such landmark file"
        case .notALandmarkFile(let path, let reason):
            "\(path): not a landmark map (\(reason))"
        case .newerSchema(let path, let version, let supported, let unknown):
            "\(path): written by a newer LandmarkAR (schema version \(version), this build reads up to \(supported)"
                + (unknown.isEmpty ? "" : "; unknown migrations: \(unknown.joined(separator: ", "))") + "); upgrade landmark"
        case .corrupt(let path, let detail):
            "\(path): the landmark file is corrupt (\(detail))"
        case .missingTable(let path, let table):
            "\(path): the landmark file has no '\(table)' table"
        case .inconsistent(let path, let detail):
            "\(path): inconsistent landmark file: \(detail)"
        case .invalidMap(let detail):
            "invalid feature map, nothing written: \(detail)"
        case .invalidAnchor(let name, let reason):
            "anchor '\(name)': \(reason)"
        case .anchorExists(let path, let name):
            "\(path): an anchor named '\(name)' already exists (remove it first or choose another name)"
        case .anchorNotFound(let path, let name):
            "\(path): no anchor named '\(name)'"
        case .writeFailed(let path, let reason):
            "\(path): could not write the landmark file (\(reason)); any previous file is unchanged"
        case .database(let path, let message):
            "\(path): SQLite error: \(message)"
        }
    }
}
