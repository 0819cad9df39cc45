import CMeshOptimizer   // lmk_prefetch
import Foundation
import Support

// Quadric-error edge-collapse decimation with appearance attributes.
//
// Papers:
//   M. Garland, P. Heckbert. Surface Simplification Using Quadric Error Metrics. SIGGRAPH 1997.
//     (plane quadrics, optimal vertex placement, boundary constraint planes)
//   H. Hoppe. New Quadric Metric for Simplifying Meshes with Appearance Attributes. IEEE
//     Visualization 1999. (attribute quadrics: per-triangle linear attribute fields, the
//     optimal attribute value given a position, in memory linear in the attribute count)
//   T. Dey, H. Edelsbrunner, S. Guha, D. Nekhayev. Topology Preserving Edge Contraction. 1999.
//     (the link condition that keeps the mesh manifold)
//   A. Kapoulkine. meshoptimizer, src/simplifier.cpp. (vertex kinds manifold/border/seam/
//     locked, "seam vertices collapse only along the seam", wedges sharing one position,
//     positions normalized so that quadrics fit in Float)
//
// Vocabulary. A *wedge* is an input vertex (a position plus attributes). Wedges with the same
// position form a *position* (the unit of topology): a UV or normal seam, or a border
// between materials, is a run of edges whose positions are shared but whose wedges differ.
// Each collapse removes one position P0 and moves its wedges into the positions's
// neighbour P1, which is placed at the quadric-optimal point when both are free to move.
//
// Read top-down: options and report, then the private stages in pipeline order
// (prepareTriangles, the Decimator's init (weld), buildCornerLists, classifyPositions,
// fillQuadrics, evaluateCollapse, checkCollapse, performCollapse, gatherCandidates, run,
// writeResult), then `decimate`. Collapses run in passes over radix-sorted candidates
// (meshoptimizer's scheme), not through a heap: see `run`.

/// What to decimate to, and what to keep. The first target reached stops decimation.
public struct DecimationOptions: Sendable {
    /// Stop at this many triangles or fewer. nil: no count target.
    public var targetTriangleCount: Int?
    /// Stop at `ratio × input triangles` (0 < ratio ≤ 1). nil: no ratio target.
    public var targetRatio: Double?
    /// Stop before a collapse whose error exceeds this, relative to the bounding-box
    /// diagonal (e.g. 0.002). nil: no error limit. With no target at all, decimation is
    /// limited by `maxError` alone, and it must then be given.
    public var maxError: Double?
    /// Keep open borders exactly (border vertices never move or disappear).
    public var lockBorders: Bool = false
    /// Weights of attributes against position error, in units of the bbox diagonal per
    /// attribute unit: normals (unit vectors), UVs (texture space), colours ([0,1]).
    /// 0 ignores an attribute in the error (it is still carried).
    public var normalWeight: Double = 0.5
    public var uvWeight: Double = 1.0
    public var colorWeight: Double = 0.5
    /// A collapse is rejected when it turns any triangle's normal by more than
    /// acos(minNormalCosine). 0.2 ≈ 78°.
    public var minNormalCosine: Double = 0.2
    /// Show progress for large meshes: a bar on stderr when it is a terminal, otherwise
    /// periodic log lines (`ProgressBar`).
    public var showProgress: Bool = false
    /// One weight per input triangle (finite, ≥ 0) multiplying its error: its plane,
    /// boundary and attribute quadrics. Regions with larger weights keep more triangles.
    /// nil: every triangle weighs 1. `optimizeAsset` derives them from base colour textures
    /// (`AssetOptimizeOptions.textureDetail`), so that texture edges keep their triangles.
    public var triangleWeights: [Float]? = nil

    public init(targetTriangleCount: Int? = nil, targetRatio: Double? = nil, maxError: Double? = nil) {
        self.targetTriangleCount = targetTriangleCount
        self.targetRatio = targetRatio
        self.maxError = maxError
    }

    /// - Throws: `DecimationError.invalidOptions` with a sentence saying what to change.
    public func validate() throws {
        if let r = targetRatio, !(r > 0 && r <= 1) {
            throw DecimationError.invalidOptions("targetRatio must be in (0, 1], got \(r)")
        }
        if let t = targetTriangleCount, t < 0 {
            throw DecimationError.invalidOptions("targetTriangleCount must be ≥ 0, got \(t)")
        }
        if let e = maxError, !(e >= 0) {
            throw DecimationError.invalidOptions("maxError must be ≥ 0, got \(e)")
        }
        if let w = triangleWeights, let bad = w.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw DecimationError.invalidOptions("triangleWeights[\(bad)] must be finite and ≥ 0, got \(w[bad])")
        }
        if targetRatio == nil, targetTriangleCount == nil, maxError == nil {
            throw DecimationError.invalidOptions("give a triangle count, a ratio or a maximum error")
        }
    }

    func targetCount(input: Int) -> Int {
        var target = 0
        if let t = targetTriangleCount { target = Swift.max(target, t) }
        if let r = targetRatio { target = Swift.max(target, Int((Double(input) * r).rounded())) }
        if targetTriangleCount == nil, targetRatio == nil { target = 0 }
        return target
    }
}

public enum DecimationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidOptions(String)
    case invalidMesh(MeshError)
    public var description: String {
        switch self {
        case .invalidOptions(let m): return "invalid decimation options: \(m)"
        case .invalidMesh(let e): return "invalid mesh: \(e)"
        }
    }
}

/// What decimation did.
public struct DecimationReport: Sendable, Equatable {
    public var trianglesIn = 0
    public var trianglesOut = 0
    public var verticesIn = 0
    public var verticesOut = 0
    /// The largest collapse error performed, relative to the bounding-box diagonal: the
    /// area-weighted RMS distance of the merged region's planes from the new vertex.
    public var error = 0.0
    /// Positions that could not move (corners of several seams, non-manifold, locked borders).
    public var lockedPositions = 0
    /// Zero-area or repeated-corner triangles dropped before decimation.
    public var degenerateTrianglesRemoved = 0
    /// Human-readable warnings (degenerate input, target not reached).
    public var warnings: [String] = []
    /// Working memory the decimator allocated, in bytes (besides its copy of the mesh and
    /// the result): about 285 bytes per input vertex on closed meshes.
    public var scratchBytes = 0
}

// MARK: - Kinds

private enum VertexKind: UInt8 {
    case manifold, border, seam, locked
}


/// A position's point in normalized coordinates (bounding-box diagonal 1), three Doubles
/// (24 bytes; SIMD3<Double> would take 32). Points sit in their own array, apart from the
/// quadrics: the validity check reads the points of a whole fan and nothing else, and
/// neighbours (numbered in first-use order) then share cache lines.
private struct PackedPoint {
    private var x = 0.0, y = 0.0, z = 0.0
    var value: SIMD3<Double> {
        @inline(__always) get { SIMD3(x, y, z) }
        @inline(__always) set { x = newValue.x; y = newValue.y; z = newValue.z }
    }
}

/// Scratch memory for one decimation, freed together (meshoptimizer's meshopt_Allocator).
private final class ScopedAllocator {
    private var blocks: [UnsafeMutableRawPointer] = []
    /// Bytes allocated so far.
    private(set) var bytes = 0

    /// `count` copies of `value`, aligned to a cache line (64 bytes).
    func make<T>(_ count: Int, _ value: T) -> UnsafeMutableBufferPointer<T> {
        let buffer = makeUninitialized(count, T.self)
        buffer.baseAddress!.initialize(repeating: value, count: Swift.max(count, 1))
        return buffer
    }

    /// Room for `count` values of a trivial type, not initialized: for arrays written in
    /// full before they are read (untouched pages then cost no memory).
    func makeUninitialized<T>(_ count: Int, _: T.Type) -> UnsafeMutableBufferPointer<T> {
        let n = Swift.max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<T>.stride,
                                                   alignment: Swift.max(64, MemoryLayout<T>.alignment))
        blocks.append(raw)
        bytes += n * MemoryLayout<T>.stride
        return UnsafeMutableBufferPointer(start: raw.bindMemory(to: T.self, capacity: n), count: count)
    }
    deinit { for b in blocks { b.deallocate() } }
}

// MARK: - Stage 1: triangles

