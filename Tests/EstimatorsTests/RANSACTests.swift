import Geometry
import Testing
@testable import Estimators

/// The generic loop with a mock estimator: a constant (1-D mean) from one sample.
private struct ConstantEstimator: RobustEstimator {
    var values: [Double]
    var threshold: Double
    static var minimalSampleCount: Int { 1 }
    var dataCount: Int { values.count }
    func generateModels(sample: [Int]) -> [Double] { [values[sample[0]]] }
    func isInlier(_ m: Double, _ i: Int) -> Bool { abs(values[i] - m) <= threshold }
    func score(_ m: Double) -> Double { Double(values.indices.filter { isInlier(m, $0) }.count) }
    func refine(_ m: Double) -> Double? {
        let inliers = values.indices.filter { isInlier(m, $0) }.map { values[$0] }
        return inliers.isEmpty ? nil : inliers.reduce(0, +) / Double(inliers.count)
    }
}

@Suite struct RANSACTests {
    /// 70 values at 5 ± 0.01 and 30 outliers in [−100, 100]: with 50 trials the chance of
    /// never drawing an inlier is 0.3⁵⁰ ≈ 7e-27, so the refined model is the inliers' mean.
    @Test func findsTheInlierConsensusAndRefinesIt() throws {
        var rng = SplitMix64(seed: 3)
        let inliers = (0..<70).map { _ in 5 + Double.random(in: -0.01...0.01, using: &rng) }
        let outliers = (0..<30).map { _ in Double.random(in: -100...100, using: &rng) }.filter { abs($0 - 5) > 1 }
        let values = inliers + outliers
        let report = try #require(ransac(ConstantEstimator(values: values, threshold: 0.05),
                                         options: RANSACOptions(maxTrials: 50, seed: 1)))
        #expect(report.inlierCount == 70)
        #expect(abs(report.model - inliers.reduce(0, +) / 70) < 1e-12)
        #expect(report.trials == 50)
    }

    @Test func sameSeedSameReportAndEarlyStop() throws {
        let values = [1.0, 1.0, 1.0, 9.0]
        let e = ConstantEstimator(values: values, threshold: 0.1)
        let a = try #require(ransac(e, options: RANSACOptions(maxTrials: 20, seed: 9)))
        let b = try #require(ransac(e, options: RANSACOptions(maxTrials: 20, seed: 9)))
        #expect(a.model == b.model && a.trials == b.trials && a.inlierMask == b.inlierMask)
        // An initial model that every datum supports ends the loop before any trial.
        let all = try #require(ransac(ConstantEstimator(values: [2, 2, 2], threshold: 0.1),
                                      options: RANSACOptions(maxTrials: 20, sufficientSupport: 3), initialModel: 2))
        #expect(all.trials == 0)
    }

    /// Independent draws: a sample that repeats an index spends its trial without a model.
    @Test func independentDrawsSkipRepeatedIndices() {
        struct PairEstimator: RobustEstimator {
            static var minimalSampleCount: Int { 2 }
            var dataCount: Int { 2 }
            func generateModels(sample: [Int]) -> [Int] { [sample[0] + sample[1]] }
            func isInlier(_ m: Int, _ i: Int) -> Bool { true }
            func score(_ m: Int) -> Double { 1 }
            func refine(_ m: Int) -> Int? { m }
        }
        // Two data: about half the samples repeat an index; the others are {0, 1}, model 1.
        let r = ransac(PairEstimator(), options: RANSACOptions(maxTrials: 10, seed: 2, sampling: .independent))
        #expect(r?.model == 1)
        #expect(r?.trials == 10)
    }
}
