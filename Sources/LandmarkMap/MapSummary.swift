/// What `landmark info` and the server's landmark listing show, read cheaply (counts by
/// SQL, no observation rows loaded).
public struct MapSummary: Sendable, Equatable, Codable {
    /// The file's path as given.
    public var path: String
    public var fileSizeBytes: Int64
    /// The file's schema version (`PRAGMA user_version`), ≤ `LandmarkStore.schemaVersion`.
    public var schemaVersion: Int
    public var metadata: MapMetadata
    public var cameraCount: Int
    public var keyframeCount: Int
    public var pointCount: Int
    public var observationCount: Int
    /// Observations that carry a descriptor; localization needs them.
    public var descriptorCount: Int
    /// Anchor names in name order (empty for schema version 1 files).
    public var anchorNames: [String]
    /// Points of the ORB query layer (0 when the map has none).
    public var orbPointCount = 0

    public init(path: String, fileSizeBytes: Int64, schemaVersion: Int, metadata: MapMetadata,
                cameraCount: Int, keyframeCount: Int, pointCount: Int, observationCount: Int,
                descriptorCount: Int, anchorNames: [String]) {
        self.path = path; self.fileSizeBytes = fileSizeBytes; self.schemaVersion = schemaVersion
        self.metadata = metadata; self.cameraCount = cameraCount; self.keyframeCount = keyframeCount
        self.pointCount = pointCount; self.observationCount = observationCount
        self.descriptorCount = descriptorCount; self.anchorNames = anchorNames
    }
}
