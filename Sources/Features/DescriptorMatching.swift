import CVBridge
import Imaging

/// A correspondence between keypoint `query` of one set and keypoint `train` of another.
public struct FeatureMatch: Sendable, Equatable, Hashable {
    public var query: Int32
    public var train: Int32
    /// Descriptor distance (L2 for SIFT in quantized units, Hamming bits for ORB).
    public var distance: Float
    public init(query: Int32, train: Int32, distance: Float) {
        self.query = query; self.train = train; self.distance = distance
    }
}

/// How putative matches are filtered.
public struct MatchOptions: Sendable, Equatable {
    /// Lowe's ratio test: keep a match when best < ratio × second best; 0 disables it.
    public var ratio: Float
    /// Keep only mutual nearest neighbours.
    public var mutual: Bool
    /// Reject matches farther than this descriptor distance; 0 means no limit.
    public var maxDistance: Int

    public init(ratio: Float = 0.8, mutual: Bool = true, maxDistance: Int = 0) {
        self.ratio = ratio; self.mutual = mutual; self.maxDistance = maxDistance
    }
}

private func bridgeType(_ kind: FeatureKind) -> cvb_feature_type {
    kind == .sift ? CVB_FEATURE_SIFT : CVB_FEATURE_ORB
}

/// Exact (brute-force) matching of two feature sets of one kind, with the ratio test and
/// the mutual check. O(n·m); for many images use `DescriptorIndex` and `matchFeatures(_:_:...)`.
public func matchDescriptors(_ query: FeatureSet, _ train: FeatureSet,
                             options: MatchOptions = MatchOptions()) throws -> [FeatureMatch] {
    guard query.kind == train.kind else {
        throw VisionError.invalidInput("cannot match \(query.kind) against \(train.kind) descriptors")
    }
    var opts = cvb_match_options(ratio: options.ratio, mutual: options.mutual ? 1 : 0,
                                 max_distance: Int32(clamping: options.maxDistance))
    var out: UnsafeMutablePointer<cvb_match>?
    var count: Int32 = 0
    let status = query.descriptors.withUnsafeBufferPointer { q in
        train.descriptors.withUnsafeBufferPointer { t in
            cvb_match_descriptors(bridgeType(query.kind), Int32(query.descriptorBytes), q.baseAddress, Int32(query.count),
                                  t.baseAddress, Int32(train.count), &opts, &out, &count)
        }
    }
    try VisionError.check(status, "cvb_match_descriptors")
    defer { cvb_buffer_free(out) }
    guard let out else { return [] }
    return (0..<Int(count)).map { FeatureMatch(query: out[$0].query, train: out[$0].train, distance: out[$0].distance) }
}

/// An approximate nearest-neighbour index over one descriptor set (FLANN kd-trees for SIFT,
/// hierarchical clustering for ORB). Build once; `knn` may be called from many threads.
public final class DescriptorIndex: @unchecked Sendable {
    public let kind: FeatureKind
    public let count: Int
    private let handle: OpaquePointer?

    /// Indexes `count` descriptors stored row by row in `descriptors`.
    public init(kind: FeatureKind, descriptors: [UInt8]) throws {
        guard descriptors.count % kind.descriptorBytes == 0 else {
            throw VisionError.invalidInput("descriptor buffer is not a multiple of \(kind.descriptorBytes) bytes")
        }
        self.kind = kind
        let n = descriptors.count / kind.descriptorBytes
        self.count = n
        var h: OpaquePointer?
        let status = descriptors.withUnsafeBufferPointer {
            cvb_descriptor_index_create(bridgeType(kind), Int32(kind.descriptorBytes), $0.baseAddress, Int32(n), &h)
        }
        try VisionError.check(status, "cvb_descriptor_index_create")
        handle = h
    }
    public convenience init(_ features: FeatureSet) throws {
        try self.init(kind: features.kind, descriptors: features.descriptors)
    }
    deinit { cvb_descriptor_index_free(handle) }

    /// The `k` nearest neighbours of each query descriptor: `indices[q*k + j]` (−1 when
    /// fewer exist) and `distances` (L2 or Hamming). `checks` is the search effort; 0 is a
    /// safe default (64).
    public func knn(_ queries: [UInt8], k: Int, checks: Int = 0) throws -> (indices: [Int32], distances: [Float]) {
        let n = queries.count / kind.descriptorBytes
        var indices = [Int32](repeating: -1, count: n * k)
        var distances = [Float](repeating: .infinity, count: n * k)
        let status = queries.withUnsafeBufferPointer { q in
            indices.withUnsafeMutableBufferPointer { i in
                distances.withUnsafeMutableBufferPointer { d in
                    cvb_descriptor_index_knn(handle, q.baseAddress, Int32(n), Int32(k), Int32(checks), i.baseAddress, d.baseAddress)
                }
            }
        }
        try VisionError.check(status, "cvb_descriptor_index_knn")
        return (indices, distances)
    }
}

/// Approximate matching through prebuilt indexes: `query`'s descriptors are searched in
/// `trainIndex` (built over `train`), and for the mutual check `train`'s in `queryIndex`.
public func matchFeatures(_ query: FeatureSet, _ train: FeatureSet, queryIndex: DescriptorIndex,
                          trainIndex: DescriptorIndex, options: MatchOptions = MatchOptions(),
                          checks: Int = 0) throws -> [FeatureMatch] {
    guard query.count > 0, train.count > 0 else { return [] }
    let fwd = try trainIndex.knn(query.descriptors, k: 2, checks: checks)
    var back: [Int32] = []
    if options.mutual { back = try queryIndex.knn(train.descriptors, k: 1, checks: checks).indices }
    var out: [FeatureMatch] = []
    for q in 0..<query.count {
        let best = fwd.indices[2 * q], d0 = fwd.distances[2 * q], d1 = fwd.distances[2 * q + 1]
        guard best >= 0 else { continue }
        if options.ratio > 0, d1.isFinite, d0 > options.ratio * d1 { continue }
        if options.maxDistance > 0, d0 > Float(options.maxDistance) { continue }
        if options.mutual, back[Int(best)] != Int32(q) { continue }
        out.append(FeatureMatch(query: Int32(q), train: best, distance: d0))
    }
    return out
}
