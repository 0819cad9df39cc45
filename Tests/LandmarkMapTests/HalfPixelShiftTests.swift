import Foundation
import Geometry
import Testing
@testable import LandmarkMap

@Suite struct HalfPixelShiftTests {
    @Test func exactDecimalShifts() {
        let cases: [(Double, String)] = [(0, "0.5"), (511.75, "512.25"), (-0.25, "0.25"), (-0.5, "0"), (-3, "-2.5"),
                                         (0.1, "0.6"), (1e-5, "0.50001"), (1.5, "2"), (1023.9999999999999, "1024.4999999999999")]
        for (x, text) in cases {
            #expect(HalfPixelShift.text(x, adding: 1) == text, "\(x)")
            #expect(HalfPixelShift.parse(text[...], adding: -1) == x, "\(text)")
        }
        #expect(HalfPixelShift.parse("2.5e2", adding: -1) == 249.5)
        #expect(HalfPixelShift.parse("0.25", adding: -1) == -0.25)
        #expect(HalfPixelShift.parse("abc", adding: -1) == nil)
    }

    /// Bit-exact round trips where plain `x + 0.5 - 0.5` is not.
    @Test func roundTripIsBitExact() {
        var rng = SplitMix64(seed: 5)
        var naiveFailures = 0
        for i in 0..<20_000 {
            let x = i < 10_000 ? Double.random(in: 0..<4096, using: &rng) : Double.random(in: -1..<1, using: &rng) * pow(2, Double(Int.random(in: -30...12, using: &rng)))
            let text = HalfPixelShift.text(x, adding: 1)
            #expect(HalfPixelShift.parse(text[...], adding: -1) == x)
            if (x + 0.5) - 0.5 != x { naiveFailures += 1 }
        }
        #expect(naiveFailures > 0, "the test should include values where binary shifting loses bits")
    }
}
