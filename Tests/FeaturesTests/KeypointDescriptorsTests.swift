import Foundation
import Geometry
import Synthetic
import Testing
@testable import Features
import Imaging

/// Descriptors at given keypoints (cvb_compute_descriptors) on procedural images.
@Suite struct KeypointDescriptorsTests {
    /// A gray image with dark Gaussian blobs of standard deviation `sigma` at `centres` on a mid-gray ground.
    static func blobs(width: Int = 160, height: Int = 120, centres: [Vec2], sigma: Double) -> Image8 {
        var px = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var v = 200.0
                for c in centres {
                    let d2 = (Double(x) - c.x) * (Double(x) - c.x) + (Double(y) - c.y) * (Double(y) - c.y)
                    v -= 150 * exp(-d2 / (2 * sigma * sigma))
                }
                px[y * width + x] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        return Image8(width: width, height: height, channels: 1, pixels: px)
    }

    /// The image rotated 90° clockwise: pixel (x, y) moves to (h−1−y, x).
    static func rotatedClockwise(_ image: Image8) -> Image8 {
        let w = image.width, h = image.height
        var out = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w { out[x * h + (h - 1 - y)] = image.pixels[y * w + x] } }
        return Image8(width: h, height: w, channels: 1, pixels: out)
    }

    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double((Int($1.0) - Int($1.1)) * (Int($1.0) - Int($1.1))) }.squareRoot()
    }

    @Test func givenSizeAndAngleAreKept() throws {
        let image = noiseTexture(width: 128, height: 96, seed: 1)
        let out = try KeypointDescriptors.compute(on: image, at: [KeypointDescriptors.Keypoint(pixel: Vec2(60, 40), size: 10, angle: 33)])
        #expect(out.count == 1 && out[0].size == 10 && out[0].angle == 33 && !out[0].snapped)
        #expect(out[0].descriptor.count == 128 && out[0].descriptor.contains { $0 > 0 })
    }

    /// Scale selection on Gaussian blobs: the size follows the blob (2σ in OpenCV's size
    /// convention, labelled by the lower scale of the winning DoG interval as OpenCV's
    /// detector does, so within one 1/3-octave step below 2σ), and doubles with σ.
    @Test func selectsTheBlobScale() throws {
        var sizes: [Double] = []
        for sigma in [3.0, 6.0] {
            let image = Self.blobs(centres: [Vec2(80, 60)], sigma: sigma)
            let out = try KeypointDescriptors.compute(on: image, at: [KeypointDescriptors.Keypoint(pixel: Vec2(80, 60))],
                                                      options: .init(snapRadiusPixels: 0))
            let size = Double(out[0].size)
            #expect(size >= 2 * sigma / pow(2, 1.0 / 3) - 1e-6 && size <= 2 * sigma + 1e-6, "σ \(sigma): size \(size)")
            sizes.append(size)
        }
        #expect(abs(sizes[1] / sizes[0] - 2) < 1e-3)
    }

    /// With computed orientation, a keypoint's descriptor survives rotating the image by
    /// 90°: much closer to the original than descriptors of other positions are.
    @Test func orientationMakesDescriptorsRotationInvariant() throws {
        let image = noiseTexture(width: 160, height: 120, seed: 2)
        let rotated = Self.rotatedClockwise(image)
        let positions = [Vec2(50, 40), Vec2(80, 60), Vec2(110, 70), Vec2(70, 90)]
        let options = KeypointDescriptors.Options(snapRadiusPixels: 0, defaultSizePixels: 16)
        let a = try KeypointDescriptors.compute(on: image, at: positions.map { .init(pixel: $0) }, options: options)
        let b = try KeypointDescriptors.compute(
            on: rotated, at: positions.map { .init(pixel: Vec2(Double(image.height - 1) - $0.y, $0.x)) }, options: options)
        for i in positions.indices {
            let same = Self.distance(a[i].descriptor, b[i].descriptor)
            let others = positions.indices.filter { $0 != i }.map { Self.distance(a[i].descriptor, b[$0].descriptor) }
            #expect(same < 0.5 * others.min()!, "keypoint \(i): same \(same), others \(others)")
            var turn = Double(b[i].angle - a[i].angle).truncatingRemainder(dividingBy: 360)
            if turn < 0 { turn += 360 }
            #expect(abs(turn - 90) < 12, "keypoint \(i): orientation turned by \(turn)°")
        }
    }

    @Test func badInputIsRefused() throws {
        let image = noiseTexture(width: 64, height: 64, seed: 3)
        #expect(throws: KeypointDescriptorsError.self) {
            try KeypointDescriptors.compute(on: image, at: [.init(pixel: Vec2(.nan, 3))])
        }
        #expect(try KeypointDescriptors.compute(on: image, at: []).isEmpty)
    }
}