/// Drops triangles with a repeated corner or zero area, and splits vertices shared by
/// triangles of different materials so that material borders behave like seams.
private func prepareTriangles(_ mesh: inout Mesh, weights: inout [Float]?) -> Int {
    var kept: [UInt32] = []
    var keptWeights: [Float]? = weights == nil ? nil : []
    kept.reserveCapacity(mesh.indices.count)
    var keptMaterials: [Int32]? = mesh.materialIDs == nil ? nil : []
    var removed = 0
    for t in 0..<mesh.triangleCount {
        let a = Int(mesh.indices[3 * t]), b = Int(mesh.indices[3 * t + 1]), c = Int(mesh.indices[3 * t + 2])
        let pa = SIMD3<Double>(mesh.positions[a]), pb = SIMD3<Double>(mesh.positions[b]), pc = SIMD3<Double>(mesh.positions[c])
        let n = crossD(pb - pa, pc - pa)
        if a == b || b == c || a == c || (n * n).sum() == 0 { removed += 1; continue }
        kept.append(UInt32(a)); kept.append(UInt32(b)); kept.append(UInt32(c))
        keptMaterials?.append(mesh.materialIDs![t])
        keptWeights?.append(weights![t])
    }
    weights = keptWeights
    mesh.indices = kept
    mesh.materialIDs = keptMaterials
    if let materials = mesh.materialIDs {
        var owner = [Int32](repeating: -1, count: mesh.vertexCount)
        var copies: [Int64: UInt32] = [:]
        for corner in mesh.indices.indices {
            let v = Int(mesh.indices[corner]), m = materials[corner / 3]
            if owner[v] == -1 { owner[v] = m; continue }
            if owner[v] == m { continue }
            let key = Int64(v) << 32 | Int64(m)
            if let copy = copies[key] { mesh.indices[corner] = copy; continue }
            let copy = UInt32(mesh.appendCopy(of: v))
            copies[key] = copy
            mesh.indices[corner] = copy
        }
    }
    return removed
}

extension Mesh {
    /// Appends a copy of vertex `v` (all attributes) and returns its index.
    mutating func appendCopy(of v: Int) -> Int {
        positions.append(positions[v])
        if let a = normals?[v] { normals!.append(a) }
        if let a = tangents?[v] { tangents!.append(a) }
        if let a = uv0?[v] { uv0!.append(a) }
        if let a = uv1?[v] { uv1!.append(a) }
        if let a = colors?[v] { colors!.append(a) }
        if let a = joints?[v] { joints!.append(a) }
        if let a = weights?[v] { weights!.append(a) }
        for i in targets.indices {
            if let a = targets[i].positions?[v] { targets[i].positions!.append(a) }
            if let a = targets[i].normals?[v] { targets[i].normals!.append(a) }
            if let a = targets[i].tangents?[v] { targets[i].tangents!.append(a) }
        }
        return positions.count - 1
    }
}

// MARK: - The decimator

private final class Decimator {
    let options: DecimationOptions
    var mesh: Mesh
    /// `options.triangleWeights` for the triangles kept by `prepareTriangles` (nil: all 1).
    let triangleWeights: [Float]?
    let alloc = ScopedAllocator()

    // Sizes.
    let wedgeCount: Int
    let triangleCount: Int
    let positionCount: Int
    let attributeCount: Int            // continuous attribute components in the quadric

    // Normalization: p' = (p − center) · scale.
    let center: SIMD3<Double>
    let scale: Double

    // Triangles: corners hold wedge ids; `alive` per triangle.
    let corners: UnsafeMutableBufferPointer<UInt32>
    let cornerPositions: UnsafeMutableBufferPointer<UInt32>   // position of each corner (saves an indirection)
    let alive: UnsafeMutableBufferPointer<Bool>
    /// The triangles alive at the start of the last pass, in order (`counters[0]` of them), so
    /// that passes skip the dead ones without reading them.
    let liveList: UnsafeMutableBufferPointer<UInt32>
    var liveListCount: Int { get { counters[0] } set { counters[0] = newValue } }

    // Wedges.
    let positionOf: UnsafeMutableBufferPointer<UInt32>     // wedge → position
    let nextWedge: UnsafeMutableBufferPointer<UInt32>      // wedge → next wedge of its position (UInt32.max ends)
    let attributes: UnsafeMutableBufferPointer<Float>      // wedge × attributeCount, weighted
    let attributeQuadrics: UnsafeMutableBufferPointer<Quadric>
    let gradients: UnsafeMutableBufferPointer<AttributeGradient>  // wedge × attributeCount

    // Positions.
    let points: UnsafeMutableBufferPointer<PackedPoint>   // normalized point, 24 bytes
    let quadrics: UnsafeMutableBufferPointer<Quadric>      // plane quadric, 88 bytes
    let firstWedge: UnsafeMutableBufferPointer<UInt32>
    let kind: UnsafeMutableBufferPointer<VertexKind>
    let chainPrev: UnsafeMutableBufferPointer<UInt32>      // neighbours along a border or seam
    let chainNext: UnsafeMutableBufferPointer<UInt32>
    let passOf: UnsafeMutableBufferPointer<UInt32>         // the last pass that collapsed into or out of it
    let moved: UnsafeMutableBufferPointer<Bool>

    // Corner lists in CSR form, rebuilt at the start of each pass: the corners of position p
    // are cornerList[cornerStart[p] ..< cornerStart[p + 1]] (dead triangles skipped on reading).
    // A collapse does not edit them: within a pass its two positions are never touched again,
    // and every other position's triangles stay the same set.
    let cornerStart: UnsafeMutableBufferPointer<UInt32>
    let cornerList: UnsafeMutableBufferPointer<UInt32>

    // Edge costs cached per half-edge slot (the corner the half-edge leaves from): the cost's
    // Float bits, with the sign bit set when the cheaper direction is from the far end to
    // this corner's position; +∞ when neither direction may collapse. A slot is re-costed
    // only when one of its positions took part in a collapse in the previous pass.
    let slotCost: UnsafeMutableBufferPointer<UInt32>
    /// Edges that the first pass gathers (counted by `classifyPositions`): the size of the
    /// candidate arrays that `run` allocates (24 bytes per edge).
    var edgeCount = 0

    // Scratch lists with unchecked storage (valences beyond `scratchCapacity` reject the
    // collapse), and counters kept behind a pointer so that hot loops pay no exclusivity checks.
    static let scratchCapacity = 4096
    let neighbours0: UnsafeMutablePointer<UInt32>
    let neighbours1: UnsafeMutablePointer<UInt32>
    let wedgeMap: UnsafeMutablePointer<UInt32>              // pairs (from, to), at most 4
    let counters: UnsafeMutablePointer<Int>

    var liveTriangles: Int { get { counters[1] } set { counters[1] = newValue } }
    var neighbourCount0: Int { get { counters[2] } set { counters[2] = newValue } }
    var neighbourCount1: Int { get { counters[3] } set { counters[3] = newValue } }
    var wedgePairs: Int { get { counters[4] } set { counters[4] = newValue } }

    /// The largest normalized collapse error performed (squared, bbox diagonal 1), behind a
    /// pointer like `counters`.
    let maxErrorSquared: UnsafeMutablePointer<Double>
    var maxErrorSeen: Double { maxErrorSquared.pointee.squareRoot() }
    /// Whether wedges carry skin weights or morph targets to blend (read once: `mesh` is a
    /// `var`, and each access to it in the collapse loop would pay an exclusivity check).
    let carriesSkin: Bool
    let carriesTargets: Bool
    /// Whether to keep per-pass figures for the debug log line (`landmark --log-level debug`).
    let debugTiming = logger.logLevel <= .debug
    var passes = 0
    var passLog: [String] = []
    static let none = UInt32.max

