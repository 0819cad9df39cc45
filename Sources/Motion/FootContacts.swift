import Foundation
import Geometry

/// Foot contacts detected from a source's foot heights and speeds, with hysteresis.
public struct FootContactDetector: Sendable {
    /// Enter a contact below this height above the foot's own lowest band, as a fraction
    /// of the leg length (0.05 of a 0.85 m leg is 4 cm).
    public var enterHeight = 0.05
    /// Leave the contact above this height (fraction of the leg length).
    public var exitHeight = 0.09
    /// Enter below this horizontal speed (leg lengths per second; 0.6 ≈ 0.5 m/s).
    public var enterSpeed = 0.6
    /// Leave above this horizontal speed (leg lengths per second).
    public var exitSpeed = 1.1
    /// Contacts shorter than this (seconds) are dropped; gaps shorter are filled.
    public var minimumSeconds = 0.08

    public init() {}

    /// Contact intervals (inclusive frame ranges).
    /// - Parameters:
    ///   - heights: the foot's lowest point above the ground per frame (metres).
    ///   - positions: the foot joint's world position per frame (metres, Y up).
    ///   - legLength: metres; thresholds scale with it.
    public func detect(heights: [Double], positions: [Vec3], frameTime: Double, legLength: Double) -> [ClosedRange<Int>] {
        let n = heights.count
        guard n > 1 else { return n == 1 ? [0...0] : [] }
        let sorted = heights.sorted()
        let low = sorted[min(n - 1, n / 20)]
        var speed = [Double](repeating: 0, count: n)
        for f in 0..<n {
            let a = max(0, f - 1), b = min(n - 1, f + 1)
            var d = positions[b] - positions[a]; d.y = 0
            speed[f] = length(d) / (Double(b - a) * frameTime)
        }
        var inContact = false
        var flags = [Bool](repeating: false, count: n)
        for f in 0..<n {
            let h = heights[f] - low, v = speed[f] / legLength
            if inContact { if h > exitHeight * legLength || v > exitSpeed { inContact = false } }
            else if h < enterHeight * legLength && v < enterSpeed { inContact = true }
            flags[f] = inContact
        }
        let minFrames = max(1, Int((minimumSeconds / frameTime).rounded()))
        // Fill short gaps, then drop short contacts.
        var ranges = Self.ranges(flags)
        var merged = [ClosedRange<Int>]()
        for r in ranges {
            if let last = merged.last, r.lowerBound - last.upperBound - 1 < minFrames { merged[merged.count - 1] = last.lowerBound...r.upperBound }
            else { merged.append(r) }
        }
        ranges = merged.filter { $0.count >= minFrames }
        return ranges
    }

    static func ranges(_ flags: [Bool]) -> [ClosedRange<Int>] {
        var out = [ClosedRange<Int>](), start: Int?
        for (i, f) in flags.enumerated() {
            if f, start == nil { start = i }
            if !f, let s = start { out.append(s...(i - 1)); start = nil }
        }
        if let s = start { out.append(s...(flags.count - 1)) }
        return out
    }
}
