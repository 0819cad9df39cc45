import Anchoring
import AssetPipeline
import Foundation
import LandmarkMap
import Rendering

/// Helpers shared by `preview` and `demo`.
enum PreviewSupport {
    /// The landmark's mesh when given, else its points as small squares.
    static func occluder(map: FeatureMap, meshPath: String?) throws -> PreviewOccluder {
        if let meshPath {
            let mesh = try AssetLoader.worldMesh(try AssetLoader.load(URL(fileURLWithPath: meshPath)))
            return .mesh(Rendering.Mesh(positions: mesh.positions, indices: mesh.indices))
        }
        return .points(map.points.map(\.position), radiusPixels: 3)
    }
}
