import Foundation
import Features
import Geometry
import Support
@testable import LandmarkMap
import Synthetic

/// Synthetic feature maps with seeded random content, and scratch directories.
enum Fixtures {
    /// See `SyntheticFeatureMap.make`.
    static func map(seed: UInt64 = 1, keyframeCount: Int = 6, pointCount: Int = 40, observationsPerPoint: Int = 3,
                    kind: FeatureKind = .sift, name: String = "synthetic", orbPointCount: Int = 0,
                    anchors: [Anchor] = []) -> FeatureMap {
        SyntheticFeatureMap.make(seed: seed, keyframeCount: keyframeCount, pointCount: pointCount,
                                 observationsPerPoint: observationsPerPoint, kind: kind, name: name,
                                 orbPointCount: orbPointCount, anchors: anchors)
    }

    static func anchor(_ name: String, x: Double = 1) -> Anchor {
        Anchor(name: name, landmarkFromAnchor: Rigid3(rotation: Quaternion(axis: Vec3(0, 1, 0), angle: 0.7),
                                                      translation: Vec3(x, 12.5, -3.25)),
               surfacePoint: Vec3(x, 12.5, -3.25), surfaceNormal: Vec3(0, 1, 0), createdAt: 1_790_000_123.5)
    }

    /// A fresh empty directory under the system's temporary directory.
    static func scratchDirectory() throws -> URL {
        try ScratchDirectory.make("LandmarkMapTests")
    }

    /// The files in `directory`, hidden ones included, sorted.
    static func listing(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }
}
