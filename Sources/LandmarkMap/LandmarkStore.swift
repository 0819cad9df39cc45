import Foundation

/// Reads and writes `.landmark` files (one SQLite database per landmark).
/// STUB: the storage engineer replaces this file with the GRDB implementation; the
/// signatures below are the contract other modules code against.
public enum LandmarkStore {
    /// Writes `map` to `url` in one transaction into a temporary file, then renames it over
    /// `url`, so a failed or interrupted write never leaves a partial map (nor destroys an
    /// existing one).
    public static func write(_ map: FeatureMap, to url: URL) throws {
        throw LandmarkStoreError.notImplemented
    }
    /// Reads a whole map, validating it. Opens the file read-only.
    public static func read(from url: URL) throws -> FeatureMap {
        throw LandmarkStoreError.notImplemented
    }
}

public enum LandmarkStoreError: Error, CustomStringConvertible {
    case notImplemented
    public var description: String { "the landmark store is not implemented yet" }
}
