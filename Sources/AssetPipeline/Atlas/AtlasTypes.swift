import Geometry

/// The input of UV atlas generation: a triangle mesh as plain arrays.
///
/// Positions are in any consistent length unit (metres in the landmark frame). Triangles wind
/// counter-clockwise around their outward normal (glTF convention). Vertices that share a
/// position but differ in index are welded for adjacency; an edge between them stays a chart
/// boundary when it is an existing UV seam (`uvs` differ) or a material seam.
public struct AtlasInputMesh: Sendable {
    /// Vertex positions.
    public var positions: [Vec3]
    /// Three vertex indices per triangle, counter-clockwise.
    public var indices: [UInt32]
    /// Existing texture coordinates, one per vertex, or nil. Only used to find UV seams.
    public var uvs: [SIMD2<Double>]?
    /// A material index per triangle, or nil. Material changes are chart boundaries.
    public var materialOfTriangle: [Int32]?

    public init(positions: [Vec3], indices: [UInt32], uvs: [SIMD2<Double>]? = nil,
                materialOfTriangle: [Int32]? = nil) {
        self.positions = positions; self.indices = indices
        self.uvs = uvs; self.materialOfTriangle = materialOfTriangle
    }

    /// Convenience for meshes stored as `SIMD3<Float>`.
    public init(positions: [SIMD3<Float>], indices: [UInt32], uvs: [SIMD2<Float>]? = nil,
                materialOfTriangle: [Int32]? = nil) {
        self.init(positions: positions.map { Vec3(Double($0.x), Double($0.y), Double($0.z)) },
                  indices: indices, uvs: uvs?.map { SIMD2<Double>(Double($0.x), Double($0.y)) },
                  materialOfTriangle: materialOfTriangle)
    }

    public var triangleCount: Int { indices.count / 3 }
}

/// Options of UV atlas generation. `validate()` is called first by `generateUVAtlas`.
public struct AtlasOptions: Sendable, Equatable {
    /// Width and height of the square atlas, in texels. Charts are scaled to one common texel
    /// density, as large as still fits. Default 1024.
    public var resolution: Int = 1024
    /// Minimum number of empty texels between two charts (room for bilinear filtering and for
    /// the baker's dilation), in texels of `resolution`. 0 means charts may touch. Default 2.
    public var gutterTexels: Int = 2
    /// Region growing stops at faces whose normal deviates more than this from the chart's mean
    /// normal, in degrees (0 < value < 90). Larger gives fewer, more stretched charts. Default 66.
    public var maxNormalDeviationDegrees: Double = 66
    /// Charts whose L2 stretch (Sander et al. 2001; 1 is isometric) exceeds this are split.
    /// Default 1.25; `.infinity` disables stretch splits (flip splits always happen).
    public var maxChartStretch: Double = 1.25
    /// Try the four 90° rotations of each chart when packing. Default true.
    public var allowRotation: Bool = true
    /// Small charts (under this many triangles) are merged into a neighbour when the merged
    /// chart still parameterizes without flips within the stretch limit. 0 disables merging.
    public var mergeChartsBelowTriangles: Int = 8

    public init() {}

    /// Throws `AtlasError.invalidOption` naming the field.
    public func validate() throws {
        guard resolution >= 8 && resolution <= 16384 else {
            throw AtlasError.invalidOption(name: "resolution", reason: "must be between 8 and 16384 texels, got \(resolution)")
        }
        guard gutterTexels >= 0 && gutterTexels * 4 < resolution else {
            throw AtlasError.invalidOption(name: "gutterTexels", reason: "must be ≥ 0 and under a quarter of the resolution, got \(gutterTexels)")
        }
        guard maxNormalDeviationDegrees > 0 && maxNormalDeviationDegrees < 90 else {
            throw AtlasError.invalidOption(name: "maxNormalDeviationDegrees", reason: "must be in (0, 90), got \(maxNormalDeviationDegrees)")
        }
        guard maxChartStretch >= 1 else {
            throw AtlasError.invalidOption(name: "maxChartStretch", reason: "must be ≥ 1 (1 is isometric), got \(maxChartStretch)")
        }
        guard mergeChartsBelowTriangles >= 0 else {
            throw AtlasError.invalidOption(name: "mergeChartsBelowTriangles", reason: "must be ≥ 0")
        }
    }
}

