import Foundation

/// Skin influences: up to four (joint, weight) pairs per vertex, weights summing to 1.
public enum SkinWeights {
    /// Blends two vertices' influences, (1 − t)·a + t·b per joint, keeps the four largest
    /// and renormalizes. Writes the joints into `joints` and returns the weights.
    public static func blend(_ ja: SIMD4<UInt16>, _ wa: SIMD4<Float>, _ jb: SIMD4<UInt16>, _ wb: SIMD4<Float>,
                             t: Float, into joints: inout SIMD4<UInt16>) -> SIMD4<Float> {
        var js: [UInt16] = []
        var ws: [Float] = []
        js.reserveCapacity(8); ws.reserveCapacity(8)
        func add(_ j: UInt16, _ w: Float) {
            guard w > 0 else { return }
            if let i = js.firstIndex(of: j) { ws[i] += w } else { js.append(j); ws.append(w) }
        }
        for i in 0..<4 { add(ja[i], wa[i] * (1 - t)) }
        for i in 0..<4 { add(jb[i], wb[i] * t) }
        let order = ws.indices.sorted { ws[$0] != ws[$1] ? ws[$0] > ws[$1] : js[$0] < js[$1] }.prefix(4)
        var outJ = SIMD4<UInt16>(repeating: 0), outW = SIMD4<Float>(repeating: 0)
        var sum: Float = 0
        for (slot, i) in order.enumerated() { outJ[slot] = js[i]; outW[slot] = ws[i]; sum += ws[i] }
        if sum > 0 { outW /= sum } else { outJ = ja; outW = wa }
        joints = outJ
        return outW
    }

    /// Quantizes weights summing to 1 to integers summing exactly to `maxValue` (255 or
    /// 65535): rounds each, then gives the remainder to the largest weight.
    public static func quantize(_ w: SIMD4<Float>, maxValue: Int) -> SIMD4<UInt32> {
        let sum = w.sum()
        let normalized = sum > 0 ? w / sum : SIMD4(1, 0, 0, 0)
        var q = SIMD4<Int>(repeating: 0)
        for i in 0..<4 { q[i] = Int((normalized[i] * Float(maxValue)).rounded()) }
        let remainder = maxValue - q.wrappedSum()
        var largest = 0
        for i in 1..<4 where normalized[i] > normalized[largest] { largest = i }
        q[largest] += remainder
        if q[largest] < 0 {  // cannot happen for weights ≥ 0, kept for safety
            q = SIMD4(maxValue, 0, 0, 0)
        }
        return SIMD4<UInt32>(truncatingIfNeeded: q)
    }
}
