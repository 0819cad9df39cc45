import Imaging


/// How texture coordinates outside [0, 1] are treated.
public enum TextureWrap: Sendable, Equatable {
    /// Tiles the texture (glTF REPEAT).
    case `repeat`
    /// Clamps to the edge texels (glTF CLAMP_TO_EDGE).
    case clamp
}

/// An RGB or RGBA 8-bit texture sampled bilinearly. Texel (x, y) has its centre at
/// uv = ((x + 0.5) / width, (y + 0.5) / height); v = 0 is the first row. Values are used as
/// stored (no sRGB conversion) and scaled to [0, 1].
public struct Texture: Sendable, Equatable {
    public var image: Image8
    public var wrap: TextureWrap

    public init(image: Image8, wrap: TextureWrap = .repeat) {
        precondition(image.channels == 3 || image.channels == 4 || image.channels == 1, "texture needs 1, 3 or 4 channels")
        self.image = image; self.wrap = wrap
    }

    @inline(__always) private func wrapIndex(_ i: Int, _ n: Int) -> Int {
        switch wrap {
        case .repeat: let m = i % n; return m < 0 ? m + n : m
        case .clamp: return i < 0 ? 0 : (i >= n ? n - 1 : i)
        }
    }

    /// The bilinearly filtered RGB colour in [0, 1] at `uv`.
    @inline(__always) public func sample(_ uv: SIMD2<Float>) -> SIMD3<Float> {
        let w = image.width, h = image.height, c = image.channels
        var x = uv.x * Float(w) - 0.5, y = uv.y * Float(h) - 0.5
        if !x.isFinite { x = 0 }
        if !y.isFinite { y = 0 }
        // Keep the float → int conversion in range for far-out coordinates.
        if wrap == .repeat {
            x = x - Float(w) * (x / Float(w)).rounded(.down)
            y = y - Float(h) * (y / Float(h)).rounded(.down)
        } else {
            x = min(max(x, -1), Float(w)); y = min(max(y, -1), Float(h))
        }
        let xf = x.rounded(.down), yf = y.rounded(.down)
        let tx = x - xf, ty = y - yf
        let x0 = wrapIndex(Int(xf), w), x1 = wrapIndex(Int(xf) + 1, w)
        let y0 = wrapIndex(Int(yf), h), y1 = wrapIndex(Int(yf) + 1, h)
        return image.pixels.withUnsafeBufferPointer { p -> SIMD3<Float> in
            @inline(__always) func texel(_ x: Int, _ y: Int) -> SIMD3<Float> {
                let i = (y * w + x) * c
                if c == 1 { return SIMD3(repeating: Float(p[i])) }
                return SIMD3(Float(p[i]), Float(p[i + 1]), Float(p[i + 2]))
            }
            let top = texel(x0, y0) * (1 - tx) + texel(x1, y0) * tx
            let bottom = texel(x0, y1) * (1 - tx) + texel(x1, y1) * tx
            return (top * (1 - ty) + bottom * ty) * (1 / 255)
        }
    }
}
