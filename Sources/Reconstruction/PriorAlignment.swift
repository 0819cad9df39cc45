import Foundation
import Geometry
import LandmarkMap

/// A robust similarity `targetFromSource` between corresponding points: RANSAC over
/// minimal triples (seeded), inliers within `threshold` (target units), then a
/// least-squares refit (Umeyama) on the inliers. Returns nil with fewer than 3 points.
public func robustAlignSimilarity(source: [Vec3], target: [Vec3], threshold: Double, seed: UInt64 = 0,
                                  iterations: Int = 500) -> (transform: Sim3, inliers: [Bool])? {
    let n = source.count
    guard n >= 3, target.count == n else { return nil }
    var rng = SplitMix64(seed: seed)
    var best: [Bool] = [], bestCount = 0
    func inliers(_ s: Sim3) -> [Bool] { (0..<n).map { distance(s.apply(source[$0]), target[$0]) <= threshold } }
    if let all = alignSimilarity(source: source, target: target) {
        best = inliers(all); bestCount = best.filter { $0 }.count
    }
    if bestCount < n {
        for _ in 0..<(n == 3 ? 1 : iterations) {
            var idx = Set<Int>()
            while idx.count < 3 { idx.insert(Int.random(in: 0..<n, using: &rng)) }
            let ids = Array(idx)
            guard let s = alignSimilarity(source: ids.map { source[$0] }, target: ids.map { target[$0] }) else { continue }
            let m = inliers(s)
            let c = m.filter { $0 }.count
            if c > bestCount { best = m; bestCount = c }
        }
    }
    guard bestCount >= 3 else { return nil }
    let ids = (0..<n).filter { best[$0] }
    guard let refined = alignSimilarity(source: ids.map { source[$0] }, target: ids.map { target[$0] }) else { return nil }
    return (refined, inliers(refined))
}

/// Camera centres in metres, Y up, per image name (a phone's AR tracking, GPS+gravity, or
/// a ground-truth file).
public struct CameraPriors: Sendable, Equatable {
    public var centers: [String: Vec3]

    public init(centers: [String: Vec3]) { self.centers = centers }

    /// Reads `{"images":[{"name":…, "cameraFromWorld":{"rotation":[w,x,y,z],"translation":[x,y,z]}}…]}`
    /// (the synthetic ground-truth format) or `{"images":[{"name":…, "center":[x,y,z]}…]}`.
    public static func load(from url: URL) throws -> CameraPriors {
        let cams = try GroundTruth.loadJSON(url, errorKind: { ReconstructionError.badPriors(file: url.lastPathComponent, reason: $0) })
        var centers: [String: Vec3] = [:]
        for c in cams { centers[c.name] = c.center }
        guard centers.count >= 3 else {
            throw ReconstructionError.badPriors(file: url.lastPathComponent, reason: "needs at least 3 cameras, found \(centers.count)")
        }
        return CameraPriors(centers: centers)
    }

    /// The prior for a keyframe named `name`: by exact name, else by file name.
    func center(for name: String) -> Vec3? {
        if let c = centers[name] { return c }
        let file = (name as NSString).lastPathComponent
        return centers.first { ($0.key as NSString).lastPathComponent == file }?.value
    }
}

/// Moves `map` into the priors' metric frame by a robust similarity on the camera centres
/// and marks it metric. Returns the alignment's description (also stored in the metadata).
/// - Throws: `.badPriors` when fewer than 3 registered keyframes have priors or no
///   consistent similarity exists.
@discardableResult
public func alignToPriors(_ map: inout FeatureMap, priors: CameraPriors, seed: UInt64 = 0) throws -> String {
    var src: [Vec3] = [], dst: [Vec3] = []
    for k in map.keyframes { if let c = priors.center(for: k.name) { src.append(k.center); dst.append(c) } }
    guard src.count >= 3 else {
        throw ReconstructionError.badPriors(file: "priors", reason: "only \(src.count) registered photos have a prior; 3 are needed (names must match)")
    }
    let mean = dst.reduce(Vec3.zero, +) / Double(dst.count)
    let spread = dst.map { distance($0, mean) }.sorted()[dst.count / 2]
    guard spread > 0, let fit = robustAlignSimilarity(source: src, target: dst, threshold: max(0.05 * spread, 1e-6), seed: seed) else {
        throw ReconstructionError.badPriors(file: "priors", reason: "no consistent similarity between the map and the priors")
    }
    let s = fit.transform
    for i in map.keyframes.indices { map.keyframes[i].cameraFromLandmark = s.transformCameraPose(map.keyframes[i].cameraFromLandmark) }
    for i in map.points.indices { map.points[i].position = s.apply(map.points[i].position) }
    for i in map.orbPoints.indices { map.orbPoints[i].position = s.apply(map.orbPoints[i].position) }
    let used = fit.inliers.indices.filter { fit.inliers[$0] }
    let rms = (used.map { let d = distance(s.apply(src[$0]), dst[$0]); return d * d }.reduce(0, +) / Double(used.count)).squareRoot()
    let text = String(format: "priors: %d of %d cameras, RMS %.4f m, scale %.6g", used.count, src.count, rms, s.scale)
    map.metadata.isMetric = true
    map.metadata.alignment = text
    return text
}
