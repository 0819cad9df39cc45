import GRDB

/// The `.landmark` schema as named migrations. A migration is frozen once it has shipped
/// (merged to main): never edit one, append a new one. Migrations use SQL text only, never
/// app types, so they mean the same thing forever. Each runs in its own transaction and sets
/// `PRAGMA user_version` to its schema version, so the version is readable without GRDB.
enum StoreSchema {
    /// `PRAGMA application_id` of every landmark file: "LMRK" in ASCII.
    static let applicationID: Int32 = 0x4C4D_524B

    /// Migration identifiers in order; index + 1 is the schema version each one produces.
    static let migrationIdentifiers = ["v1-core", "v2-anchors", "v3-orb-layer", "v4-frame"]
    static var version: Int { migrationIdentifiers.count }

    /// Tables each schema version must have.
    static func requiredTables(version: Int) -> [String] {
        var tables = ["metadata", "cameras", "keyframes", "points", "observations"]
        if version >= 2 { tables.append("anchors") }
        if version >= 3 { tables += ["orbPoints", "orbObservations"] }
        if version >= 4 { tables.append("frame") }
        return tables
    }

    static func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()

        // v1 (frozen): the feature map. Poses as 7 REAL columns (quaternion w,x,y,z then
        // translation), colours as 3 INTEGER columns, descriptors as BLOBs.
        migrator.registerMigration("v1-core") { db in
            try db.execute(sql: """
                PRAGMA application_id = 1280135755;
                CREATE TABLE metadata (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    name TEXT NOT NULL,
                    featureKind TEXT NOT NULL,
                    isMetric INTEGER NOT NULL,
                    alignment TEXT,
                    createdAt REAL NOT NULL,
                    generator TEXT NOT NULL
                );
                CREATE TABLE cameras (
                    id INTEGER PRIMARY KEY,
                    width INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    fx REAL NOT NULL, fy REAL NOT NULL, cx REAL NOT NULL, cy REAL NOT NULL,
                    k1 REAL NOT NULL, k2 REAL NOT NULL, p1 REAL NOT NULL, p2 REAL NOT NULL
                );
                CREATE TABLE keyframes (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    cameraId INTEGER NOT NULL REFERENCES cameras(id),
                    qw REAL NOT NULL, qx REAL NOT NULL, qy REAL NOT NULL, qz REAL NOT NULL,
                    tx REAL NOT NULL, ty REAL NOT NULL, tz REAL NOT NULL
                );
                CREATE INDEX keyframes_cameraId ON keyframes(cameraId);
                CREATE TABLE points (
                    id INTEGER PRIMARY KEY,
                    x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL,
                    red INTEGER NOT NULL, green INTEGER NOT NULL, blue INTEGER NOT NULL,
                    error REAL NOT NULL
                );
                CREATE TABLE observations (
                    id INTEGER PRIMARY KEY,
                    pointId INTEGER NOT NULL REFERENCES points(id) ON DELETE CASCADE,
                    keyframeId INTEGER NOT NULL REFERENCES keyframes(id) ON DELETE CASCADE,
                    keypointIndex INTEGER NOT NULL,
                    x REAL NOT NULL, y REAL NOT NULL,
                    size REAL NOT NULL, angle REAL NOT NULL,
                    descriptor BLOB NOT NULL
                );
                CREATE UNIQUE INDEX observations_keyframe_keypoint ON observations(keyframeId, keypointIndex);
                CREATE INDEX observations_pointId ON observations(pointId);
                PRAGMA user_version = 1;
                """)
        }

        // v2 (frozen): anchors (issue 7). Pose as 7 REAL columns (landmark_from_anchor),
        // the supporting plane as a point and a unit normal.
        migrator.registerMigration("v2-anchors") { db in
            try db.execute(sql: """
                CREATE TABLE anchors (
                    name TEXT PRIMARY KEY NOT NULL,
                    qw REAL NOT NULL, qx REAL NOT NULL, qy REAL NOT NULL, qz REAL NOT NULL,
                    tx REAL NOT NULL, ty REAL NOT NULL, tz REAL NOT NULL,
                    planeX REAL NOT NULL, planeY REAL NOT NULL, planeZ REAL NOT NULL,
                    normalX REAL NOT NULL, normalY REAL NOT NULL, normalZ REAL NOT NULL,
                    createdAt REAL NOT NULL
                );
                PRAGMA user_version = 2;
                """)
        }

        // v3 (frozen): the ORB query layer (issue 3). The same columns as points and
        // observations, plus each ORB observation's gray patch (Observation.patch);
        // keypointIndex counts in the keyframe's ORB keypoints.
        migrator.registerMigration("v3-orb-layer") { db in
            try db.execute(sql: """
                CREATE TABLE orbPoints (
                    id INTEGER PRIMARY KEY,
                    x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL,
                    red INTEGER NOT NULL, green INTEGER NOT NULL, blue INTEGER NOT NULL,
                    error REAL NOT NULL
                );
                CREATE TABLE orbObservations (
                    id INTEGER PRIMARY KEY,
                    pointId INTEGER NOT NULL REFERENCES orbPoints(id) ON DELETE CASCADE,
                    keyframeId INTEGER NOT NULL REFERENCES keyframes(id) ON DELETE CASCADE,
                    keypointIndex INTEGER NOT NULL,
                    x REAL NOT NULL, y REAL NOT NULL,
                    size REAL NOT NULL, angle REAL NOT NULL,
                    descriptor BLOB NOT NULL,
                    patch BLOB NOT NULL
                );
                CREATE UNIQUE INDEX orbObservations_keyframe_keypoint ON orbObservations(keyframeId, keypointIndex);
                CREATE INDEX orbObservations_pointId ON orbObservations(pointId);
                PRAGMA user_version = 3;
                """)
        }

        // v4 (frozen): how the frame's up and scale were found (issue 23), at most one row.
        // No row: not recorded (a file from before v4 upgraded in place, or an import).
        // Sources are 'priors' | 'camera-up' | 'none' | 'unknown' (gravity) and 'priors' |
        // 'measured-distance' | 'none' | 'unknown' (scale); 0 in a number means unknown.
        migrator.registerMigration("v4-frame") { db in
            try db.execute(sql: """
                CREATE TABLE frame (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    gravitySource TEXT NOT NULL,
                    gravityCameras INTEGER NOT NULL,
                    gravitySpreadDegrees REAL NOT NULL,
                    gravityUncertaintyDegrees REAL NOT NULL,
                    scaleSource TEXT NOT NULL,
                    scaleRelativeUncertainty REAL NOT NULL,
                    scaleDetail TEXT
                );
                PRAGMA user_version = 4;
                """)
        }
        return migrator
    }
}
