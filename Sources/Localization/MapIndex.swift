import Foundation
import Geometry
import LandmarkMap
import Features

/// A map held in memory for queries: every observation's descriptor in one approximate
/// nearest-neighbour index (FLANN randomized kd-trees for SIFT, hierarchical clustering for ORB), each row
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
    /// For each point, the mean unit direction from it towards the cameras that observed it
    /// (its visible side), and the cosine of the widest angle a query may view it from:
    /// the observations' own spread plus `viewingAngleMargin`, at least 60° and at most 85°.
    /// Window matching skips points seen from behind (on the far side of the building),
    /// which would otherwise project onto unrelated keypoints.
    public let viewDirections: [SIMD3<Float>]
    public let viewCosineLimits: [Float]
    /// For each point, the median physical diameter of its keypoints in metres (pixel
    /// size × depth / focal length); 0 when unknown. A query keypoint of a true match has
    /// about this diameter × focal / depth pixels.
    public let physicalSizes: [Float]
    /// ORB layer: each row's gray patch (`Observation.patchSide`² bytes, zeros when it has
    /// none; `rowHasPatch`), its sample spacing in keyframe pixels and its keyframe (an
    /// index into `keyframePoses` / `keyframeIntrinsics`). Empty for SIFT maps.
    let rowPatches: [UInt8]
    let rowHasPatch: [Bool]
    let rowSpacing: [Float]
    let rowKeyframe: [Int32]
    let keyframePoses: [Rigid3]
    let keyframeIntrinsics: [CameraIntrinsics]
    var hasPatches: Bool { rowHasPatch.contains(true) }
    let index: DescriptorIndex

    public var rowCount: Int { rowPoint.count }
    public var pointCount: Int { positions.count }

    /// Indexes `map`'s own points. Throws `.unusableMap` when it has no descriptors to match against.
    public convenience init(map: FeatureMap) throws {
        try self.init(points: map.points, kind: map.metadata.featureKind, map: map)
    }

    /// The index of `map`'s ORB query layer; nil when the map has none (or too few points
    /// in it to localize against, `minimumORBLayerPoints`).
    public static func orbLayer(of map: FeatureMap) throws -> MapIndex? {
        guard map.metadata.featureKind != .orb, map.orbPoints.count >= minimumORBLayerPoints else { return nil }
        return try MapIndex(points: map.orbPoints, kind: .orb, map: map)
    }

    /// Fewer ORB points than this cannot give the inliers a pose needs across a frame.
    public static let minimumORBLayerPoints = 200

    /// Indexes `points` (descriptors of `kind`), with `map`'s keyframes and cameras for
    /// each point's viewing directions and physical size.
    init(points: [MapPoint], kind: FeatureKind, map: FeatureMap) throws {
        let bytes = kind.descriptorBytes
        var positions: [Vec3] = [], rowPoint: [Int32] = [], descriptors: [UInt8] = []
        var pointRows: [(Int32, Int32)] = []
        let patchBytes = Observation.patchSide * Observation.patchSide
        var rowPatches: [UInt8] = [], rowHasPatch: [Bool] = [], rowSpacing: [Float] = [], rowKeyframe: [Int32] = []
        var viewDirections: [SIMD3<Float>] = [], viewCosineLimits: [Float] = [], physicalSizes: [Float] = []
        var centres: [Int64: Vec3] = [:], focals: [Int64: Double] = [:]
        var keyframeSlot: [Int64: Int32] = [:], keyframePoses: [Rigid3] = [], keyframeIntrinsics: [CameraIntrinsics] = []
        for keyframe in map.keyframes {
            if let camera = map.camera(id: keyframe.cameraID) {
                keyframeSlot[keyframe.id] = Int32(keyframePoses.count)
                keyframePoses.append(keyframe.cameraFromLandmark); keyframeIntrinsics.append(camera.intrinsics)
            }
            centres[keyframe.id] = keyframe.center
            focals[keyframe.id] = map.camera(id: keyframe.cameraID).map { ($0.intrinsics.fx + $0.intrinsics.fy) / 2 }
        }
        positions.reserveCapacity(points.count)
        for point in points where point.position.isFinite {
            let start = Int32(rowPoint.count)
            var count: Int32 = 0
            for observation in point.observations where observation.descriptor.count == bytes {
                rowPoint.append(Int32(positions.count))
                descriptors.append(contentsOf: observation.descriptor)
                count += 1
                guard kind == .orb else { continue }
                let usable = observation.patch.count == patchBytes && keyframeSlot[observation.keyframeID] != nil
                rowPatches.append(contentsOf: usable ? observation.patch : [UInt8](repeating: 0, count: patchBytes))
                rowHasPatch.append(usable)
                rowSpacing.append(Float(observation.patchSpacing))
                rowKeyframe.append(keyframeSlot[observation.keyframeID] ?? -1)
            }
            guard count > 0 else { continue }
            positions.append(point.position)
            pointRows.append((start, count))
            let (direction, cosine, size) = Self.viewing(point, centres: centres, focals: focals)
            viewDirections.append(direction); viewCosineLimits.append(cosine); physicalSizes.append(size)
        }
        guard positions.count >= 4 else {
            throw LocalizationError.unusableMap("\(positions.count) points carry \(kind.rawValue) descriptors; localization needs at least 4 (was the map imported without images?)")
        }
        self.kind = kind
        self.positions = positions
        self.rowPoint = rowPoint
        self.descriptors = descriptors
        self.pointRows = pointRows
        self.viewDirections = viewDirections
        self.viewCosineLimits = viewCosineLimits
        self.physicalSizes = physicalSizes
        self.rowPatches = rowPatches; self.rowHasPatch = rowHasPatch; self.rowSpacing = rowSpacing
        self.rowKeyframe = rowKeyframe; self.keyframePoses = keyframePoses; self.keyframeIntrinsics = keyframeIntrinsics
        self.index = try DescriptorIndex(kind: kind, descriptors: descriptors)
    }

    /// Widened beyond the observations' own spread: a query slightly off the capture
    /// cameras' directions still sees the point.
    static let viewingAngleMargin = 25.0 * Double.pi / 180

    /// The point's mean viewing direction, the cosine limit for queries, and its physical
    /// keypoint diameter (metres). Without any observing keyframe: any direction, size 0.
    private static func viewing(_ point: MapPoint, centres: [Int64: Vec3], focals: [Int64: Double])
        -> (SIMD3<Float>, Float, Float) {
        var directions: [Vec3] = [], sizes: [Double] = []
        for o in point.observations {
            guard let c = centres[o.keyframeID] else { continue }
            let d = c - point.position, depth = length(d)
            guard depth > 1e-9 else { continue }
            directions.append(d / depth)
            if let f = focals[o.keyframeID], f > 0, o.size > 0 { sizes.append(Double(o.size) * depth / f) }
        }
        let sum = directions.reduce(Vec3.zero, +)
        guard length(sum) > 1e-9 else { return (.zero, -1, 0) }
        let mean = sum / length(sum)
        let spread = directions.map { acos(max(-1, min(1, dot($0, mean)))) }.max() ?? 0
        let limit = min(85 * Double.pi / 180, max(60 * Double.pi / 180, spread + viewingAngleMargin))
        sizes.sort()
        return (SIMD3<Float>(mean), Float(cos(limit)), sizes.isEmpty ? 0 : Float(sizes[sizes.count / 2]))
    }

    /// The row of point `p` with a patch whose keyframe saw it from nearest `direction`
    /// (a unit vector from the point), or nil when none has a patch.
    func patchRow(of p: Int, nearestDirection direction: Vec3) -> Int? {
        let rows = pointRows[p], x = positions[p]
        var best: Int?, bestCosine = -2.0
        for r in Int(rows.start)..<Int(rows.start + rows.count) where rowHasPatch[r] {
            let c = dot(normalize(keyframePoses[Int(rowKeyframe[r])].centerOfTargetInSource - x), direction)
            if c > bestCosine { bestCosine = c; best = r }
        }
        return best
    }

    /// Whether a camera centred at `centre` views point `p` within its visible side.
    @inline(__always)
    func isViewable(_ p: Int, from centre: Vec3) -> Bool {
        let limit = viewCosineLimits[p]
        guard limit > -1 else { return true }
        let d = centre - positions[p], n = length(d)
        guard n > 1e-9 else { return false }
        return Float(dot(d, Vec3(viewDirections[p])) / n) >= limit
    }
}
