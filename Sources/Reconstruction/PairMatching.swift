import Dispatch
import Foundation
import Geometry
import Support
import LandmarkMap
import Features
import Estimators

/// An image pair with its geometrically verified matches (fundamental-matrix inliers).
struct VerifiedPair: Sendable {
    var i: Int
    var j: Int
    /// (keypoint in i, keypoint in j)
    var matches: [(Int32, Int32)]
}

/// The pairs to match: every pair for small sets; otherwise each image's `shortlist` most
/// similar images by descriptor voting (each of up to 300 strong descriptors per image
/// votes for the images of its 8 approximate nearest neighbours in a pooled index).
func selectPairs(_ features: [FeatureSet], exhaustiveLimit: Int, shortlist: Int) throws -> [(Int, Int)] {
    let n = features.count
    if n <= exhaustiveLimit {
        var pairs: [(Int, Int)] = []
        for i in 0..<n { for j in (i + 1)..<n { pairs.append((i, j)) } }
        return pairs
    }
    let kind = features[0].kind, bytes = kind.descriptorBytes, perImage = 300
    var pooled: [UInt8] = [], owner: [Int] = [], samples: [[UInt8]] = []
    for (i, f) in features.enumerated() {
        let order = (0..<f.count).sorted { f.keypoints[$0].response > f.keypoints[$1].response }.prefix(perImage)
        var mine: [UInt8] = []
        for k in order { mine.append(contentsOf: f.descriptors[(k * bytes)..<((k + 1) * bytes)]) }
        pooled.append(contentsOf: mine); owner.append(contentsOf: Array(repeating: i, count: order.count))
        samples.append(mine)
    }
    let index = try DescriptorIndex(kind: kind, descriptors: pooled)
    var pairSet = Set<Int>()
    for i in 0..<n {
        let k = 8
        let res = try index.knn(samples[i], k: k)
        var votes = [Int](repeating: 0, count: n)
        for idx in res.indices where idx >= 0 { votes[owner[Int(idx)]] += 1 }
        votes[i] = -1
        let best = (0..<n).filter { votes[$0] > 0 }.sorted { votes[$0] > votes[$1] }.prefix(shortlist)
        for j in best { pairSet.insert(min(i, j) * n + max(i, j)) }
    }
    return pairSet.sorted().map { ($0 / n, $0 % n) }
}

/// Matches the selected pairs through per-image descriptor indexes and keeps the matches
/// that are inliers of a fundamental matrix (USAC MAGSAC++) when there are enough.
func matchAndVerify(_ features: [FeatureSet], pairs: [(Int, Int)], pixelScale: [Double],
                    options: ReconstructionOptions, progress: ProgressSink?) throws -> [VerifiedPair] {
    let indexes = SlotArray<DescriptorIndex>(count: features.count)
    parallelFor(features.count) { i in indexes[i] = try? DescriptorIndex(features[i]) }
    let results = SlotArray<VerifiedPair>(count: pairs.count)
    let failure = SlotArray<String>(count: 1)
    parallelFor(pairs.count) { p in
        let (i, j) = pairs[p]
        defer { progress?.advance() }
        guard let qi = indexes[i], let qj = indexes[j] else { failure[0] = "descriptor index failed"; return }
        do {
            let m = try matchFeatures(features[i], features[j], queryIndex: qi, trainIndex: qj, options: options.matching)
            guard m.count >= options.minPairInliers else { return }
            let a = m.map { features[i].keypoints[Int($0.query)].pixel }
            let b = m.map { features[j].keypoints[Int($0.train)].pixel }
            let threshold = options.twoViewErrorPixels * max(pixelScale[i], pixelScale[j])
            let f = try estimateFundamental(a, b, options: RansacOptions(maxErrorPixels: threshold, confidence: 0.999,
                                                                         maxIterations: 2000, seed: options.seed &+ UInt64(p)))
            guard f.inlierCount >= options.minPairInliers else { return }
            var kept: [(Int32, Int32)] = []
            for (k, match) in m.enumerated() where f.inliers[k] { kept.append((match.query, match.train)) }
            results[p] = VerifiedPair(i: i, j: j, matches: kept)
        } catch {
            // A pair without a model is simply not overlapping.
        }
    }
    if let message = failure[0] { throw ReconstructionError.invalidInput(message) }
    return results.all.compactMap { $0 }
}

/// Something that counts finished steps (a progress bar).
protocol ProgressSink: Sendable { func advance() }
