import Geometry

/// The contract of a problem that `ransac(_:options:)` solves (PoseLib's estimator contract,
/// COLMAP's `RANSAC<Estimator>`): the loop knows no geometry, only these four calls.
public protocol RobustEstimator {
    associatedtype Model
    /// Data items a minimal sample draws.
    static var minimalSampleCount: Int { get }
    /// How many data items there are.
    var dataCount: Int { get }
    /// The models that fit the minimal `sample` (indices into the data); empty when the
    /// sample is degenerate.
    func generateModels(sample: [Int]) -> [Model]
    /// The model's support: higher is better (an inlier count, summed inlier weights).
    func score(_ model: Model) -> Double
    /// Whether data item `index` supports `model`.
    func isInlier(_ model: Model, _ index: Int) -> Bool
    /// The model refitted on the data that supports `model` (least squares); nil when the
    /// refit fails.
    func refine(_ model: Model) -> Model?
}

/// How a minimal sample is drawn.
public enum RANSACSampling: Sendable, Equatable {
    /// Indices drawn until they are distinct (every trial yields a sample).
    case distinct
    /// Independent draws; a sample that repeats an index is degenerate and spends its trial.
    case independent
}

/// Options of `ransac(_:options:)`.
public struct RANSACOptions: Sendable, Equatable {
    /// Trials (minimal samples drawn); 0 means none: only `initialModel`, if any, is refined.
    public var maxTrials: Int
    /// Seeds the sampler, so a run repeats exactly.
    public var seed: UInt64
    public var sampling: RANSACSampling
    /// Stop drawing once the best support reaches this (e.g. every datum an inlier); nil
    /// never stops early.
    public var sufficientSupport: Double?

    public init(maxTrials: Int, seed: UInt64 = 0, sampling: RANSACSampling = .distinct, sufficientSupport: Double? = nil) {
        self.maxTrials = maxTrials; self.seed = seed; self.sampling = sampling; self.sufficientSupport = sufficientSupport
    }
}

/// What `ransac(_:options:)` found.
public struct RANSACReport<Model> {
    /// The best hypothesis, refined on its inliers.
    public var model: Model
    /// The best hypothesis' support before refinement.
    public var support: Double
    /// Trials drawn.
    public var trials: Int
    /// Per datum, whether it supports the refined model.
    public var inlierMask: [Bool]
    public var inlierCount: Int { inlierMask.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// The one robust-estimation loop: draws seeded minimal samples, keeps the hypothesis of
/// strictly highest support (a hypothesis must have positive support), then refines it.
/// `initialModel` (e.g. a fit on all data) competes as a hypothesis before the first trial.
/// - Returns: nil when no hypothesis has positive support or the refit fails.
public func ransac<E: RobustEstimator>(_ estimator: E, options: RANSACOptions,
                                       initialModel: E.Model? = nil) -> RANSACReport<E.Model>? {
    let n = estimator.dataCount, k = E.minimalSampleCount
    guard n >= k, k > 0 else { return nil }
    var rng = SplitMix64(seed: options.seed)
    var best: (model: E.Model, support: Double)?
    func consider(_ model: E.Model) {
        let s = estimator.score(model)
        if s > (best?.support ?? 0) { best = (model, s) }
    }
    if let initialModel { consider(initialModel) }
    var trials = 0
    while trials < options.maxTrials {
        if let enough = options.sufficientSupport, let b = best, b.support >= enough { break }
        trials += 1
        var sample: [Int] = []
        sample.reserveCapacity(k)
        switch options.sampling {
        case .distinct:
            while sample.count < k {
                let i = Int.random(in: 0..<n, using: &rng)
                if !sample.contains(i) { sample.append(i) }
            }
        case .independent:
            for _ in 0..<k { sample.append(Int.random(in: 0..<n, using: &rng)) }
            if Set(sample).count < k { continue }
        }
        for model in estimator.generateModels(sample: sample) { consider(model) }
    }
    guard let best, let refined = estimator.refine(best.model) else { return nil }
    return RANSACReport(model: refined, support: best.support, trials: trials,
                        inlierMask: (0..<n).map { estimator.isInlier(refined, $0) })
}
