import Foundation

/// An indexed triangle mesh with typed per-vertex attributes, shared by the readers, the
/// decimator, the comparison and the glTF writer. Units and frames are the source's
/// (glTF: metres, Y up). Every present attribute array has `vertexCount` elements.
public struct Mesh: Sendable, Equatable {
    /// Vertex positions.
    public var positions: [SIMD3<Float>]
    /// Unit normals, or nil.
    public var normals: [SIMD3<Float>]?
    /// Tangents xyz with handedness w = ±1 (glTF TANGENT), or nil.
    public var tangents: [SIMD4<Float>]?
    /// Texture coordinates (glTF convention: origin top-left, v down), or nil.
    public var uv0: [SIMD2<Float>]?
    public var uv1: [SIMD2<Float>]?
    /// Linear RGBA vertex colours in [0,1], or nil.
    public var colors: [SIMD4<Float>]?
    /// Skin joints (indices into the skin's `joints`) and weights (sum 1), or nil.
    public var joints: [SIMD4<UInt16>]?
    public var weights: [SIMD4<Float>]?
    /// Morph targets: displacements per vertex.
    public var targets: [MorphTarget] = []
    /// Triangle corners, three per triangle, counter-clockwise front faces.
    public var indices: [UInt32]
    /// Per-triangle material (or source primitive) index, or nil for a single material.
    public var materialIDs: [Int32]?

    public struct MorphTarget: Sendable, Equatable {
        public var positions: [SIMD3<Float>]?
        public var normals: [SIMD3<Float>]?
        public var tangents: [SIMD3<Float>]?
        public init(positions: [SIMD3<Float>]? = nil, normals: [SIMD3<Float>]? = nil, tangents: [SIMD3<Float>]? = nil) {
            self.positions = positions; self.normals = normals; self.tangents = tangents
        }
    }

    public init(positions: [SIMD3<Float>], indices: [UInt32]) {
        self.positions = positions
        self.indices = indices
    }

    public var vertexCount: Int { positions.count }
    public var triangleCount: Int { indices.count / 3 }

    /// Material of triangle `t` (0 when `materialIDs` is nil).
    @inlinable public func material(ofTriangle t: Int) -> Int32 { materialIDs?[t] ?? 0 }

    /// Axis-aligned bounds of the positions used by triangles (all positions if none).
    public var bounds: (min: SIMD3<Float>, max: SIMD3<Float>) {
        var lo = SIMD3<Float>(repeating: .infinity), hi = SIMD3<Float>(repeating: -.infinity)
        if indices.isEmpty {
            for p in positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        } else {
            for i in indices { let p = positions[Int(i)]; lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        }
        return (lo, hi)
    }

    /// Length of the bounding-box diagonal (0 for an empty mesh).
    public var boundsDiagonal: Double {
        let b = bounds
        guard b.min.x <= b.max.x else { return 0 }
        let d = SIMD3<Double>(b.max - b.min)
        return (d * d).sum().squareRoot()
    }

    /// Total triangle area.
    public var surfaceArea: Double {
        var area = 0.0
        for t in 0..<triangleCount {
            let a = SIMD3<Double>(positions[Int(indices[3 * t])]), b = SIMD3<Double>(positions[Int(indices[3 * t + 1])])
            let c = SIMD3<Double>(positions[Int(indices[3 * t + 2])])
            let n = crossD(b - a, c - a)
            area += 0.5 * (n * n).sum().squareRoot()
        }
        return area
    }

    /// Checks attribute lengths and index ranges.
    /// - Throws: `MeshError` naming the array or the first bad index.
    public func validate() throws {
        let n = positions.count
        func check(_ count: Int?, _ name: String) throws {
            if let count, count != n { throw MeshError.attributeCount(name: name, count: count, vertexCount: n) }
        }
        try check(normals?.count, "normals"); try check(tangents?.count, "tangents")
        try check(uv0?.count, "uv0"); try check(uv1?.count, "uv1"); try check(colors?.count, "colors")
        try check(joints?.count, "joints"); try check(weights?.count, "weights")
        for (i, t) in targets.enumerated() {
            try check(t.positions?.count, "targets[\(i)].positions"); try check(t.normals?.count, "targets[\(i)].normals")
            try check(t.tangents?.count, "targets[\(i)].tangents")
        }
        guard indices.count % 3 == 0 else { throw MeshError.indexCount(indices.count) }
        if let bad = indices.firstIndex(where: { Int($0) >= n }) {
            throw MeshError.indexOutOfRange(element: bad, index: Int(indices[bad]), vertexCount: n)
        }
        if let m = materialIDs, m.count != triangleCount {
            throw MeshError.attributeCount(name: "materialIDs", count: m.count, vertexCount: triangleCount)
        }
        if let bad = positions.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            throw MeshError.nonFinitePosition(vertex: bad)
        }
        for (name, uv) in [("uv0", uv0), ("uv1", uv1)] {
            if let bad = uv?.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite) }) {
                throw MeshError.nonFiniteAttribute(name: name, vertex: bad)
            }
        }
    }

    /// The number of triangles with zero area (repeated corners or collinear points).
    public var degenerateTriangleCount: Int {
        var count = 0
        for t in 0..<triangleCount {
            let a = SIMD3<Double>(positions[Int(indices[3 * t])]), b = SIMD3<Double>(positions[Int(indices[3 * t + 1])])
            let c = SIMD3<Double>(positions[Int(indices[3 * t + 2])])
            let n = crossD(b - a, c - a)
            if (n * n).sum() == 0 { count += 1 }
        }
        return count
    }
}

@inline(__always) func crossD(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// Problems with a `Mesh` or a mesh file.
public enum MeshError: Error, Sendable, Equatable, CustomStringConvertible {
    case attributeCount(name: String, count: Int, vertexCount: Int)
    case indexCount(Int)
    case indexOutOfRange(element: Int, index: Int, vertexCount: Int)
    case nonFinitePosition(vertex: Int)
    /// A texture coordinate (`uv0`/`uv1`) is NaN or infinite.
    case nonFiniteAttribute(name: String, vertex: Int)
    /// A text or binary mesh file could not be parsed; `line` is 1-based (0: not line-based).
    case parse(file: String, line: Int, reason: String)
    case missingFile(path: String)
    case unsupportedFormat(String)
    case empty(file: String)

    public var description: String {
        switch self {
        case .attributeCount(let name, let c, let n): return "mesh attribute \(name) has \(c) elements, expected \(n)"
        case .indexCount(let c): return "index count \(c) is not a multiple of 3"
        case .indexOutOfRange(let e, let i, let n): return "index \(i) at element \(e) is out of range (\(n) vertices)"
        case .nonFinitePosition(let v): return "vertex \(v) has a NaN or infinite position"
        case .nonFiniteAttribute(let name, let v): return "vertex \(v) has a NaN or infinite texture coordinate (\(name))"
        case .parse(let f, let l, let r): return l > 0 ? "\(f):\(l): \(r)" : "\(f): \(r)"
        case .missingFile(let p): return "file not found: \(p)"
        case .unsupportedFormat(let e): return "unsupported mesh format '\(e)' (use .glb, .gltf, .obj or .ply)"
        case .empty(let f): return "\(f) contains no triangles"
        }
    }
}
