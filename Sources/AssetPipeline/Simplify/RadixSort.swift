import Foundation

/// Least-significant-digit radix sort of (non-negative `Float` key, `UInt64` value) pairs.
///
/// Non-negative IEEE floats (and +∞) order like their bit patterns read as unsigned
/// integers, so four stable counting passes over the key's bytes sort them exactly, in O(n)
/// time and without comparisons (meshoptimizer's `sortEdgeCollapses` uses one such pass
/// over the top bits; this sorts all 32). The values travel with their keys, so a caller
/// then reads the sorted pairs front to back instead of jumping through an index order.
/// Equal keys keep their input order.
enum RadixSort {
    /// Sorts `keys[0..<count]` ascending in place, permuting `values` alike.
    ///
    /// - Parameters:
    ///   - count: the number of pairs; all four buffers need at least this many elements.
    ///   - keys: non-negative (or ±0) keys, finite or +∞. NaN and negative keys sort after +∞
    ///     (their sign bit makes them the largest); callers must not pass them.
    ///   - values: the payload of each key.
    ///   - scratchKeys, scratchValues: working memory (contents overwritten).
    static func sort(count n: Int, keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<UInt64>,
                     scratchKeys: UnsafeMutablePointer<Float>, scratchValues: UnsafeMutablePointer<UInt64>) {
        guard n > 1 else { return }
        let histogram = UnsafeMutablePointer<Int>.allocate(capacity: 4 * 256)
        defer { histogram.deallocate() }
        histogram.initialize(repeating: 0, count: 4 * 256)
        let bits = UnsafeMutableRawPointer(keys).assumingMemoryBound(to: UInt32.self)
        let scratchBits = UnsafeMutableRawPointer(scratchKeys).assumingMemoryBound(to: UInt32.self)
        for i in 0..<n {
            let k = Int(bits[i])
            histogram[k & 255] += 1
            histogram[256 + (k >> 8) & 255] += 1
            histogram[512 + (k >> 16) & 255] += 1
            histogram[768 + (k >> 24)] += 1
        }
        // Exclusive prefix sums: the first slot of each byte value, per pass.
        for pass in 0..<4 {
            var sum = 0
            for b in 0..<256 {
                let c = histogram[pass * 256 + b]
                histogram[pass * 256 + b] = sum
                sum += c
            }
        }
        // Four passes: keys → scratch → keys → scratch → keys, so the result ends in place.
        var fromBits = bits, toBits = scratchBits
        var fromValues = values, toValues = scratchValues
        for pass in 0..<4 {
            let shift = UInt32(8 * pass)
            let offsets = histogram + 256 * pass
            for i in 0..<n {
                let k = fromBits[i]
                let d = Int((k >> shift) & 255)
                let slot = offsets[d]
                offsets[d] = slot + 1
                toBits[slot] = k
                toValues[slot] = fromValues[i]
            }
            swap(&fromBits, &toBits)
            swap(&fromValues, &toValues)
        }
    }
}
