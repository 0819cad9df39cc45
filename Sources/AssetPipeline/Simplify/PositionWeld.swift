import Foundation

/// Groups vertices with exactly equal positions (meshoptimizer's `buildPositionRemap`), with
/// an open-addressing hash table over flat arrays instead of a `Dictionary`: no hashing
/// seed, no boxing, linear probing in one allocation.
enum PositionWeld {
    /// Assigns each vertex the id of its position: ids count up from 0 in order of first
    /// appearance, so vertex `v` gets id `ids[v]` and `representatives[id]` is the first
    /// vertex with that position. Equality is `Float` equality (−0 equals +0); positions
    /// must not be NaN (`Mesh.validate()` rejects them).
    ///
    /// - Parameters:
    ///   - positions: one position per vertex.
    ///   - ids: at least `positions.count` elements; receives each vertex's position id.
    /// - Returns: the first vertex of each position, indexed by id.
    static func weld(_ positions: UnsafeBufferPointer<SIMD3<Float>>, ids: UnsafeMutableBufferPointer<UInt32>) -> [UInt32] {
        let n = positions.count
        precondition(ids.count >= n, "PositionWeld: ids needs positions.count elements")
        var capacity = 16
        while capacity < 2 * n { capacity <<= 1 }
        let mask = capacity - 1
        let empty = UInt32.max
        let table = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)   // vertex ids
        defer { table.deallocate() }
        table.initialize(repeating: empty, count: capacity)
        var representatives: [UInt32] = []
        representatives.reserveCapacity(n)
        for v in 0..<n {
            let p = positions[v]
            var slot = hash(p) & mask
            while true {
                let other = table[slot]
                if other == empty {
                    table[slot] = UInt32(v)
                    ids[v] = UInt32(representatives.count)
                    representatives.append(UInt32(v))
                    break
                }
                if positions[Int(other)] == p { ids[v] = ids[Int(other)]; break }
                slot = (slot + 1) & mask
            }
        }
        return representatives
    }

    /// A hash of the bit patterns, with −0 read as +0 so that equal positions hash equally.
    @inline(__always) static func hash(_ p: SIMD3<Float>) -> Int {
        let x = p.x == 0 ? 0 : p.x.bitPattern, y = p.y == 0 ? 0 : p.y.bitPattern, z = p.z == 0 ? 0 : p.z.bitPattern
        var h = UInt64(x) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(y) &* 0xC2B2_AE3D_27D4_EB4F ^ UInt64(z) &* 0x1656_67B1_9E37_79F9
        h ^= h >> 29
        h &*= 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }
}