    /// Allocates everything and welds positions: wedges with the exact same position form
    /// one position (meshoptimizer's remap); positions are normalized so that the
    /// bounding-box diagonal is 1 and the centre is the origin.
    init(mesh: Mesh, options: DecimationOptions, triangleWeights: [Float]?) {
        self.mesh = mesh
        self.options = options
        self.triangleWeights = triangleWeights
        wedgeCount = mesh.vertexCount
        triangleCount = mesh.triangleCount
        var k = 0
        if mesh.normals != nil, options.normalWeight > 0 { k += 3 }
        if mesh.uv0 != nil, options.uvWeight > 0 { k += 2 }
        if mesh.uv1 != nil, options.uvWeight > 0 { k += 2 }
        if mesh.colors != nil, options.colorWeight > 0 { k += 4 }
        attributeCount = k
        corners = alloc.makeUninitialized(mesh.indices.count, UInt32.self)
        for i in mesh.indices.indices { corners[i] = mesh.indices[i] }
        cornerPositions = alloc.makeUninitialized(mesh.indices.count, UInt32.self)
        alive = alloc.make(triangleCount, true)
        liveList = alloc.makeUninitialized(triangleCount, UInt32.self)
        for t in 0..<triangleCount { liveList[t] = UInt32(t) }
        positionOf = alloc.makeUninitialized(wedgeCount, UInt32.self)
        nextWedge = alloc.make(wedgeCount, Decimator.none)
        cornerList = alloc.makeUninitialized(mesh.indices.count, UInt32.self)
        attributes = alloc.make(wedgeCount * k, 0)
        attributeQuadrics = alloc.make(k > 0 ? wedgeCount : 0, Quadric())
        gradients = alloc.make(wedgeCount * k, AttributeGradient())

        let b = mesh.bounds
        let lo = SIMD3<Double>(b.min), hi = SIMD3<Double>(b.max)
        let center = (lo + hi) / 2
        let diagonal = ((hi - lo) * (hi - lo)).sum().squareRoot()
        let scale = diagonal > 0 ? 1 / diagonal : 1
        self.center = center
        self.scale = scale
        let ids = positionOf
        let welded = mesh.positions.withUnsafeBufferPointer { PositionWeld.weld($0, ids: ids) }
        // Number positions in order of first use by the triangles (meshoptimizer's
        // optimizeVertexFetch order): neighbours then sit close in memory, and the collapse
        // loop is bound by memory latency. Unused positions go last.
        var renumber = [UInt32](repeating: Decimator.none, count: welded.count)
        var used: UInt32 = 0
        for i in mesh.indices.indices {
            let p = Int(ids[Int(mesh.indices[i])])
            if renumber[p] == Decimator.none { renumber[p] = used; used += 1 }
        }
        for p in 0..<welded.count where renumber[p] == Decimator.none { renumber[p] = used; used += 1 }
        var first = [UInt32](repeating: 0, count: welded.count)
        for p in 0..<welded.count { first[Int(renumber[p])] = welded[p] }
        for w in 0..<wedgeCount { ids[w] = renumber[Int(ids[w])] }
        for w in stride(from: wedgeCount - 1, through: 0, by: -1) {
            let p = Int(positionOf[w])
            if first[p] != UInt32(w) { nextWedge[w] = nextWedge[Int(first[p])]; nextWedge[Int(first[p])] = UInt32(w) }
        }
        for c in 0..<corners.count { cornerPositions[c] = positionOf[Int(corners[c])] }
        positionCount = first.count
        points = alloc.make(positionCount, PackedPoint())
        quadrics = alloc.make(positionCount, Quadric())
        firstWedge = alloc.make(positionCount, 0)
        for i in 0..<positionCount {
            firstWedge[i] = first[i]
            points[i].value = (SIMD3<Double>(mesh.positions[Int(first[i])]) - center) * scale
        }
        kind = alloc.make(positionCount, .manifold)
        chainPrev = alloc.make(positionCount, Decimator.none)
        chainNext = alloc.make(positionCount, Decimator.none)
        passOf = alloc.make(positionCount, 0)
        moved = alloc.make(positionCount, false)
        cornerStart = alloc.make(positionCount + 1, 0)
        slotCost = alloc.makeUninitialized(mesh.indices.count, UInt32.self)   // pass 1 writes every slot it reads
        maxErrorSquared = alloc.make(1, 0.0).baseAddress!
        carriesSkin = mesh.joints != nil && mesh.weights != nil
        carriesTargets = !mesh.targets.isEmpty
        neighbours0 = alloc.make(Decimator.scratchCapacity, 0).baseAddress!
        neighbours1 = alloc.make(Decimator.scratchCapacity, 0).baseAddress!
        wedgeMap = alloc.make(8, 0).baseAddress!
        counters = alloc.make(8, 0).baseAddress!
        counters[0] = triangleCount
        liveTriangles = triangleCount
    }

    // MARK: Stage 3: adjacency

    /// Position → live triangle corners, in CSR form (counting sort of the live corners by
    /// position, in corner order).
    func buildCornerLists() {
        let start = cornerStart
        for p in 0..<start.count { start[p] = 0 }
        // Drop the triangles that died since the list was made.
        var live = 0
        for i in 0..<liveListCount {
            let t = liveList[i]
            if alive[Int(t)] { liveList[live] = t; live += 1 }
        }
        liveListCount = live
        for i in 0..<live {
            let t = Int(liveList[i])
            start[Int(cornerPositions[3 * t])] &+= 1
            start[Int(cornerPositions[3 * t + 1])] &+= 1
            start[Int(cornerPositions[3 * t + 2])] &+= 1
        }
        var sum: UInt32 = 0
        for p in 0..<positionCount { let c = start[p]; start[p] = sum; sum &+= c }
        start[positionCount] = sum
        // Scatter, advancing each start; then the starts are one list later, so shift back.
        for i in 0..<live {
            let t = Int(liveList[i])
            for e in 0..<3 {
                let p = Int(cornerPositions[3 * t + e])
                cornerList[Int(start[p])] = UInt32(3 * t + e)
                start[p] &+= 1
            }
        }
        for p in stride(from: positionCount, to: 0, by: -1) { start[p] = start[p - 1] }
        start[0] = 0
    }

    @inline(__always) func pos(_ corner: Int) -> UInt32 { cornerPositions[corner] }
    @inline(__always) func cornerBase(_ c: Int) -> Int { c - c % 3 }

    /// Walks the live corners of position `p` (exact for positions not yet collapsed in
    /// this pass). A dead triangle's corners name no position (`performCollapse` sets them
    /// to `none`), which spares a read of `alive` on another cache line.
    @inline(__always) func forEachCorner(_ p: UInt32, _ body: (Int) -> Void) {
        var i = Int(cornerStart[Int(p)])
        let end = Int(cornerStart[Int(p) + 1])
        while i < end {
            let c = Int(cornerList[i])
            if cornerPositions[c] == p { body(c) }
            i += 1
        }
    }

    // MARK: Stage 4: classification

