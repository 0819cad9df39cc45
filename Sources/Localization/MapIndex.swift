import Foundation
import Geometry
import LandmarkMap
import Reconstruction

/// A map held in memory for queries: every observation's descriptor in one approximate
/// nearest-neighbour index (FLANN randomized kd-trees for SIFT, LSH for ORB), each row
/// pointing at its 3D point. One descriptor per observation (not one per point) keeps the
/// viewpoint variety of the track; matching then votes per point.
public final class MapIndex: Sendable {
    public let kind: FeatureKind
    /// Point positions in the landmark frame.
    public let positions: [Vec3]
    /// For each descriptor row, the index into `positions`.
    public let rowPoint: [Int32]
    /// Row-major descriptors, `kind.descriptorBytes` each.
    public let descriptors: [UInt8]
    /// For each point, its first row and row count (rows of one point are contiguous).
    public let pointRows: [(start: Int32, count: Int32)]
    let index: DescriptorIndex

    public var rowCount: Int { rowPoint.count }
    public var pointCount: Int { positions.count }

    /// Indexes `map`. Throws `.unusableMap` when it has no descriptors to match against.
    public init(map: FeatureMap) throws {
        let kind = map.metadata.featureKind
        let bytes = kind.descriptorBytes
        var positions: [Vec3] = [], rowPoint: [Int32] = [], descriptors: [UInt8] = []
        var pointRows: [(Int32, Int32)] = []
        positions.reserveCapacity(map.points.count)
        descriptors.reserveCapacity(map.observationCount * bytes)
        for point in map.points where point.position.isFinite {
            let start = Int32(rowPoint.count)
            var count: Int32 = 0
            for observation in point.observations where observation.descriptor.count == bytes {
                rowPoint.append(Int32(positions.count))
                descriptors.append(contentsOf: observation.descriptor)
                count += 1
            }
            guard count > 0 else { continue }
            positions.append(point.position)
            pointRows.append((start, count))
        }
        guard positions.count >= 4 else {
            throw LocalizationError.unusableMap("\(positions.count) points carry \(kind.rawValue) descriptors; localization needs at least 4 (was the map imported without images?)")
        }
        self.kind = kind
        self.positions = positions
        self.rowPoint = rowPoint
        self.descriptors = descriptors
        self.pointRows = pointRows
        self.index = try DescriptorIndex(kind: kind, descriptors: descriptors)
    }
}
