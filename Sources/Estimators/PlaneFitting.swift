import Geometry

/// A plane through `point` with unit `normal`.
public struct Plane: Sendable, Equatable, Codable {
    public var point: Vec3
    public var normal: Vec3

    public init(point: Vec3, normal: Vec3) {
        self.point = point
        self.normal = normalize(normal)
    }
    /// Signed distance of `p` along the normal.
    public func signedDistance(_ p: Vec3) -> Double { dot(p - point, normal) }
    /// Where the ray `origin + s·direction` (s > 0) meets the plane; nil when parallel or behind.
    public func intersect(origin: Vec3, direction: Vec3) -> Vec3? {
        let denom = dot(direction, normal)
        guard abs(denom) > 1e-12 else { return nil }
        let s = dot(point - origin, normal) / denom
        return s > 0 ? origin + direction * s : nil
    }
    /// The orthogonal projection of `p` onto the plane.
    public func project(_ p: Vec3) -> Vec3 { p - normal * signedDistance(p) }
}

/// Options of `fitPlane(points:weights:options:)`.
public struct PlaneFitOptions: Sendable {
    /// Inlier distance in the map's units (metres for a metric map).
    public var maxDistance: Double
    /// RANSAC trials; 0 means 200.
    public var iterations: Int = 200
    /// Seeds the sampler, so a fit is reproducible.
    public var seed: UInt64 = 0

    public init(maxDistance: Double, iterations: Int = 200, seed: UInt64 = 0) {
        self.maxDistance = maxDistance; self.iterations = iterations; self.seed = seed
    }
}

/// The result of a robust plane fit.
public struct PlaneFit: Sendable {
    public var plane: Plane
    /// Indices into the input of the points within `maxDistance` of the plane.
    public var inliers: [Int]
    /// RMS distance of the inliers to the plane.
    public var rmsDistance: Double
}

/// The least-squares plane through `points` (the smallest principal axis of their scatter);
/// nil for fewer than 3 points or collinear ones.
public func leastSquaresPlane(_ points: [Vec3]) -> Plane? {
    guard points.count >= 3 else { return nil }
    let mean = points.reduce(Vec3.zero, +) / Double(points.count)
    var c = [Double](repeating: 0, count: 9)
    for p in points {
        let d = p - mean
        for i in 0..<3 { for j in 0..<3 { c[i * 3 + j] += d[i] * d[j] } }
    }
    let e = symmetricEigen(c, n: 3)
    // Collinear points: the two smallest spreads vanish together.
    guard e.values[1] > 1e-12 * max(e.values[0], 1e-300) else { return nil }
    let n = e.vectors[2]
    return Plane(point: mean, normal: Vec3(n[0], n[1], n[2]))
}

/// Plane estimation for `ransac`: minimal samples of 3 points, support the summed weights of
/// the points within `maxDistance`, refit by least squares on the inliers (re-selected and
/// refitted until stable, three rounds at most), the normal kept on the sample's side.
public struct PlaneEstimator: RobustEstimator {
    public var points: [Vec3]
    public var weights: [Double]
    public var maxDistance: Double
    public static var minimalSampleCount: Int { 3 }
    public var dataCount: Int { points.count }

    public init(points: [Vec3], weights: [Double]? = nil, maxDistance: Double) {
        self.points = points; self.maxDistance = maxDistance
        self.weights = weights ?? [Double](repeating: 1, count: points.count)
    }
    public func generateModels(sample: [Int]) -> [Plane] {
        let (i, j, k) = (sample[0], sample[1], sample[2])
        let normal = cross(points[j] - points[i], points[k] - points[i])
        guard length(normal) > 1e-12 else { return [] }
        return [Plane(point: points[i], normal: normal)]
    }
    public func isInlier(_ plane: Plane, _ m: Int) -> Bool { abs(plane.signedDistance(points[m])) <= maxDistance }
    public func score(_ plane: Plane) -> Double {
        var score = 0.0
        for m in 0..<dataCount where isInlier(plane, m) { score += weights[m] }
        return score
    }
    public func refine(_ start: Plane) -> Plane? {
        var plane = start
        for _ in 0..<3 {   // refit, re-select: converges in one or two rounds
            let inliers = (0..<dataCount).filter { isInlier(plane, $0) }
            guard let refit = leastSquaresPlane(inliers.map { points[$0] }) else { break }
            plane = Plane(point: refit.point, normal: dot(refit.normal, plane.normal) < 0 ? -refit.normal : refit.normal)
        }
        return plane
    }
}

/// A robust plane fit: RANSAC over 3-point samples scoring the summed `weights` of the inliers
/// (weight 1 each when `weights` is nil), then a least-squares refit on the inliers.
/// Returns nil when fewer than 3 points or no non-degenerate sample exists.
public func fitPlane(points: [Vec3], weights: [Double]? = nil, options: PlaneFitOptions) -> PlaneFit? {
    let n = points.count
    guard n >= 3 else { return nil }
    let estimator = PlaneEstimator(points: points, weights: weights, maxDistance: options.maxDistance)
    let ransacOptions = RANSACOptions(maxTrials: options.iterations > 0 ? options.iterations : 200, seed: options.seed,
                                      sampling: .independent)
    guard let report = ransac(estimator, options: ransacOptions) else { return nil }
    let plane = report.model
    let inliers = (0..<n).filter { report.inlierMask[$0] }
    let ss = inliers.reduce(0.0) { $0 + plane.signedDistance(points[$1]) * plane.signedDistance(points[$1]) }
    return PlaneFit(plane: plane, inliers: inliers, rmsDistance: inliers.isEmpty ? 0 : (ss / Double(inliers.count)).squareRoot())
}