    /// Sorts positions into manifold, border (one open boundary through it), seam (two
    /// wedges whose open edges pair up along one line of positions) and locked (anything
    /// else: corners where seams meet, non-manifold fans, locked borders). Border and seam
    /// positions remember their two neighbours along the line in `chainPrev/chainNext`.
    func classifyPositions() {
        // Count, per position, open half-edges in position space (borders) and in wedge
        // space only (seams; material borders are seams after prepareTriangles).
        var borderOut = [UInt32](repeating: Decimator.none, count: positionCount)
        var borderIn = [UInt32](repeating: Decimator.none, count: positionCount)
        var seamA = [UInt32](repeating: Decimator.none, count: positionCount)
        var seamB = [UInt32](repeating: Decimator.none, count: positionCount)
        var seamHalfEdges = [UInt8](repeating: 0, count: positionCount)
        var bad = [Bool](repeating: false, count: positionCount)
        let materials = mesh.materialIDs
        // Per position P0, its incoming half-edges x → P0 (x, wedge at x, wedge at P0, triangle)
        // in a scratch list, so that each outgoing half-edge P0 → P1 finds its twins P1 → P0
        // there instead of walking P1's corners.
        let incoming = neighbours0
        let incomingCapacity = Decimator.scratchCapacity / 4
        var edges = 0
        for a in 0..<positionCount {
            if a + Decimator.classifyPrefetch < positionCount { prefetchTriangles(of: a + Decimator.classifyPrefetch) }
            let p0 = UInt32(a)
            var count = 0
            forEachCorner(p0) { c in
                let base = self.cornerBase(c)
                let prev = base + (c - base + 2) % 3
                if count < incomingCapacity {
                    incoming[4 * count] = self.pos(prev); incoming[4 * count + 1] = self.corners[prev]
                    incoming[4 * count + 2] = self.corners[c]; incoming[4 * count + 3] = UInt32(base / 3)
                }
                count += 1
            }
            forEachCorner(p0) { c0 in
                let base0 = self.cornerBase(c0)
                let c1 = base0 + (c0 - base0 + 1) % 3
                let t = base0 / 3
                let w0 = self.corners[c0], w1 = self.corners[c1]
                let p1 = self.pos(c1)
                var positionTwins = 0, wedgeTwins = 0
                if count <= incomingCapacity {
                    for j in 0..<count where incoming[4 * j] == p1 {
                        positionTwins += 1
                        if incoming[4 * j + 1] == w1, incoming[4 * j + 2] == w0,
                           materials == nil || materials![Int(incoming[4 * j + 3])] == materials![t] { wedgeTwins += 1 }
                    }
                } else {
                    // A fan too large for the scratch list: walk P1's corners for twins P1 → P0.
                    self.forEachCorner(p1) { c in
                        let base = self.cornerBase(c)
                        let next = base + (c - base + 1) % 3
                        if self.pos(next) == p0 {
                            positionTwins += 1
                            if self.corners[c] == w1, self.corners[next] == w0,
                               materials == nil || materials![base / 3] == materials![t] { wedgeTwins += 1 }
                        }
                    }
                }
                if p0 < p1 || positionTwins == 0 { edges += 1 }   // gatherCandidates' rule
                if positionTwins > 1 { bad[Int(p0)] = true; bad[Int(p1)] = true }
                if positionTwins == 0 {
                    if borderOut[Int(p0)] != Decimator.none { bad[Int(p0)] = true }
                    if borderIn[Int(p1)] != Decimator.none { bad[Int(p1)] = true }
                    borderOut[Int(p0)] = p1; borderIn[Int(p1)] = p0
                } else if wedgeTwins == 0 {
                    // A seam half-edge: record its far position at both ends.
                    for (a, b) in [(p0, p1), (p1, p0)] {
                        seamHalfEdges[Int(a)] &+= 1
                        if seamA[Int(a)] == Decimator.none || seamA[Int(a)] == b { seamA[Int(a)] = b }
                        else if seamB[Int(a)] == Decimator.none || seamB[Int(a)] == b { seamB[Int(a)] = b }
                        else { bad[Int(a)] = true }
                    }
                }
            }
        }
        edgeCount = edges
        for p in 0..<positionCount {
            var wedges = 0
            var w = firstWedge[p]
            while w != Decimator.none { wedges += 1; w = nextWedge[Int(w)] }
            let hasBorder = borderOut[p] != Decimator.none || borderIn[p] != Decimator.none
            let hasSeam = seamHalfEdges[p] > 0
            if bad[p] || (hasBorder && hasSeam) {
                kind[p] = .locked
            } else if hasBorder {
                if borderOut[p] != Decimator.none, borderIn[p] != Decimator.none, wedges == 1, !options.lockBorders {
                    kind[p] = .border; chainNext[p] = borderOut[p]; chainPrev[p] = borderIn[p]
                } else {
                    kind[p] = .locked
                }
            } else if hasSeam {
                // Two wedges, each side's two open half-edges: 4 seam half-edge ends, 2 neighbours.
                if wedges == 2, seamHalfEdges[p] == 4, seamA[p] != Decimator.none, seamB[p] != Decimator.none {
                    kind[p] = .seam; chainPrev[p] = seamA[p]; chainNext[p] = seamB[p]
                } else {
                    kind[p] = .locked
                }
            } else {
                kind[p] = wedges == 1 ? .manifold : .locked
            }
        }
    }

    // MARK: Stage 5: quadrics

    /// Area-weighted plane quadrics per position, boundary planes along borders and seams
    /// (Garland–Heckbert §6), and Hoppe's attribute quadrics per wedge.
    func fillQuadrics() {
        let k = attributeCount
        if k > 0 {
            for w in 0..<wedgeCount {
                var o = w * k
                func put(_ v: Float, _ weight: Double) { attributes[o] = v * Float(weight); o += 1 }
                if let n = mesh.normals, options.normalWeight > 0 { for i in 0..<3 { put(n[w][i], options.normalWeight) } }
                if let uv = mesh.uv0, options.uvWeight > 0 { for i in 0..<2 { put(uv[w][i], options.uvWeight) } }
                if let uv = mesh.uv1, options.uvWeight > 0 { for i in 0..<2 { put(uv[w][i], options.uvWeight) } }
                if let col = mesh.colors, options.colorWeight > 0 { for i in 0..<4 { put(col[w][i], options.colorWeight) } }
            }
        }
        for t in 0..<triangleCount {
            if t + Decimator.gatherPrefetch < triangleCount {
                let ahead = 3 * (t + Decimator.gatherPrefetch)
                for e in 0..<3 {
                    let q = UnsafeRawPointer(quadrics.baseAddress! + Int(cornerPositions[ahead + e]))
                    lmk_prefetch(q); lmk_prefetch(q + 80)
                }
            }
            let w0 = Int(corners[3 * t]), w1 = Int(corners[3 * t + 1]), w2 = Int(corners[3 * t + 2])
            let p0 = points[Int(positionOf[w0])].value, p1 = points[Int(positionOf[w1])].value, p2 = points[Int(positionOf[w2])].value
            let e1 = p1 - p0, e2 = p2 - p0
            let n = crossD(e1, e2)
            let n2 = (n * n).sum()
            let len = n2.squareRoot()
            guard len > 0 else { continue }
            let triangleWeight = triangleWeights.map { Double($0[t]) } ?? 1
            let area = 0.5 * len * triangleWeight
            let unit = n / len
            let q = Quadric(plane: unit, d: -(unit * p0).sum(), weight: area)
            quadrics[Int(positionOf[w0])] += q
            quadrics[Int(positionOf[w1])] += q
            quadrics[Int(positionOf[w2])] += q
            if k > 0 {
                // Hoppe 1999: s(p) = g·p + d over the triangle; g = ((s1−s0)(e2×n) + (s2−s0)(n×e1)) / |n|².
                let u = crossD(e2, n) / n2, v = crossD(n, e1) / n2
                var aq = Quadric()
                aq.w = area
                var grads = [AttributeGradient](repeating: AttributeGradient(), count: k)
                for j in 0..<k {
                    let s0 = Double(attributes[w0 * k + j]), s1 = Double(attributes[w1 * k + j]), s2 = Double(attributes[w2 * k + j])
                    let g = (s1 - s0) * u + (s2 - s0) * v
                    let d = s0 - (g * p0).sum()
                    aq.a00 += area * g.x * g.x; aq.a11 += area * g.y * g.y; aq.a22 += area * g.z * g.z
                    aq.a01 += area * g.x * g.y; aq.a02 += area * g.x * g.z; aq.a12 += area * g.y * g.z
                    aq.b0 += area * g.x * d; aq.b1 += area * g.y * d; aq.b2 += area * g.z * d
                    aq.c += area * d * d
                    grads[j] = AttributeGradient(gx: area * g.x, gy: area * g.y, gz: area * g.z, gd: area * d)
                }
                for w in [w0, w1, w2] {
                    attributeQuadrics[w] += aq
                    for j in 0..<k { gradients[w * k + j] += grads[j] }
                }
            }
            // Boundary planes: perpendicular to the face through each open edge.
            for e in 0..<3 {
                let pa = positionOf[Int(corners[3 * t + e])], pb = positionOf[Int(corners[3 * t + (e + 1) % 3])]
                let isBorder = kind[Int(pa)] != .manifold && kind[Int(pb)] != .manifold
                    && (chainNext[Int(pa)] == pb || chainPrev[Int(pa)] == pb || kind[Int(pa)] == .locked || kind[Int(pb)] == .locked)
                guard isBorder, isOpenEdge(pa, pb, triangle: t) else { continue }
                let a = points[Int(pa)].value, b = points[Int(pb)].value
                let edge = b - a
                let edgeLength2 = (edge * edge).sum()
                guard edgeLength2 > 0 else { continue }
                let perp = crossD(edge, unit)
                let pl = (perp * perp).sum().squareRoot()
                guard pl > 0 else { continue }
                let pn = perp / pl
                let weight = (kind[Int(pa)] == .seam || kind[Int(pb)] == .seam) ? 1.0 : 10.0
                let bq = Quadric(plane: pn, d: -(pn * a).sum(), weight: weight * edgeLength2 * triangleWeight)
                var bq0 = bq; bq0.w = 0   // constraint planes do not count as surface area
                quadrics[Int(pa)] += bq0
                quadrics[Int(pb)] += bq0
            }
        }
    }

