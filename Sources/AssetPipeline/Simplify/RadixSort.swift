import Foundation

/// In-place radix sort of (non-negative `Float` key, `UInt64` value) pairs.
///
/// Non-negative IEEE floats (and +∞) order like their bit patterns read as unsigned
/// integers, so sorting the bit patterns byte by byte sorts the keys exactly, without
/// comparisons (meshoptimizer's `sortEdgeCollapses` makes one such pass over the top bits;
/// this sorts all 32). It is an American flag sort (McIlroy, Bostic, McIlroy, "Engineering
/// Radix Sort", Computing Systems 1993): most significant byte first, each bucket permuted
/// in place by cycles, then each bucket sorted by the next byte; buckets of 32 or fewer go
/// to insertion sort. No scratch memory (an LSD sort would need a second copy of both
/// arrays), O(n) time per byte. The values travel with their keys, so a caller reads the
/// sorted pairs front to back. Equal keys end in an unspecified (but deterministic) order.
enum RadixSort {
    /// Sorts `keys[0..<count]` ascending in place, permuting `values[0..<count]` alike.
    ///
    /// - Parameters:
    ///   - count: the number of pairs; both buffers need at least this many elements.
    ///   - keys: non-negative (or ±0) keys, finite or +∞. NaN and negative keys sort after +∞
    ///     (their sign bit makes them the largest); callers must not pass them.
    ///   - values: the payload of each key.
    ///   - significantBits: 32 sorts exactly; fewer (8, 16 or 24) sorts by the top bits only,
    ///     leaving keys that agree in them in an unspecified order: 16 bits (sign, exponent and
    ///     7 mantissa bits) order keys that differ by more than 1/128 of their value.
    static func sort(count n: Int, keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<UInt64>,
                     significantBits: Int = 32) {
        guard n > 1 else { return }
        precondition([8, 16, 24, 32].contains(significantBits), "significantBits must be 8, 16, 24 or 32")
        let bits = UnsafeMutableRawPointer(keys).assumingMemoryBound(to: UInt32.self)
        let table = UnsafeMutablePointer<Int>.allocate(capacity: 4 * levelStride)   // per level: next, end, bounds
        defer { table.deallocate() }
        sortRange(bits, values, 0, n, shift: 24, lastShift: UInt32(32 - significantBits), table: table)
    }

    /// Scratch per recursion level: bucket heads (256), bucket ends (256), bucket bounds (257).
    private static let levelStride = 256 + 256 + 257

    private static func sortRange(_ keys: UnsafeMutablePointer<UInt32>, _ values: UnsafeMutablePointer<UInt64>,
                                  _ lo: Int, _ hi: Int, shift: UInt32, lastShift: UInt32, table: UnsafeMutablePointer<Int>) {
        if hi - lo <= 32 {
            insertionSort(keys, values, lo, hi)
            return
        }
        let next = table, end = table + 256
        for b in 0..<256 { next[b] = 0 }
        for i in lo..<hi { next[Int((keys[i] >> shift) & 255)] += 1 }
        var sum = lo
        for b in 0..<256 { let c = next[b]; next[b] = sum; sum += c; end[b] = sum }
        // Permute in place: take the element at the head of bucket b and swap it to where
        // its own bucket's head is, until one belonging to b comes back.
        for b in 0..<256 {
            while next[b] < end[b] {
                var k = keys[next[b]], v = values[next[b]]
                var d = Int((k >> shift) & 255)
                while d != b {
                    let j = next[d]
                    next[d] = j + 1
                    swap(&k, &keys[j]); swap(&v, &values[j])
                    d = Int((k >> shift) & 255)
                }
                keys[next[b]] = k; values[next[b]] = v
                next[b] += 1
            }
        }
        guard shift > lastShift else { return }
        // The bounds live in this level's table (the recursion uses the next level's).
        let bounds = table + 512
        bounds[0] = lo
        for b in 0..<256 { bounds[b + 1] = end[b] }
        for b in 0..<256 where bounds[b + 1] - bounds[b] > 1 {
            sortRange(keys, values, bounds[b], bounds[b + 1], shift: shift - 8, lastShift: lastShift, table: table + levelStride)
        }
    }

    private static func insertionSort(_ keys: UnsafeMutablePointer<UInt32>, _ values: UnsafeMutablePointer<UInt64>,
                                      _ lo: Int, _ hi: Int) {
        guard hi - lo > 1 else { return }
        for i in (lo + 1)..<hi {
            let k = keys[i], v = values[i]
            var j = i
            while j > lo, keys[j - 1] > k { keys[j] = keys[j - 1]; values[j] = values[j - 1]; j -= 1 }
            keys[j] = k; values[j] = v
        }
    }
}
