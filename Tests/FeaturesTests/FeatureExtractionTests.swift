import Foundation
import Geometry
import Testing
@testable import Features
import Imaging
import Synthetic


/// `image` shifted by (dx, dy) pixels (content moves right/down), borders filled with 128.
func shifted(_ image: Image8, dx: Int, dy: Int) -> Image8 {
    var out = Image8(width: image.width, height: image.height, channels: 1, fill: 128)
    for y in 0..<image.height { for x in 0..<image.width {
        let sx = x - dx, sy = y - dy
        if sx >= 0, sy >= 0, sx < image.width, sy < image.height { out.pixels[y * image.width + x] = image.pixels[sy * image.width + sx] }
    } }
    return out
}

@Suite struct FeaturesTests {
    @Test(arguments: [FeatureKind.sift, .orb])
    func matchesFollowAKnownShift(kind: FeatureKind) throws {
        let a = blobImage(width: 320, height: 240, seed: 5)
        let b = shifted(a, dx: 7, dy: -4)
        let opts = FeatureOptions(kind: kind, maxFeatures: 1000)
        let fa = try extractFeatures(a, options: opts), fb = try extractFeatures(b, options: opts)
        #expect(fa.count > 100 && fb.count > 100)
        #expect(fa.descriptors.count == fa.count * kind.descriptorBytes)
        let exact = try matchDescriptors(fa, fb)
        let approx = try matchFeatures(fa, fb, queryIndex: DescriptorIndex(fa), trainIndex: DescriptorIndex(fb))
        for matches in [exact, approx] {
            #expect(matches.count > 50)
            let good = matches.filter {
                let d = fb.keypoints[Int($0.train)].pixel - fa.keypoints[Int($0.query)].pixel
                return length(d - Vec2(7, -4)) < 1.5
            }
            #expect(Double(good.count) >= 0.9 * Double(matches.count))
        }
    }

    /// FLANN's randomized trees draw from OpenCV's per-thread generator; an index built
    /// after other work on the same thread must still give the same approximate answers
    /// (registration repeats exactly only then).
    @Test func approximateIndexIsTheSameWhateverWasBuiltBefore() throws {
        var rng = SplitMix64(seed: 4)
        func descriptors(_ n: Int) -> [UInt8] { (0..<(n * 128)).map { _ in UInt8.random(in: 0...120, using: &rng) } }
        let data = descriptors(3000), other = descriptors(500), queries = descriptors(300)
        let first = try DescriptorIndex(kind: .sift, descriptors: data).knn(queries, k: 5, checks: 8)
        for _ in 0..<3 { _ = try DescriptorIndex(kind: .sift, descriptors: other) }
        let again = try DescriptorIndex(kind: .sift, descriptors: data).knn(queries, k: 5, checks: 8)
        let differing = zip(first.indices, again.indices).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(first.indices.count) neighbours differ")
    }

    @Test func downscaledExtractionMapsKeypointsToFullResolution() throws {
        let small = blobImage(width: 400, height: 300, seed: 9)
        let big = small.resized(width: 800, height: 600)
        let fs = try extractFeatures(small, options: FeatureOptions(maxImageSize: 0))
        let fb = try extractFeatures(big, options: FeatureOptions(maxImageSize: 400))
        #expect(fb.imageWidth == 800)
        let matches = try matchDescriptors(fs, fb)
        #expect(matches.count > 50)
        let errors = matches.map { length(fb.keypoints[Int($0.train)].pixel - (fs.keypoints[Int($0.query)].pixel + 0.5) * 2 + 0.5) }
        #expect(errors.sorted()[errors.count / 2] < 1.0)
    }

    /// Gaussian blobs at known sub-pixel centres: SIFT finds each at its centre, without
    /// OpenCV's +0.25 px bias from the upsampled first octave (measured 0.22–0.25 px before
    /// the bridge corrected it).
    @Test func siftKeypointsSitAtBlobCentresWithoutBias() throws {
        let width = 320, height = 240
        var rng = SplitMix64(seed: 11)
        var field = [Double](repeating: 60, count: width * height)
        var centres: [Vec2] = []
        for _ in 0..<60 {
            let c = Vec2(Double.random(in: 16...Double(width - 16), using: &rng), Double.random(in: 16...Double(height - 16), using: &rng))
            let s = Double.random(in: 1.5...3.5, using: &rng)
            guard !centres.contains(where: { length($0 - c) < 14 }) else { continue }
            centres.append(c)
            for y in max(0, Int(c.y) - 12)..<min(height, Int(c.y) + 13) { for x in max(0, Int(c.x) - 12)..<min(width, Int(c.x) + 13) {
                let d2 = (Double(x) - c.x) * (Double(x) - c.x) + (Double(y) - c.y) * (Double(y) - c.y)
                field[y * width + x] += 150 * exp(-d2 / (2 * s * s))
            } }
        }
        let image = Image8(width: width, height: height, channels: 1, pixels: field.map { UInt8(min(255, max(0, $0.rounded()))) })
        let f = try extractFeatures(image, options: FeatureOptions(maxFeatures: 0, maxImageSize: 0))
        var offsets: [Vec2] = []
        for k in f.keypoints {
            guard let c = centres.min(by: { length($0 - k.pixel) < length($1 - k.pixel) }), length(c - k.pixel) < 1.5 else { continue }
            offsets.append(k.pixel - c)
        }
        #expect(offsets.count >= 40, "\(offsets.count) keypoints at blob centres")
        let mean = offsets.reduce(Vec2.zero, +) / Double(max(1, offsets.count))
        #expect(abs(mean.x) < 0.06 && abs(mean.y) < 0.06, "mean offset \(mean)")
    }

    @Test func rootSIFTDescriptorsAreQuantized() throws {
        let f = try extractFeatures(blobImage(width: 200, height: 200, seed: 2), options: FeatureOptions(rootSIFT: true))
        #expect(f.count > 20)
        #expect(f.descriptors.contains { $0 > 0 })
    }
}