    /// True when the half-edge pa → pb of triangle `t` has no twin with the same wedges
    /// (a border, a seam or a material border).
    func isOpenEdge(_ pa: UInt32, _ pb: UInt32, triangle t: Int) -> Bool {
        var twin = false
        let materials = mesh.materialIDs
        forEachCorner(pb) { c in
            let base = self.cornerBase(c)
            let next = base + (c - base + 1) % 3
            if self.pos(next) == pa {
                // Same wedges on both sides means a smooth interior edge.
                let mine = self.wedgesOfEdge(t, pa, pb)
                if self.corners[c] == mine.1, self.corners[next] == mine.0,
                   materials == nil || materials![base / 3] == materials![t] { twin = true }
            }
        }
        return !twin
    }

    func wedgesOfEdge(_ t: Int, _ pa: UInt32, _ pb: UInt32) -> (UInt32, UInt32) {
        var wa = Decimator.none, wb = Decimator.none
        for e in 0..<3 {
            let w = corners[3 * t + e]
            if positionOf[Int(w)] == pa { wa = w }
            if positionOf[Int(w)] == pb { wb = w }
        }
        return (wa, wb)
    }

    // MARK: Stage 6: collapse costs

    /// Where P0 → P1 would put the survivor, and the error there; nil when the kinds do not
    /// allow this direction (meshoptimizer's kCanCollapse plus the along-the-line rule).
    @inline(__always) func evaluateCollapse(_ p0: UInt32, _ p1: UInt32) -> (cost: Double, point: SIMD3<Double>)? {
        let k0 = kind[Int(p0)], k1 = kind[Int(p1)]
        var optimal = false
        switch k0 {
        case .locked: return nil
        case .manifold: optimal = k1 == .manifold
        case .border, .seam:
            // Along the line only, into the same kind or into a locked end of the line.
            guard k1 == k0 || k1 == .locked, chainNext[Int(p0)] == p1 || chainPrev[Int(p0)] == p1 else { return nil }
            optimal = k1 == k0
        }
        let q = quadrics[Int(p0)] + quadrics[Int(p1)]
        var point = points[Int(p1)].value
        var cost: Double
        if optimal {
            let a = points[Int(p0)].value, b = points[Int(p1)].value
            if let m = q.minimizer() {
                // Keep the optimum near the edge: far-away minimizers come from nearly
                // singular quadrics and make long, thin triangles.
                let edge = b - a
                let l2 = (edge * edge).sum()
                let t = l2 > 0 ? ((m - a) * edge).sum() / l2 : 0
                let foot = a + Swift.max(0, Swift.min(1, t)) * edge
                let off = m - foot
                point = (off * off).sum() <= l2 ? m : foot
                cost = totalError(q, p0, p1, point)
                // Prefer an endpoint when it is as good: exact corners stay exact. Only
                // near-zero errors (flat or straight regions) are worth the two evaluations.
                let slack = cost * 1e-4 + 1e-13 * Double(q.w)
                if cost <= 1e-9 * q.w {
                let eb = totalError(q, p0, p1, b)
                if eb <= cost + slack { cost = eb; point = b } else {
                    let ea = totalError(q, p0, p1, a)
                    if ea <= cost + slack { cost = ea; point = a }
                }
                }
            } else {
                let mid = (a + b) / 2
                cost = totalError(q, p0, p1, b)
                let ea = totalError(q, p0, p1, a)
                if ea < cost { cost = ea; point = a }
                let em = totalError(q, p0, p1, mid)
                if em < cost { cost = em; point = mid }
            }
        } else {
            cost = totalError(q, p0, p1, point)
        }
        return (cost, point)
    }

    /// Position error plus, with attributes, Hoppe's attribute error at the optimal
    /// attribute values, merging each wedge of P0 with its partner wedge of P1.
    @inline(__always) func totalError(_ q: Quadric, _ p0: UInt32, _ p1: UInt32, _ point: SIMD3<Double>) -> Double {
        var e = q.error(point)
        guard attributeCount > 0 else { return e }
        guard mapWedges(p0, p1) else { return .infinity }
        for i in 0..<wedgePairs {
            let a = Int(wedgeMap[2 * i]), b = Int(wedgeMap[2 * i + 1])
            e += attributeError(attributeQuadrics[a] + attributeQuadrics[b], a, b, point)
        }
        // Wedges of P1 that receive nothing still move with the position.
        var w = firstWedge[Int(p1)]
        while w != Decimator.none {
            var targeted = false
            for i in 0..<wedgePairs where wedgeMap[2 * i + 1] == w { targeted = true }
            if !targeted { e += attributeError(attributeQuadrics[Int(w)], Int(w), -1, point) }
            w = nextWedge[Int(w)]
        }
        return e
    }

    /// Hoppe's attribute error of the (merged) wedge quadric at `point` with the optimal
    /// attribute values s = G·p / w: Q(p) − Σ (G·p)² / w.
    @inline(__always) func attributeError(_ aq: Quadric, _ a: Int, _ b: Int, _ point: SIMD3<Double>) -> Double {
        let k = attributeCount
        var err = aq.error(point)
        let weight = aq.w
        guard weight > 0 else { return err }
        for j in 0..<k {
            var g = gradients[a * k + j]
            if b >= 0 { g += gradients[b * k + j] }
            let s = g.dot(point)
            err -= s * s / weight
        }
        return Swift.max(err, 0)
    }

    /// Pairs each live wedge of P0 with the wedge of P1 that shares a triangle with it
    /// (into `wedgeMap`). False when some wedge of P0 has no partner or two partners.
    func mapWedges(_ p0: UInt32, _ p1: UInt32) -> Bool {
        wedgePairs = 0
        // Fast path: one wedge on each side (manifold and border positions have one).
        let k0 = kind[Int(p0)], k1 = kind[Int(p1)]
        if k0 == .manifold || k0 == .border, k1 == .manifold || k1 == .border {
            wedgeMap[0] = firstWedge[Int(p0)]; wedgeMap[1] = firstWedge[Int(p1)]; wedgePairs = 1
            return true
        }
        let w0 = firstWedge[Int(p0)], w1 = firstWedge[Int(p1)]
        if nextWedge[Int(w0)] == Decimator.none, nextWedge[Int(w1)] == Decimator.none {
            wedgeMap[0] = w0; wedgeMap[1] = w1; wedgePairs = 1
            return true
        }
        var ok = true
        forEachCorner(p0) { c in
            let base = self.cornerBase(c)
            for e in 0..<3 where self.pos(base + e) == p1 {
                let from = self.corners[c], to = self.corners[base + e]
                var found = false
                for i in 0..<self.wedgePairs where self.wedgeMap[2 * i] == from {
                    found = true
                    if self.wedgeMap[2 * i + 1] != to { ok = false }
                }
                if !found {
                    if self.wedgePairs == 4 { ok = false; return }
                    self.wedgeMap[2 * self.wedgePairs] = from; self.wedgeMap[2 * self.wedgePairs + 1] = to
                    self.wedgePairs += 1
                }
            }
        }
        guard ok else { return false }
        // Every wedge of P0 still in use needs a partner.
        var usedUnmapped = false
        forEachCorner(p0) { c in
            let w = self.corners[c]
            var mapped = false
            for i in 0..<self.wedgePairs where self.wedgeMap[2 * i] == w { mapped = true }
            if !mapped { usedUnmapped = true }
        }
        return !usedUnmapped
    }

    // MARK: Stage 7: validity

