import Foundation
import Geometry
import Rendering
import Imaging

/// A float RGB painting surface for procedural textures: `pixelsPerMetre` texels per metre,
/// row 0 at the top. Painting helpers take texel coordinates unless named `…Metres`.
struct Canvas {
    let width: Int
    let height: Int
    let pixelsPerMetre: Float
    var pixels: [SIMD3<Float>]

    init(widthMetres: Double, heightMetres: Double, pixelsPerMetre: Float, maxSize: Int = 2048,
         fill: SIMD3<Float> = SIMD3(repeating: 0.5)) {
        let s = min(pixelsPerMetre, Float(maxSize) / Float(max(widthMetres, heightMetres)))
        self.pixelsPerMetre = s
        width = max(4, Int((Float(widthMetres) * s).rounded()))
        height = max(4, Int((Float(heightMetres) * s).rounded()))
        pixels = [SIMD3<Float>](repeating: fill, count: width * height)
    }

    /// Texel index of a coordinate in metres.
    @inline(__always) func t(_ m: Double) -> Int { Int((Float(m) * pixelsPerMetre).rounded()) }

    /// Fills texels [x0, x1) × [y0, y1), clipped, with `color(x, y)`.
    mutating func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: (Int, Int, SIMD3<Float>) -> SIMD3<Float>) {
        let xa = max(0, x0), xb = min(width, x1), ya = max(0, y0), yb = min(height, y1)
        guard xa < xb, ya < yb else { return }
        pixels.withUnsafeMutableBufferPointer { p in
            for y in ya..<yb { for x in xa..<xb { p[y * width + x] = color(x, y, p[y * width + x]) } }
        }
    }
    mutating func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, color: SIMD3<Float>) {
        fill(x0, y0, x1, y1) { _, _, _ in color }
    }
    /// Fills a rectangle given in metres.
    mutating func fillMetres(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, color: SIMD3<Float>) {
        fill(t(x0), t(y0), t(x1), t(y1), color: color)
    }
    /// A filled disc, blending `color` with `opacity` and a soft edge of one texel.
    mutating func disc(cx: Float, cy: Float, radius: Float, color: SIMD3<Float>, opacity: Float = 1,
                       clip: (Int, Int, Int, Int)? = nil) {
        var x0 = Int(cx - radius - 1), y0 = Int(cy - radius - 1), x1 = Int(cx + radius + 2), y1 = Int(cy + radius + 2)
        if let clip { x0 = max(x0, clip.0); y0 = max(y0, clip.1); x1 = min(x1, clip.2); y1 = min(y1, clip.3) }
        fill(x0, y0, x1, y1) { x, y, old in
            let d = ((Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)).squareRoot()
            let a = max(0, min(1, radius + 0.5 - d)) * opacity
            return old * (1 - a) + color * a
        }
    }
    /// Multiplies every texel by `1 + amplitude·(noise − 0.5)·2`, noise from `fbm` at `scaleMetres`.
    mutating func modulate(noise: ValueNoise, scaleMetres: Float, amplitude: Float, octaves: Int = 4) {
        let k = 1 / (scaleMetres * pixelsPerMetre)
        let w = width
        pixels.withUnsafeMutableBufferPointer { p in
            for y in 0..<height { for x in 0..<w {
                let n = noise.fbm(Float(x) * k, Float(y) * k, octaves: octaves)
                p[y * w + x] *= 1 + amplitude * (n - 0.5) * 2
            } }
        }
    }
    /// Adds per-texel grain of ±`amplitude`.
    mutating func grain(_ rng: inout SplitMix64, amplitude: Float) {
        for i in pixels.indices {
            let r = Float(rng.next() >> 40) / Float(1 << 24)
            pixels[i] *= 1 + amplitude * (r - 0.5) * 2
        }
    }
    /// A random-walk brush stroke (graffiti, cracks).
    mutating func stroke(_ rng: inout SplitMix64, x: Float, y: Float, steps: Int, step: Float, radius: Float,
                         color: SIMD3<Float>, opacity: Float = 1) {
        var x = x, y = y
        var angle = Float.random(in: 0..<(2 * .pi), using: &rng)
        for _ in 0..<steps {
            disc(cx: x, cy: y, radius: radius, color: color, opacity: opacity)
            angle += Float.random(in: -0.6...0.6, using: &rng)
            x += cos(angle) * step; y += sin(angle) * step
        }
    }
    /// Text-like glyph blobs: `count` glyphs of 5×7 random cells, `cell` texels each, from (x, y).
    mutating func glyphs(_ rng: inout SplitMix64, x: Int, y: Int, count: Int, cell: Int, color: SIMD3<Float>) {
        var gx = x
        for _ in 0..<max(0, count) {
            if Double.random(in: 0..<1, using: &rng) < 0.15 { gx += 4 * cell; continue }  // a word gap
            for cy in 0..<7 { for cxi in 0..<5 where Double.random(in: 0..<1, using: &rng) < 0.45 {
                fill(gx + cxi * cell, y + cy * cell, gx + (cxi + 1) * cell, y + (cy + 1) * cell, color: color)
            } }
            gx += 6 * cell
        }
    }

    /// The 8-bit image (values clamped to [0, 1]).
    func image() -> Image8 {
        var out = Image8(width: width, height: height, channels: 3)
        for i in 0..<(width * height) {
            let c = (simd_clamp01(pixels[i]) * Float(255)).rounded(.toNearestOrAwayFromZero)
            out.pixels[3 * i] = UInt8(c.x); out.pixels[3 * i + 1] = UInt8(c.y); out.pixels[3 * i + 2] = UInt8(c.z)
        }
        return out
    }
}

/// Seeded 2D value noise (smooth lattice noise) and its fractal sum, in [0, 1].
struct ValueNoise: Sendable {
    let seed: UInt64

    @inline(__always) func lattice(_ x: Int32, _ y: Int32) -> Float {
        var z = seed &+ UInt64(UInt32(bitPattern: x)) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(UInt32(bitPattern: y)) &* 0xC2B2_AE3D_27D4_EB4F
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 24)
    }
    @inline(__always) func value(_ x: Float, _ y: Float) -> Float {
        let xf = x.rounded(.down), yf = y.rounded(.down)
        let ix = Int32(truncatingIfNeeded: Int(xf)), iy = Int32(truncatingIfNeeded: Int(yf))
        var tx = x - xf, ty = y - yf
        tx = tx * tx * (3 - 2 * tx); ty = ty * ty * (3 - 2 * ty)
        let a = lattice(ix, iy), b = lattice(ix &+ 1, iy), c = lattice(ix, iy &+ 1), d = lattice(ix &+ 1, iy &+ 1)
        return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty
    }
    @inline(__always) func fbm(_ x: Float, _ y: Float, octaves: Int) -> Float {
        var sum: Float = 0, amp: Float = 0.5, norm: Float = 0, f: Float = 1
        for o in 0..<octaves {
            sum += amp * value(x * f + Float(o) * 17.3, y * f - Float(o) * 9.1)
            norm += amp; amp *= 0.5; f *= 2
        }
        return sum / norm
    }
}
