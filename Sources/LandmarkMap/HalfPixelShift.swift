/// Exact ±0.5 shifts of decimal numbers, for COLMAP's pixel convention.
///
/// OpenCV (and `CameraIntrinsics`, `Observation.pixel`) puts pixel (0, 0) at the centre of
/// the first pixel; COLMAP puts it at that pixel's top-left corner, so COLMAP coordinates
/// are OpenCV's + 0.5. Adding 0.5 in binary floating point can drop a bit (e.g. when the
/// sum crosses a power of two), so the shift is done on the decimal text instead: export
/// writes the exact decimal value of (shortest decimal of x) + 0.5, and import subtracts
/// 0.5 exactly from the decimal it reads before the one rounding to a Double. A value
/// exported and imported again is therefore bit-for-bit the same.
enum HalfPixelShift {
    /// The exact decimal text of `x + 0.5` (sign +1) or `x − 0.5` (sign −1), in plain
    /// (non-exponent) notation. Non-finite values are written as Swift prints them.
    static func text(_ x: Double, adding sign: Int) -> String {
        guard x.isFinite, let decimal = Decimal(text: "\(x)") else { return "\(x + 0.5 * Double(sign))" }
        return decimal.addingHalf(sign).text
    }

    /// Parses decimal text and subtracts (sign −1) or adds (+1) 0.5 exactly before rounding
    /// once to a Double; nil when the text is not a number.
    static func parse(_ text: Substring, adding sign: Int) -> Double? {
        if let decimal = Decimal(text: String(text)) { return Double(decimal.addingHalf(sign).text) }
        guard let value = Double(text) else { return nil }
        return value + 0.5 * Double(sign)
    }

    /// An exact decimal: (-1)^negative × digits × 10^-scale, digits most significant first.
    private struct Decimal {
        var negative: Bool
        var digits: [UInt8]
        var scale: Int

        /// Parses `[+-]digits[.digits][(e|E)[+-]digits]`; nil for anything else.
        init?(text: String) {
            var s = Substring(text)
            negative = false
            if s.first == "-" || s.first == "+" { negative = s.first == "-"; s = s.dropFirst() }
            var exponent = 0
            if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                guard let value = Int(s[s.index(after: e)...]), abs(value) < 10_000 else { return nil }
                exponent = value
                s = s[..<e]
            }
            var mantissa: [UInt8] = [], fraction = 0, seenDot = false
            for c in s {
                if c == "." { if seenDot { return nil }; seenDot = true; continue }
                guard let d = c.wholeNumberValue, c.isASCII else { return nil }
                mantissa.append(UInt8(d))
                if seenDot { fraction += 1 }
            }
            guard !mantissa.isEmpty else { return nil }
            digits = mantissa
            scale = fraction - exponent
            if scale < 0 { digits += [UInt8](repeating: 0, count: -scale); scale = 0 }
        }

        /// self + sign × 0.5, exactly.
        func addingHalf(_ sign: Int) -> Decimal {
            var a = self
            if a.scale < 1 { a.digits.append(0); a.scale = 1 }
            var half = [UInt8](repeating: 0, count: a.scale)
            half[0] = 5                                      // 0.5 at this scale: 5 × 10^(scale-1)
            let halfNegative = sign < 0
            // Align lengths (both are integers at the same scale).
            let width = max(a.digits.count, half.count) + 1
            let x = [UInt8](repeating: 0, count: width - a.digits.count) + a.digits
            let y = [UInt8](repeating: 0, count: width - half.count) + half
            var result = a
            if a.negative == halfNegative {
                result.digits = Self.add(x, y)
            } else if Self.lessThan(x, y) {
                result.digits = Self.subtract(y, x); result.negative = halfNegative
            } else {
                result.digits = Self.subtract(x, y)
            }
            return result
        }

        /// Plain notation, trailing fractional zeros trimmed, "-0" written as "0".
        var text: String {
            var ds = digits
            var sc = scale
            while sc > 0, ds.last == 0 { ds.removeLast(); sc -= 1 }
            if ds.count <= sc { ds = [UInt8](repeating: 0, count: sc - ds.count + 1) + ds }
            let integer = ds[..<(ds.count - sc)].drop(while: { $0 == 0 })
            let fraction = ds[(ds.count - sc)...]
            let intText = integer.isEmpty ? "0" : String(integer.map { Character(String($0)) })
            let fracText = String(fraction.map { Character(String($0)) })
            let isZero = integer.isEmpty && !fraction.contains { $0 != 0 }
            return (negative && !isZero ? "-" : "") + intText + (fracText.isEmpty ? "" : "." + fracText)
        }

        private static func lessThan(_ x: [UInt8], _ y: [UInt8]) -> Bool {
            for (a, b) in zip(x, y) where a != b { return a < b }
            return false
        }
        private static func add(_ x: [UInt8], _ y: [UInt8]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: x.count), carry: UInt8 = 0
            for i in stride(from: x.count - 1, through: 0, by: -1) {
                let s = x[i] + y[i] + carry
                out[i] = s % 10; carry = s / 10
            }
            return out
        }
        private static func subtract(_ x: [UInt8], _ y: [UInt8]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: x.count), borrow: Int = 0
            for i in stride(from: x.count - 1, through: 0, by: -1) {
                var d = Int(x[i]) - Int(y[i]) - borrow
                borrow = d < 0 ? 1 : 0
                if d < 0 { d += 10 }
                out[i] = UInt8(d)
            }
            return out
        }
    }
}