    /// The link condition (manifold result) and the normal test (no flips, no slivers
    /// turned over) for P0 → P1 with the survivor at `point`.
    @inline(__always) func checkCollapse(_ p0: UInt32, _ p1: UInt32, _ point: SIMD3<Double>) -> Bool {
        // Every wedge of P0 needs one partner wedge of P1 (else its triangles would keep a
        // vertex at the removed position).
        guard mapWedges(p0, p1) else { return false }
        var n0 = 0, n1 = 0, apexes = 0
        var ok = true
        let minCos = options.minNormalCosine
        let cap = Decimator.scratchCapacity
        let from0 = points[Int(p0)].value
        // Around a manifold position (a closed fan, consistently oriented) every neighbour is
        // the next corner of exactly one triangle: the list needs no duplicate search.
        let closedFan0 = kind[Int(p0)] == .manifold
        forEachCorner(p0) { c in
            guard ok else { return }
            let base = self.cornerBase(c)
            let i = c - base
            let qa = self.pos(base + (i + 1) % 3), qb = self.pos(base + (i + 2) % 3)
            if closedFan0 {
                if qa != p1 { if n0 == cap { ok = false; return }; self.neighbours0[n0] = qa; n0 += 1 }
            } else {
                for k in 0..<2 {
                    let q = k == 0 ? qa : qb
                    if q == p1 { continue }
                    var seen = false
                    for j in 0..<n0 where self.neighbours0[j] == q { seen = true; break }
                    if !seen { if n0 == cap { ok = false; return }; self.neighbours0[n0] = q; n0 += 1 }
                }
            }
            if qa == p1 || qb == p1 { apexes += 1; return }
            if !self.keepsOrientation(from0, point, self.points[Int(qa)].value, self.points[Int(qb)].value, minCos) { ok = false }
        }
        guard ok, apexes > 0 else { return false }
        let from1 = points[Int(p1)].value
        let p1Moves = point != from1
        let closedFan1 = kind[Int(p1)] == .manifold
        forEachCorner(p1) { c in
            guard ok else { return }
            let base = self.cornerBase(c)
            let i = c - base
            let qa = self.pos(base + (i + 1) % 3), qb = self.pos(base + (i + 2) % 3)
            if closedFan1 {
                if qa != p0 { if n1 == cap { ok = false; return }; self.neighbours1[n1] = qa; n1 += 1 }
            } else {
                for k in 0..<2 {
                    let q = k == 0 ? qa : qb
                    if q == p0 { continue }
                    var seen = false
                    for j in 0..<n1 where self.neighbours1[j] == q { seen = true; break }
                    if !seen { if n1 == cap { ok = false; return }; self.neighbours1[n1] = q; n1 += 1 }
                }
            }
            if qa == p0 || qb == p0 { return }
            if p1Moves, !self.keepsOrientation(from1, point, self.points[Int(qa)].value, self.points[Int(qb)].value, minCos) { ok = false }
        }
        guard ok else { return false }
        neighbourCount0 = n0
        neighbourCount1 = n1
        // Link condition: the only common neighbours are the apexes of the shared triangles.
        var common = 0
        for i in 0..<n0 {
            let q = neighbours0[i]
            for j in 0..<n1 where neighbours1[j] == q { common += 1; break }
        }
        return common == apexes
    }

    /// True when triangle (moving, a, b) keeps its facing when `moving` goes from `from` to `to`.
    @inline(__always) func keepsOrientation(_ from: SIMD3<Double>, _ to: SIMD3<Double>,
                                            _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ minCos: Double) -> Bool {
        let n0 = crossD(a - from, b - from)
        let n1 = crossD(a - to, b - to)
        let d = (n0 * n1).sum()
        // d > minCos·|n0||n1|, without the square root when minCos ≥ 0 (the usual case).
        let l2 = (n0 * n0).sum() * (n1 * n1).sum()
        guard l2 > 0 else { return false }
        if minCos >= 0 { return d > 0 && d * d > minCos * minCos * l2 }
        return d > minCos * l2.squareRoot()
    }

    // MARK: Stage 8: collapse

    func performCollapse(_ p0: UInt32, _ p1: UInt32, _ point: SIMD3<Double>) {
        // `wedgeMap` holds P0's wedge pairs: checkCollapse just computed them.
        let pairs = wedgePairs
        // Blend parameter of the survivor along the edge, for skin weights and morph targets.
        let a = points[Int(p1)].value, b = points[Int(p0)].value
        let edge = b - a
        let l2 = (edge * edge).sum()
        let t = l2 > 0 ? Swift.max(0, Swift.min(1, ((point - a) * edge).sum() / l2)) : 0
        // Move P0's corners to P1 (or kill the triangles on the edge).
        // P1's corner list is not extended: P1 takes part in no other collapse this pass,
        // and the next pass rebuilds the lists.
        forEachCorner(p0) { c in
            let base = self.cornerBase(c)
            if self.pos(base) == p1 || self.pos(base + 1) == p1 || self.pos(base + 2) == p1 {
                self.alive[c / 3] = false
                self.cornerPositions[base] = Decimator.none
                self.cornerPositions[base + 1] = Decimator.none
                self.cornerPositions[base + 2] = Decimator.none
                self.liveTriangles -= 1
            } else {
                let w = self.corners[c]
                for i in 0..<pairs where self.wedgeMap[2 * i] == w { self.corners[c] = self.wedgeMap[2 * i + 1] }
                self.cornerPositions[c] = p1
            }
        }
        quadrics[Int(p1)] += quadrics[Int(p0)]
        points[Int(p1)].value = point
        moved[Int(p1)] = true
        let k = attributeCount
        for i in 0..<pairs {
            let wf = Int(wedgeMap[2 * i]), wt = Int(wedgeMap[2 * i + 1])
            if k > 0 {
                attributeQuadrics[wt] += attributeQuadrics[wf]
                for j in 0..<k { gradients[wt * k + j] += gradients[wf * k + j] }
            }
            blendCarriedAttributes(into: wt, from: wf, t: t)
        }
        // Keep the border/seam line linked.
        if kind[Int(p0)] == .border || kind[Int(p0)] == .seam {
            if chainNext[Int(p0)] == p1 {
                let before = chainPrev[Int(p0)]
                if chainPrev[Int(p1)] == p0 { chainPrev[Int(p1)] = before } else if chainNext[Int(p1)] == p0 { chainNext[Int(p1)] = before }
                if before != Decimator.none {
                    if chainNext[Int(before)] == p0 { chainNext[Int(before)] = p1 } else if chainPrev[Int(before)] == p0 { chainPrev[Int(before)] = p1 }
                }
            } else {
                let after = chainNext[Int(p0)]
                if chainNext[Int(p1)] == p0 { chainNext[Int(p1)] = after } else if chainPrev[Int(p1)] == p0 { chainPrev[Int(p1)] = after }
                if after != Decimator.none {
                    if chainPrev[Int(after)] == p0 { chainPrev[Int(after)] = p1 } else if chainNext[Int(after)] == p0 { chainNext[Int(after)] = p1 }
                }
            }
        }
    }

    /// Skin weights and morph-target displacements: linear blend of the two wedges at the
    /// survivor's parameter t along the edge (t = 0 keeps the survivor's own values).
    func blendCarriedAttributes(into wt: Int, from wf: Int, t: Double) {
        guard t > 0, carriesSkin || carriesTargets else { return }
        let tf = Float(t)
        if carriesSkin {
            // Read into locals first: holding the arrays would make each write copy them.
            let ja = mesh.joints![wt], wa = mesh.weights![wt], jb = mesh.joints![wf], wb = mesh.weights![wf]
            var j = ja
            let w = SkinWeights.blend(ja, wa, jb, wb, t: tf, into: &j)
            mesh.joints![wt] = j
            mesh.weights![wt] = w
        }
        for i in mesh.targets.indices {
            if mesh.targets[i].positions != nil {
                let a = mesh.targets[i].positions![wt], b = mesh.targets[i].positions![wf]
                mesh.targets[i].positions![wt] = a + (b - a) * tf
            }
            if mesh.targets[i].normals != nil {
                let a = mesh.targets[i].normals![wt], b = mesh.targets[i].normals![wf]
                mesh.targets[i].normals![wt] = a + (b - a) * tf
            }
            if mesh.targets[i].tangents != nil {
                let a = mesh.targets[i].tangents![wt], b = mesh.targets[i].tangents![wf]
                mesh.targets[i].tangents![wt] = a + (b - a) * tf
            }
        }
    }

    // MARK: Stage 6b: candidate collapses, one pass at a time

