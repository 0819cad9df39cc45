import Geometry

/// Least-squares similarity between corresponding point sets (Umeyama 1991 / Horn 1987):
/// the `Sim3` `targetFromSource` minimizing Σ‖target_i − (s R source_i + t)‖².
/// Returns nil with fewer than 3 points or when the source points are degenerate.
/// Rotation by Horn's quaternion method (the top eigenvector of a 4×4 symmetric matrix).
public func alignSimilarity(source: [Vec3], target: [Vec3], estimateScale: Bool = true) -> Sim3? {
    let n = source.count
    guard n >= 3, target.count == n else { return nil }
    let muS = source.reduce(Vec3.zero, +) / Double(n)
    let muT = target.reduce(Vec3.zero, +) / Double(n)
    var sxx = 0.0, sxy = 0.0, sxz = 0.0, syx = 0.0, syy = 0.0, syz = 0.0, szx = 0.0, szy = 0.0, szz = 0.0
    var varS = 0.0
    for i in 0..<n {
        let a = source[i] - muS, b = target[i] - muT
        sxx += a.x * b.x; sxy += a.x * b.y; sxz += a.x * b.z
        syx += a.y * b.x; syy += a.y * b.y; syz += a.y * b.z
        szx += a.z * b.x; szy += a.z * b.y; szz += a.z * b.z
        varS += dot(a, a)
    }
    guard varS > 1e-18 else { return nil }
    let nMat: [Double] = [
        sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
        syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
        szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
        sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
    ]
    let e = symmetricEigen(nMat, n: 4)
    let q = Quaternion(w: e.vectors[0][0], x: e.vectors[0][1], y: e.vectors[0][2], z: e.vectors[0][3]).normalized
    var scale = 1.0
    if estimateScale {
        var num = 0.0
        for i in 0..<n { num += dot(target[i] - muT, q * (source[i] - muS)) }
        scale = num / varS
        guard scale > 0 else { return nil }
    }
    let t = muT - q * muS * scale
    return Sim3(scale: scale, rotation: q, translation: t)
}

/// Similarity estimation from point pairs for `ransac`: minimal samples of 3 pairs, inliers
/// within `threshold` (target units), least-squares refit (Umeyama) on the inliers.
public struct SimilarityEstimator: RobustEstimator {
    public var source: [Vec3]
    public var target: [Vec3]
    public var threshold: Double
    public static var minimalSampleCount: Int { 3 }
    public var dataCount: Int { source.count }

    public init(source: [Vec3], target: [Vec3], threshold: Double) {
        precondition(source.count == target.count, "source and target need the same count")
        self.source = source; self.target = target; self.threshold = threshold
    }
    public func generateModels(sample: [Int]) -> [Sim3] {
        alignSimilarity(source: sample.map { source[$0] }, target: sample.map { target[$0] }).map { [$0] } ?? []
    }
    public func isInlier(_ s: Sim3, _ i: Int) -> Bool { distance(s.apply(source[i]), target[i]) <= threshold }
    public func score(_ s: Sim3) -> Double { Double((0..<dataCount).reduce(0) { $0 + (isInlier(s, $1) ? 1 : 0) }) }
    public func refine(_ s: Sim3) -> Sim3? {
        let ids = (0..<dataCount).filter { isInlier(s, $0) }
        return alignSimilarity(source: ids.map { source[$0] }, target: ids.map { target[$0] })
    }
}

/// A robust similarity `targetFromSource` between corresponding points: the fit on all
/// points, then (unless every point already agrees with it) RANSAC over minimal triples
/// (seeded), inliers within `threshold` (target units), then a least-squares refit
/// (Umeyama) on the inliers. Returns nil with fewer than 3 points or fewer than 3 inliers.
public func robustAlignSimilarity(source: [Vec3], target: [Vec3], threshold: Double, seed: UInt64 = 0,
                                  iterations: Int = 500) -> (transform: Sim3, inliers: [Bool])? {
    let n = source.count
    guard n >= 3, target.count == n else { return nil }
    let estimator = SimilarityEstimator(source: source, target: target, threshold: threshold)
    let options = RANSACOptions(maxTrials: n == 3 ? 1 : iterations, seed: seed, sampling: .distinct,
                                sufficientSupport: Double(n))
    guard let report = ransac(estimator, options: options, initialModel: alignSimilarity(source: source, target: target)),
          report.support >= 3 else { return nil }
    return (report.model, report.inlierMask)
}
