import Foundation

/// Least-significant-digit radix sort of non-negative `Float` keys, returning an order.
///
/// Non-negative IEEE floats (and +∞) order like their bit patterns read as unsigned
/// integers, so three stable counting passes over 11-bit digits sort them exactly, in
/// O(n) time and without comparisons (meshoptimizer's `sortEdgeCollapses` uses one such
/// pass over the top bits; this sorts all 32). Ties keep their input order.
enum RadixSort {
    /// Writes into `order` the indices 0..<keys.count sorted by ascending `keys[i]`.
    ///
    /// - Parameters:
    ///   - keys: non-negative (or +0/−0) finite or +∞ keys; NaN and negative keys sort after +∞
    ///     (their sign bit makes them the largest) — callers must not pass them.
    ///   - order: at least `keys.count` elements; receives the sorted indices.
    ///   - scratch: at least `keys.count` elements of working memory (contents overwritten).
    static func sortedOrder(keys: UnsafeBufferPointer<Float>, into order: UnsafeMutableBufferPointer<UInt32>,
                            scratch: UnsafeMutableBufferPointer<UInt32>) {
        let n = keys.count
        precondition(order.count >= n && scratch.count >= n, "RadixSort: order and scratch need keys.count elements")
        guard n > 0 else { return }
        let bins = 2048
        let histogram = UnsafeMutablePointer<Int>.allocate(capacity: 3 * bins)
        defer { histogram.deallocate() }
        histogram.initialize(repeating: 0, count: 3 * bins)
        let bits = UnsafeRawPointer(keys.baseAddress!).assumingMemoryBound(to: UInt32.self)
        for i in 0..<n {
            let k = Int(bits[i])
            histogram[k & 2047] += 1
            histogram[bins + (k >> 11) & 2047] += 1
            histogram[2 * bins + (k >> 22)] += 1
        }
        // Exclusive prefix sums: the first slot of each digit value.
        for pass in 0..<3 {
            var sum = 0
            for b in 0..<bins {
                let c = histogram[pass * bins + b]
                histogram[pass * bins + b] = sum
                sum += c
            }
        }
        // Pass 0 reads 0..<n directly; passes alternate between scratch and order so that the
        // third pass lands in `order`.
        let out0 = scratch.baseAddress!, out1 = order.baseAddress!
        for i in 0..<n {
            let d = Int(bits[i]) & 2047
            out1[histogram[d]] = UInt32(i)
            histogram[d] += 1
        }
        for i in 0..<n {
            let idx = out1[i]
            let d = bins + (Int(bits[Int(idx)]) >> 11) & 2047
            out0[histogram[d]] = idx
            histogram[d] += 1
        }
        for i in 0..<n {
            let idx = out0[i]
            let d = 2 * bins + (Int(bits[Int(idx)]) >> 22)
            out1[histogram[d]] = idx
            histogram[d] += 1
        }
    }
}