    /// Gathers every live edge once (an interior edge from its lower-id end, a border edge
    /// from its one half-edge) with its cheaper allowed direction and cost; returns the count.
    /// Costs are cached per slot: an edge whose positions were not collapsed in the previous
    /// pass has the same quadrics, points, kinds and wedges, so its cost is reused.
    func gatherCandidates(pass: UInt32, costs candidateCost: UnsafeMutablePointer<Float>,
                          edges candidateEdge: UnsafeMutablePointer<UInt64>, capacity: Int) -> Int {
        var n = 0
        let kinds = kind
        let previous = pass &- 1
        let reuse = pass > 1
        let infinity = Float.infinity.bitPattern
        let live = liveListCount
        for i in 0..<live {
            // Positions are numbered in first-use order, but a triangle's corners still
            // reach far: ask for the data of the triangle a few ahead.
            if i + Decimator.gatherPrefetch < live {
                let ahead = 3 * Int(liveList[i + Decimator.gatherPrefetch])
                for e in 0..<3 {
                    let p = Int(cornerPositions[ahead + e])
                    let q = UnsafeRawPointer(quadrics.baseAddress! + p)
                    lmk_prefetch(q); lmk_prefetch(q + 80)
                    lmk_prefetch(points.baseAddress! + p)
                    lmk_prefetch(passOf.baseAddress! + p)
                }
            }
            let t = Int(liveList[i])
            for e in 0..<3 {
                let slot = 3 * t + e
                let a = pos(slot), b = pos(3 * t + (e + 1) % 3)
                let bothManifold = kinds[Int(a)] == .manifold && kinds[Int(b)] == .manifold
                if a > b {
                    // Between two manifold positions every edge has its twin (b → a), which
                    // emits it; otherwise look for the twin.
                    if bothManifold || hasDirectedEdge(b, a) { continue }
                }
                var code: UInt32
                if reuse, passOf[Int(a)] != previous, passOf[Int(b)] != previous {
                    code = slotCost[slot]
                } else {
                    var cost = Double.infinity, reversed = false
                    if let (c, _) = evaluateCollapse(a, b) { cost = c }
                    if !bothManifold, let (c, _) = evaluateCollapse(b, a), c < cost { cost = c; reversed = true }
                    counters[7] += 1
                    let f = Float(cost)
                    code = f.isFinite ? f.bitPattern | (reversed ? 0x8000_0000 : 0) : infinity
                    slotCost[slot] = code
                }
                let bits = code & 0x7FFF_FFFF
                guard bits < infinity, n < capacity else { continue }
                candidateCost[n] = Float(bitPattern: bits)
                candidateEdge[n] = code & 0x8000_0000 != 0 ? UInt64(b) << 32 | UInt64(a) : UInt64(a) << 32 | UInt64(b)
                n += 1
            }
        }
        return n
    }

    // MARK: Driver

    /// Collapses in passes (meshoptimizer's `simplify` loop): each pass costs every live
    /// edge, sorts the costs (radix sort, no heap), then performs collapses cheapest first.
    /// Within a pass a position takes part in one collapse at most, so every cost read is
    /// still exact when its collapse is performed; the pass stops early when costs pass
    /// 1.5× the cost at which the pass would have met its goal (after a tenth of the goal),
    /// so cheap collapses created by this pass are not jumped over. Collapses rejected by
    /// the link or normal test are retried next pass, with their neighbourhood changed.
    func run(target: Int, maxError: Double?) {
        let progress = options.showProgress && triangleCount > 200_000
            ? ProgressBar("decimating", total: Swift.max(1, triangleCount - target), logger: logger) : nil
        let maxCost = maxError.map { $0 * $0 }
        var pass: UInt32 = 0
        // Candidates (cost, P0 << 32 | P1), 12 bytes per edge: the first pass's edges are the
        // most there will be (collapses only remove edges).
        let capacity = edgeCount + 64
        let candidateCost = alloc.makeUninitialized(capacity, Float.self).baseAddress!
        let candidateEdge = alloc.makeUninitialized(capacity, UInt64.self).baseAddress!
        while liveTriangles > target {
            if pass > 0 { buildCornerLists() }
            let count = gatherCandidates(pass: pass + 1, costs: candidateCost, edges: candidateEdge, capacity: capacity)
            if count == 0 { break }
            RadixSort.sort(count: count, keys: candidateCost, values: candidateEdge,
                           significantBits: Decimator.sortBits)
            pass += 1
            let before = liveTriangles
            let goal = before - target                         // triangles still to remove
            let edgeGoal = goal / 2                             // a collapse removes about two
            let errorGoal = edgeGoal < count ? 1.5 * candidateCost[edgeGoal] : .infinity
            for i in 0..<count {
                if liveTriangles <= target { break }
                prefetchCandidates(candidateEdge, i, count)
                if candidateCost[i] > errorGoal, before - liveTriangles > goal / 10 { break }
                let edge = candidateEdge[i]
                let p0 = UInt32(truncatingIfNeeded: edge >> 32), p1 = UInt32(truncatingIfNeeded: edge)
                // Positions collapsed this pass have changed; each is marked (P0 too).
                if passOf[Int(p0)] == pass || passOf[Int(p1)] == pass { continue }
                guard let (cost, point) = evaluateCollapse(p0, p1) else { continue }
                // Without attributes the cost is the position error itself.
                let normalized: Double
                if attributeCount == 0 {
                    let w = quadrics[Int(p0)].w + quadrics[Int(p1)].w
                    normalized = w > 0 ? cost / w : 0
                } else {
                    let q = quadrics[Int(p0)] + quadrics[Int(p1)]
                    normalized = q.w > 0 ? q.error(point) / q.w : 0
                }
                if let maxCost, normalized > maxCost { continue }
                counters[5] += 1
                guard checkCollapse(p0, p1, point) else { continue }
                counters[6] += 1
                if normalized > maxErrorSquared.pointee { maxErrorSquared.pointee = normalized }
                performCollapse(p0, p1, point)
                passOf[Int(p0)] = pass; passOf[Int(p1)] = pass
            }
            progress?.update(triangleCount - liveTriangles)
            if debugTiming {
                passLog.append("\(before)→\(liveTriangles) cand \(count) eval \(counters[7])")
                counters[7] = 0
            }
            if liveTriangles == before { break }
        }
        passes = Int(pass)
        progress?.finish()
    }

    /// Candidates are visited in cost order, so each one's data is a cache miss away: ask for
    /// it ahead, in three stages along the chain of reads the collapse will make (corner range,
    /// kinds, marks and first wedges; then corner ids, points and quadrics; then the triangles
    /// around both ends), each stage reading what the previous one asked for. (A fourth stage
    /// for the neighbours' points measured no gain.)
    @inline(__always) func prefetchCandidates(_ edges: UnsafeMutablePointer<UInt64>, _ i: Int, _ count: Int) {
        let d = Decimator.prefetchDistance
        @inline(__always) func ends(_ j: Int) -> (Int, Int) {
            let e = edges[j]
            return (Int(truncatingIfNeeded: e >> 32), Int(truncatingIfNeeded: e & 0xFFFF_FFFF))
        }
        if i + 4 * d < count {
            let (p0, p1) = ends(i + 4 * d)
            lmk_prefetch(cornerStart.baseAddress! + p0); lmk_prefetch(cornerStart.baseAddress! + p1)
            lmk_prefetch(passOf.baseAddress! + p0); lmk_prefetch(passOf.baseAddress! + p1)
            lmk_prefetch(kind.baseAddress! + p0); lmk_prefetch(kind.baseAddress! + p1)
            lmk_prefetch(firstWedge.baseAddress! + p0); lmk_prefetch(firstWedge.baseAddress! + p1)
        }
        if i + 3 * d < count {
            let (p0, p1) = ends(i + 3 * d)
            lmk_prefetch(cornerList.baseAddress! + Int(cornerStart[p0]))
            lmk_prefetch(cornerList.baseAddress! + Int(cornerStart[p1]))
            lmk_prefetch(points.baseAddress! + p0); lmk_prefetch(points.baseAddress! + p1)
            let q0 = UnsafeRawPointer(quadrics.baseAddress! + p0), q1 = UnsafeRawPointer(quadrics.baseAddress! + p1)
            lmk_prefetch(q0); lmk_prefetch(q0 + 80); lmk_prefetch(q1); lmk_prefetch(q1 + 80)
        }
        if i + 2 * d < count {
            let (p0, p1) = ends(i + 2 * d)
            prefetchTriangles(of: p0)
            prefetchTriangles(of: p1)
        }
    }
    @inline(__always) func prefetchTriangles(of p: Int) {
        var j = Int(cornerStart[p])
        let end = Swift.min(Int(cornerStart[p + 1]), j + 8)
        while j < end {
            let c = Int(cornerList[j])
            lmk_prefetch(cornerPositions.baseAddress! + c)
            lmk_prefetch(corners.baseAddress! + c)
            j += 1
        }
    }
    /// Candidates between prefetch stages (tuned on the 1.3 M-triangle bumpy sphere).
    static let prefetchDistance = 6
    /// Triangles ahead that `gatherCandidates` prefetches.
    static let gatherPrefetch = 8
    /// Positions ahead whose triangles `classifyPositions` prefetches.
    static let classifyPrefetch = 4
    /// Candidate costs are sorted on their top 16 bits (1/128 relative resolution): the exact
    /// order of nearly equal costs does not change the result measurably (RMS within ±1 % on
    /// the benchmark meshes) and the sort takes one level less.
    static let sortBits = 16

