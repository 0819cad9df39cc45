import Foundation
import Geometry
import Testing
@testable import AssetPipeline

@Suite struct RadixSortTests {
    /// Sorts keys (with their values) through the unsafe API and returns both.
    func radixSorted(_ keys: [Float], _ values: [UInt64], significantBits: Int = 32) -> ([Float], [UInt64]) {
        var k = keys, v = values
        k.withUnsafeMutableBufferPointer { kb in
            v.withUnsafeMutableBufferPointer { vb in
                RadixSort.sort(count: kb.count, keys: kb.baseAddress!, values: vb.baseAddress!,
                               significantBits: significantBits)
            }
        }
        return (k, v)
    }

    @Test func sortsASmallHandMadeList() {
        // Insertion-sort path (≤ 32 elements): exact expected order, values follow keys.
        let (k, v) = radixSorted([3, 0.5, .infinity, 0, 2, 1e-30, 7], [30, 5, 99, 0, 20, 1, 70])
        #expect(k == [0, 1e-30, 0.5, 2, 3, 7, .infinity])
        #expect(v == [0, 1, 5, 20, 30, 70, 99])
    }

    @Test func matchesTheStandardSortOnManyKeys() {
        // Radix path: 100 000 keys over 40 binary orders of magnitude, plus ties and zeros;
        // each value is its key's original index, so the pairing is checked exactly.
        var rng = SplitMix64(seed: 11)
        var keys: [Float] = []
        for i in 0..<100_000 {
            if i % 7 == 0 {
                keys.append(Float(i % 13))
            } else {
                let unit = Float(Double(rng.next() >> 11) / Double(1 << 53))
                keys.append(unit * powf(2, Float(Int(rng.next() % 40)) - 30))
            }
        }
        let (k, v) = radixSorted(keys, (0..<keys.count).map { UInt64($0) })
        #expect(k == keys.sorted())
        #expect(Set(v).count == keys.count)   // a permutation of the indices
        #expect((0..<k.count).allSatisfy { keys[Int(v[$0])] == k[$0] })
    }

    @Test func sortsOnTheTopSixteenBitsWhenAsked() {
        // The decimator's setting: keys come out ordered by their top 16 bits (sign, exponent,
        // 7 mantissa bits), each still paired with its value.
        var rng = SplitMix64(seed: 5)
        let keys = (0..<50_000).map { _ in Float(Double(rng.next() >> 11) / Double(1 << 53)) * 1000 }
        let (k, v) = radixSorted(keys, (0..<keys.count).map { UInt64($0) }, significantBits: 16)
        let top = k.map { $0.bitPattern >> 16 }
        #expect(zip(top, top.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Set(v).count == keys.count)
        #expect((0..<k.count).allSatisfy { keys[Int(v[$0])] == k[$0] })
    }

    @Test func emptyAndSingleInputsAreLeftAlone() {
        #expect(radixSorted([], []).0 == [])
        #expect(radixSorted([4], [9]) == ([4], [9]))
    }
}