/// Why an atlas could not be made.
public enum AtlasError: Error, CustomStringConvertible, Equatable {
    case invalidOption(name: String, reason: String)
    /// The index count is not a multiple of 3.
    case invalidIndexCount(Int)
    /// A triangle references a vertex that does not exist.
    case indexOutOfRange(triangle: Int, index: UInt32, vertexCount: Int)
    /// A position or UV is NaN or infinite.
    case nonFiniteValue(field: String, vertex: Int)
    /// An attribute array does not have one entry per vertex (or per triangle).
    case attributeCountMismatch(field: String, expected: Int, got: Int)
    /// Every triangle has zero area: nothing to unwrap.
    case noValidTriangles(triangles: Int)
    /// The charts do not fit the atlas even at the smallest density tried.
    case chartsDoNotFit(charts: Int, resolution: Int)
    /// The sparse solver failed on a chart.
    case solverFailed(chart: Int, message: String)

    public var description: String {
        switch self {
        case .invalidOption(let name, let reason): "atlas option \(name): \(reason)"
        case .invalidIndexCount(let n): "index count \(n) is not a multiple of 3"
        case .indexOutOfRange(let t, let i, let n): "triangle \(t) references vertex \(i), but the mesh has \(n) vertices"
        case .nonFiniteValue(let field, let v): "\(field) of vertex \(v) is NaN or infinite"
        case .attributeCountMismatch(let field, let e, let g): "\(field) has \(g) entries, expected \(e)"
        case .noValidTriangles(let t): "all \(t) triangles have zero area: nothing to unwrap"
        case .chartsDoNotFit(let c, let r): "\(c) charts do not fit a \(r)×\(r) atlas; use a larger resolution or fewer charts"
        case .solverFailed(let c, let m): "parameterization of chart \(c) failed: \(m)"
        }
    }
}

/// Figures of one atlas, as `landmark asset uv --report` and `landmark bench atlas` print them.
public struct AtlasReport: Sendable, Codable, Equatable {
    public var triangles: Int = 0
    public var skippedZeroAreaTriangles: Int = 0
    public var charts: Int = 0
    public var resolution: Int = 0
    /// Texels whose centre lies inside a chart triangle, over all texels of the square atlas.
    public var utilization: Double = 0
    /// Sander's L2 stretch over the whole mesh, area-weighted, with the atlas' common density
    /// normalized so that 1 is isometric.
    public var l2Stretch: Double = 0
    /// Worst chart's L2 stretch.
    public var maxChartStretch: Double = 0
    /// UV triangles whose orientation disagrees with their chart's (always 0 unless a bug).
    public var flippedTriangles: Int = 0
    /// Charts split because LSCM flipped a triangle, or because of stretch.
    public var flipSplits: Int = 0
    public var stretchSplits: Int = 0
    /// Charts split because their UV image folded over itself.
    public var overlapSplits: Int = 0
    /// Texels strictly inside two triangles of one chart, at the atlas resolution (0 unless a
    /// fold smaller than the overlap check's grid slipped through).
    public var selfOverlapTexels: Int = 0
    /// Texels per unit of length (model units) in the atlas.
    public var texelsPerUnit: Double = 0
    public var secondsSegmentation: Double = 0
    public var secondsParameterization: Double = 0
    public var secondsPacking: Double = 0
    public var warnings: [String] = []
    public init() {}
}

/// A UV atlas: the input mesh re-indexed so each chart has its own vertices, with UVs.
///
/// UVs follow glTF: (0, 0) is the top-left corner of the image, u right, v down, in [0, 1].
/// Triangles keep their order and winding. A new vertex `i` copies every attribute of input
/// vertex `vertexSource[i]` (positions, normals, skin weights) and gets `uvs[i]`.
public struct UVAtlas: Sendable {
    /// For each new vertex, the input vertex it was made from.
    public var vertexSource: [UInt32]
    /// Three new-vertex indices per input triangle, same order as the input.
    public var indices: [UInt32]
    /// One UV per new vertex (glTF convention, see above).
    public var uvs: [SIMD2<Double>]
    /// The chart of every triangle; -1 for skipped zero-area triangles.
    public var chartOfTriangle: [Int32]
    public var report: AtlasReport
}