    func hasDirectedEdge(_ a: UInt32, _ b: UInt32) -> Bool {
        var found = false
        forEachCorner(a) { c in
            let base = self.cornerBase(c)
            if self.pos(base + (c - base + 1) % 3) == b { found = true }
        }
        return found
    }

    // MARK: Stage 9: result

    /// Compacts live wedges (in input order) and triangles; moved positions get their
    /// new point and, with attribute quadrics, the optimal attribute values there.
    func writeResult() -> Mesh {
        var used = [Int32](repeating: -1, count: wedgeCount)
        var order: [Int] = []
        var indices: [UInt32] = []
        var materials: [Int32]? = mesh.materialIDs == nil ? nil : []
        indices.reserveCapacity(liveTriangles * 3)
        for t in 0..<triangleCount where alive[t] {
            for e in 0..<3 { let w = Int(corners[3 * t + e]); if used[w] < 0 { used[w] = 0 } }
        }
        for w in 0..<wedgeCount where used[w] == 0 { used[w] = Int32(order.count); order.append(w) }

        for t in 0..<triangleCount where alive[t] {
            for e in 0..<3 { indices.append(UInt32(used[Int(corners[3 * t + e])])) }
            materials?.append(mesh.materialIDs![t])
        }
        var out = Mesh(positions: [], indices: indices)
        out.materialIDs = materials
        let k = attributeCount
        out.positions = order.map { w in
            let p = positionOf[w]
            return moved[Int(p)] ? SIMD3<Float>(points[Int(p)].value / scale + center) : mesh.positions[w]
        }
        // Attributes: optimal values s = G·p / w for moved wedges (Hoppe 1999), else the input's.
        func optimal(_ w: Int) -> [Float]? {
            guard k > 0, moved[Int(positionOf[w])] else { return nil }
            let aq = attributeQuadrics[w]
            guard aq.w > 0 else { return nil }
            let p = points[Int(positionOf[w])].value
            return (0..<k).map { Float(gradients[w * k + $0].dot(p) / Double(aq.w)) }
        }
        var normals = mesh.normals.map { n in order.map { n[$0] } }
        var uv0 = mesh.uv0.map { uv in order.map { uv[$0] } }
        var uv1 = mesh.uv1.map { uv in order.map { uv[$0] } }
        var colors = mesh.colors.map { c in order.map { c[$0] } }
        for (i, w) in order.enumerated() {
            guard let s = optimal(w) else { continue }
            var o = 0
            if mesh.normals != nil, options.normalWeight > 0 {
                let n = SIMD3<Float>(s[0], s[1], s[2]) / Float(options.normalWeight)
                let l = (n * n).sum().squareRoot()
                if l > 1e-6 { normals![i] = n / l }
                o += 3
            }
            if mesh.uv0 != nil, options.uvWeight > 0 { uv0![i] = SIMD2(s[o], s[o + 1]) / Float(options.uvWeight); o += 2 }
            if mesh.uv1 != nil, options.uvWeight > 0 { uv1![i] = SIMD2(s[o], s[o + 1]) / Float(options.uvWeight); o += 2 }
            if mesh.colors != nil, options.colorWeight > 0 {
                let c = SIMD4(s[o], s[o + 1], s[o + 2], s[o + 3]) / Float(options.colorWeight)
                colors![i] = pointwiseMin(pointwiseMax(c, .zero), SIMD4(repeating: 1))
            }
        }
        out.normals = normals; out.uv0 = uv0; out.uv1 = uv1; out.colors = colors
        if let tangents = mesh.tangents {
            out.tangents = order.enumerated().map { i, w in
                var t = tangents[w]
                if let n = out.normals?[i] {
                    var v = SIMD3(t.x, t.y, t.z)
                    v -= n * (v * n).sum()
                    let l = (v * v).sum().squareRoot()
                    if l > 1e-6 { v /= l; t = SIMD4(v.x, v.y, v.z, t.w) }
                }
                return t
            }
        }
        out.joints = mesh.joints.map { j in order.map { j[$0] } }
        out.weights = mesh.weights.map { w in order.map { w[$0] } }
        out.targets = mesh.targets.map { target in
            Mesh.MorphTarget(positions: target.positions.map { p in order.map { p[$0] } },
                             normals: target.normals.map { n in order.map { n[$0] } },
                             tangents: target.tangents.map { g in order.map { g[$0] } })
        }
        return out
    }
}

// MARK: - Public entry point

/// Decimates a triangle mesh by quadric-error edge collapse.
///
/// Returns the simplified mesh (vertices are a subset of the input's wedges, in input
/// order, with moved positions and re-optimized attributes) and a report.
///
/// - Parameters:
///   - mesh: indexed triangles; every attribute is carried. UV/normal seams (vertices with
///     equal positions and different attributes) and material borders (`materialIDs`) are
///     kept as lines: their vertices only collapse along them. Skin weights are blended and
///     kept at ≤ 4 influences summing to 1. Degenerate triangles are dropped with a warning.
///   - options: targets and weights; `options.validate()` is called first.
/// - Throws: `DecimationError` for bad options or a mesh that fails `Mesh.validate()`.
/// - Complexity: O(n log n) time, memory linear in the vertex count.
public func decimate(_ mesh: Mesh, options: DecimationOptions) throws -> (mesh: Mesh, report: DecimationReport) {
    try options.validate()
    do { try mesh.validate() } catch let e as MeshError { throw DecimationError.invalidMesh(e) }

    var report = DecimationReport()
    report.trianglesIn = mesh.triangleCount
    report.verticesIn = mesh.vertexCount

    // 1. Clean triangles and split material borders into seams.
    if let w = options.triangleWeights, w.count != mesh.triangleCount {
        throw DecimationError.invalidOptions("triangleWeights has \(w.count) weights for \(mesh.triangleCount) triangles")
    }
    var work = mesh
    var weights = options.triangleWeights
    report.degenerateTrianglesRemoved = prepareTriangles(&work, weights: &weights)
    if report.degenerateTrianglesRemoved > 0 {
        report.warnings.append("\(report.degenerateTrianglesRemoved) degenerate (zero-area or repeated-corner) triangles removed")
    }
    let target = options.targetCount(input: mesh.triangleCount)
    guard work.triangleCount > 0 else {
        var empty = work; empty.indices = []
        report.warnings.append("no triangles left to decimate")
        return (empty, report)
    }

    // 2–5. Positions, adjacency, kinds and quadrics.
    let clock = ContinuousClock()
    var stamps: [(String, ContinuousClock.Instant)] = [("start", clock.now)]
    let decimator = Decimator(mesh: work, options: options, triangleWeights: weights)
    stamps.append(("weld", clock.now))
    decimator.buildCornerLists(); stamps.append(("corners", clock.now))
    decimator.classifyPositions(); stamps.append(("classify", clock.now))
    decimator.fillQuadrics(); stamps.append(("quadrics", clock.now))
    for p in 0..<decimator.positionCount where decimator.kind[p] == .locked { report.lockedPositions += 1 }

    // 6–8. Collapse cheapest edges first until a target is reached.
    decimator.run(target: target, maxError: options.maxError)

    stamps.append(("collapse", clock.now))
    // 9. Compact.
    let result = decimator.writeResult()
    stamps.append(("write", clock.now))
    if decimator.debugTiming {
        let parts = zip(stamps, stamps.dropFirst()).map { "\($1.0) \($1.1 - $0.1)" }
        logger.debug("decimate: \(parts.joined(separator: ", ")), passes \(decimator.passes), checks \(decimator.counters[5]), collapses \(decimator.counters[6]); passes: \(decimator.passLog.joined(separator: "; "))")
    }
    report.trianglesOut = result.triangleCount
    report.verticesOut = result.vertexCount
    report.error = decimator.maxErrorSeen
    report.scratchBytes = decimator.alloc.bytes
    if result.triangleCount > target {
        if let limit = options.maxError {
            report.warnings.append("stopped at \(result.triangleCount) triangles (target \(target)): further collapses exceed the error limit \(limit)")
        } else {
            report.warnings.append("stopped at \(result.triangleCount) triangles (target \(target)): no further collapse keeps the mesh manifold and unflipped")
        }
    }
    return (result, report)
}
