import Foundation
import Geometry

/// Photometric effects (used by synthetic renders): exposure, blur and sensor noise, on a
/// float RGB buffer (values in 0…255).
package struct FloatImage {
    package var width: Int
    package var height: Int
    package var pixels: [SIMD3<Float>]

    /// The k×k box-filtered reduction of an RGB image (k = 1 converts only). The result's
    /// pixel centres coincide with the mean of the k×k source pixel centres, which matches
    /// `CameraIntrinsics.scaled(by: 1/k)`.
    package init(downsampling img: Image8, by k: Int) {
        precondition(img.channels == 3 && img.width % k == 0 && img.height % k == 0)
        width = img.width / k; height = img.height / k
        pixels = [SIMD3<Float>](repeating: .zero, count: width * height)
        let norm = 1 / Float(k * k), sw = img.width
        img.pixels.withUnsafeBufferPointer { p in
            for y in 0..<height { for x in 0..<width {
                var s = SIMD3<Float>.zero
                for dy in 0..<k { for dx in 0..<k {
                    let i = ((y * k + dy) * sw + x * k + dx) * 3
                    s += SIMD3(Float(p[i]), Float(p[i + 1]), Float(p[i + 2]))
                } }
                pixels[y * width + x] = s * norm
            } }
        }
    }

    /// Separable Gaussian blur with standard deviation `sigma` pixels (clamped borders).
    package mutating func blur(sigma: Float) {
        guard sigma > 0.05 else { return }
        let r = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-r...r).map { exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let sum = kernel.reduce(0, +)
        kernel = kernel.map { $0 / sum }
        var tmp = pixels
        for y in 0..<height { for x in 0..<width {
            var s = SIMD3<Float>.zero
            for j in -r...r { s += pixels[y * width + min(width - 1, max(0, x + j))] * kernel[j + r] }
            tmp[y * width + x] = s
        } }
        for y in 0..<height { for x in 0..<width {
            var s = SIMD3<Float>.zero
            for j in -r...r { s += tmp[min(height - 1, max(0, y + j)) * width + x] * kernel[j + r] }
            pixels[y * width + x] = s
        } }
    }

    /// Multiplies by `gain` and adds Gaussian noise of `sigma` levels per channel.
    package mutating func expose(gain: Float, noiseSigma: Float, rng: inout SplitMix64) {
        for i in pixels.indices {
            var p = pixels[i] * gain
            if noiseSigma > 0 {
                p += SIMD3(Float(rng.nextGaussian()), Float(rng.nextGaussian()), Float(rng.nextGaussian())) * noiseSigma
            }
            pixels[i] = p
        }
    }

    package func image() -> Image8 {
        var out = Image8(width: width, height: height, channels: 3)
        for i in 0..<(width * height) {
            let p = pixels[i]
            out.pixels[3 * i] = UInt8(min(255, max(0, p.x.rounded())))
            out.pixels[3 * i + 1] = UInt8(min(255, max(0, p.y.rounded())))
            out.pixels[3 * i + 2] = UInt8(min(255, max(0, p.z.rounded())))
        }
        return out
    }
}

extension Image8 {
    /// The k×k box-filtered reduction (k ≥ 1 dividing width and height) of an RGB image.
    public func downsampled(by k: Int) -> Image8 { FloatImage(downsampling: self, by: k).image() }
}
