// Vertex cache and vertex fetch ordering of a triangle mesh through Debian's libmeshoptimizer
// (Kapoulkine, meshoptimizer 0.18): `meshopt_optimizeVertexCache` (Forsyth-style, tuned for
// post-transform caches) reorders triangles, then `meshopt_optimizeVertexFetchRemap` numbers
// vertices in first-use order so vertex fetches stream through memory.
import CMeshOptimizer
import Foundation

/// Post-transform cache figures of an index order (meshoptimizer's `meshopt_analyzeVertexCache`
/// with a 16-entry FIFO, no warps): ACMR = vertices transformed per triangle (0.5 is ideal,
/// 3 the worst), ATVR = vertices transformed per vertex (1 is ideal).
public struct VertexCacheStatistics: Sendable, Codable, Equatable {
    public var acmr: Double
    public var atvr: Double
}

/// ACMR/ATVR of `indices` over `vertexCount` vertices for a 16-entry FIFO cache.
/// - Precondition: every index < `vertexCount`; `indices.count` a multiple of 3.
public func vertexCacheStatistics(indices: [UInt32], vertexCount: Int) -> VertexCacheStatistics {
    guard !indices.isEmpty, vertexCount > 0 else { return VertexCacheStatistics(acmr: 0, atvr: 0) }
    let s = indices.withUnsafeBufferPointer { meshopt_analyzeVertexCache($0.baseAddress, indices.count, vertexCount, 16, 0, 0) }
    return VertexCacheStatistics(acmr: Double(s.acmr), atvr: Double(s.atvr))
}

extension Mesh {
    /// The same triangles, reordered for the vertex cache, with vertices renumbered in
    /// first-use order (unused vertices dropped) and every attribute, skin and morph target
    /// moved along. `materialIDs` follow their triangles.
    public func optimizedForVertexOrder() -> Mesh {
        let n = vertexCount
        guard triangleCount > 0, n > 0 else { return self }
        // 1. Triangle order for the post-transform cache. meshoptimizer keeps each triangle's
        //    corners together (it may rotate them), so find where each triangle went.
        var cacheOrdered = [UInt32](repeating: 0, count: indices.count)
        indices.withUnsafeBufferPointer { src in
            cacheOrdered.withUnsafeMutableBufferPointer { dst in
                meshopt_optimizeVertexCache(dst.baseAddress, src.baseAddress, indices.count, n)
            }
        }
        var newMaterials: [Int32]?
        if let materialIDs {
            // Triangles are permuted as a whole (corners possibly rotated): match by sorted corners.
            var byKey: [SIMD3<UInt32>: [Int]] = [:]
            for t in 0..<triangleCount {
                let c = [indices[3 * t], indices[3 * t + 1], indices[3 * t + 2]].sorted()
                byKey[SIMD3(c[0], c[1], c[2]), default: []].append(t)
            }
            newMaterials = (0..<triangleCount).map { t in
                let c = [cacheOrdered[3 * t], cacheOrdered[3 * t + 1], cacheOrdered[3 * t + 2]].sorted()
                let key = SIMD3(c[0], c[1], c[2])
                let original = byKey[key]!.removeLast()
                return materialIDs[original]
            }
        }
        // 2. Vertex numbering in first-use order.
        var remap = [UInt32](repeating: 0, count: n)
        let unique = cacheOrdered.withUnsafeBufferPointer { src in
            remap.withUnsafeMutableBufferPointer { dst in
                meshopt_optimizeVertexFetchRemap(dst.baseAddress, src.baseAddress, indices.count, n)
            }
        }
        var order = [Int](repeating: 0, count: unique)          // new vertex → old vertex
        for old in 0..<n where remap[old] != UInt32.max { order[Int(remap[old])] = old }
        func move<T>(_ a: [T]?) -> [T]? { a.map { a in order.map { a[$0] } } }
        var out = Mesh(positions: order.map { positions[$0] }, indices: cacheOrdered.map { remap[Int($0)] })
        out.normals = move(normals)
        out.tangents = move(tangents)
        out.uv0 = move(uv0)
        out.uv1 = move(uv1)
        out.colors = move(colors)
        out.joints = move(joints)
        out.weights = move(weights)
        out.targets = targets.map { MorphTarget(positions: move($0.positions), normals: move($0.normals), tangents: move($0.tangents)) }
        out.materialIDs = newMaterials
        return out
    }
}
