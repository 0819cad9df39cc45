import Foundation
import Geometry
import LandmarkMap

// Gravity from the cameras of a map registered without priors.
//
// COLMAP's model_orientation_aligner (colmap/src/colmap/sfm/... `EstimateGravityVectorFromImageOrientation`)
// takes the median of the cameras' up vectors: most photos are taken upright, so each
// camera's up (minus its image y axis, in the world) points roughly against gravity. That
// mean is biased by the photos' pitch when they all look up at a facade or down from a
// drone on one side. Upright photos say more: their image x axis is horizontal (no roll),
// whatever the pitch. This estimator uses both (PoseLib's "upright" solvers make the same
// assumption about phones):
//
//   minimise over unit g   Σ wᵢ (xᵢ·g)² / σ_roll²  +  Σ vᵢ (1 − (uᵢ·g)²) / σ_tilt²
//
// where xᵢ is camera i's image x axis and uᵢ its up, both in the map's frame. Both terms are
// quadratic forms in g, so g is the eigenvector of the smallest eigenvalue of their sum. The
// weights wᵢ, vᵢ are Cauchy weights of each camera's residual (iteratively reweighted, so
// a few photos taken sideways or with a wrong pose do not pull), σ_roll and σ_tilt robust
// spreads (1.4826 × median) of the x axes' elevations and of the ups' tilts. With cameras of
// varied headings the x axes fix g by themselves (σ_roll ≪ σ_tilt); with one heading only
// the ups fix the remaining direction, as COLMAP's median does.

/// Settings of `estimateUpFromCameras`.
public struct CameraUpOptions: Sendable {
    /// Reweighting rounds (each one eigen-decomposition of a 3×3 matrix).
    public var maxIterations = 30
    /// Floors of the robust spreads, degrees: keep exact synthetic cameras from giving one
    /// camera all the weight. 0.05° is below SfM's rotation accuracy, 1° below any real pitch spread.
    public var minRollSigmaDegrees = 0.05
    public var minTiltSigmaDegrees = 1.0
    /// A camera is an inlier when its image x axis is within this many robust spreads of
    /// horizontal (and its up above the horizon).
    public var inlierSigmas = 3.0
    /// Fewest cameras for an estimate.
    public var minCameras = 3

    public init() {}
}

/// The up direction the cameras agree on, in the map's frame.
public struct CameraUpEstimate: Sendable, Equatable {
    /// Unit vector against gravity, in the map's frame.
    public var up: Vec3
    /// Cameras given, and those that support `up` (see `CameraUpOptions.inlierSigmas`).
    public var cameraCount: Int
    public var inlierCount: Int
    /// Median angle between the inliers' up vectors and `up`, degrees (their pitch, mostly).
    public var spreadDegrees: Double
    /// Median elevation of the inliers' image x axes above or below horizontal, degrees (their roll).
    public var rollSpreadDegrees: Double
    /// Standard error of `up` in its worst direction, degrees, from the weighted normal matrix.
    public var uncertaintyDegrees: Double
}

/// `symmetricEigen` of a 3×3 matrix scaled to unit trace first (its Jacobi sweeps stop at an
/// absolute threshold), eigenvalues scaled back; descending.
private func normalizedEigen(_ a: [Double]) -> (values: [Double], vectors: [[Double]]) {
    let trace = max(a[0] + a[4] + a[8], 1e-300)
    let e = symmetricEigen(a.map { $0 / trace }, n: 3)
    return (e.values.map { $0 * trace }, e.vectors)
}

private func medianOf(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// The up direction of a set of cameras taken upright (see the comment at the top of the file).
/// - Parameter cameraFromLandmark: each camera's rotation, landmark → camera (OpenCV axes:
///   x right, y down, z forward).
/// - Returns: nil when fewer than `options.minCameras` rotations are given.
public func estimateUpFromCameras(cameraFromLandmark rotations: [Quaternion],
                                  options: CameraUpOptions = CameraUpOptions()) -> CameraUpEstimate? {
    guard rotations.count >= max(options.minCameras, 1) else { return nil }
    // Rows of R are the camera axes in the landmark frame.
    let axes = rotations.map { q -> (x: Vec3, up: Vec3) in
        let m = q.normalized.matrix
        return (m.rows.0, -m.rows.1)
    }
    let degree = Double.pi / 180

    // 1. Start: the direction most perpendicular to the x axes, the ups weighing 10⁻³ as much
    //    (they only settle directions the x axes leave free, e.g. one heading only), signed
    //    like the component-wise median of the ups (COLMAP's estimate). Starting from the
    //    median itself would let the reweighting settle there: measured from a pitched
    //    mean, the x axes look rolled and the ups agree, so the ups would keep the weight.
    var medianUp = Vec3(medianOf(axes.map { $0.up.x }), medianOf(axes.map { $0.up.y }), medianOf(axes.map { $0.up.z }))
    if length(medianUp) < 1e-9 { medianUp = axes.reduce(Vec3.zero) { $0 + $1.up } }
    var start = [Double](repeating: 0, count: 9)
    for axis in axes {
        let x = [axis.x.x, axis.x.y, axis.x.z], u = [axis.up.x, axis.up.y, axis.up.z]
        for j in 0..<3 { for k in 0..<3 { start[j * 3 + k] += x[j] * x[k] + 1e-3 * ((j == k ? 1 : 0) - u[j] * u[k]) } }
    }
    let startEigen = normalizedEigen(start)
    var g = normalize(Vec3(startEigen.vectors[2][0], startEigen.vectors[2][1], startEigen.vectors[2][2]))
    if dot(g, medianUp) < 0 { g = -g }

    func residuals(_ g: Vec3) -> (roll: [Double], tilt: [Double]) {
        (axes.map { asin(min(1, max(-1, dot($0.x, g)))) }, axes.map { acos(min(1, max(-1, dot($0.up, g)))) })
    }
    // 2. Iteratively reweighted least squares on both terms.
    var normal = [Double](repeating: 0, count: 9)
    var sigmaRoll = 0.0, sigmaTilt = 0.0
    for _ in 0..<options.maxIterations {
        let r = residuals(g)
        sigmaRoll = max(1.4826 * medianOf(r.roll.map(abs)), options.minRollSigmaDegrees * degree)
        sigmaTilt = max(1.4826 * medianOf(r.tilt), options.minTiltSigmaDegrees * degree)
        let c = 2.385   // Cauchy's constant for 95 % efficiency under Gaussian noise
        var a = [Double](repeating: 0, count: 9)
        var sumUp = Vec3.zero
        for (i, axis) in axes.enumerated() {
            let eRoll = r.roll[i] / (c * sigmaRoll), eTilt = r.tilt[i] / (c * sigmaTilt)
            let w = 1 / (1 + eRoll * eRoll) / (sigmaRoll * sigmaRoll)
            let v = 1 / (1 + eTilt * eTilt) / (sigmaTilt * sigmaTilt)
            let x = [axis.x.x, axis.x.y, axis.x.z], u = [axis.up.x, axis.up.y, axis.up.z]
            for j in 0..<3 {
                for k in 0..<3 {
                    a[j * 3 + k] += w * x[j] * x[k] + v * ((j == k ? 1 : 0) - u[j] * u[k])
                }
            }
            sumUp += axis.up * (v * sigmaTilt * sigmaTilt)
        }
        let eigen = normalizedEigen(a)
        var next = normalize(Vec3(eigen.vectors[2][0], eigen.vectors[2][1], eigen.vectors[2][2]))
        if dot(next, sumUp) < 0 { next = -next }
        normal = a
        let change = acos(min(1, max(-1, dot(next, g))))
        g = next
        if change < 1e-10 { break }
    }

    // 3. Inliers, spreads and the standard error.
    let r = residuals(g)
    let inliers = axes.indices.filter { abs(r.roll[$0]) <= options.inlierSigmas * sigmaRoll && r.tilt[$0] < .pi / 2 }
    let eigen = normalizedEigen(normal)
    let gap = max(eigen.values[1] - eigen.values[2], 1e-300)
    return CameraUpEstimate(up: g, cameraCount: axes.count, inlierCount: inliers.count,
                            spreadDegrees: medianOf(inliers.map { r.tilt[$0] }) / degree,
                            rollSpreadDegrees: medianOf(inliers.map { abs(r.roll[$0]) }) / degree,
                            uncertaintyDegrees: (1 / gap).squareRoot() / degree)
}

/// Turns `map` so that +Y is the up its cameras agree on (`estimateUpFromCameras`): a
/// rotation about the landmark frame's origin applied to every keyframe, point, ORB point and
/// anchor; the scale does not change. Records the estimate as the map's gravity
/// (`metadata.frame`, source "camera-up"); the map stays not metric until it is scaled.
/// - Returns: the estimate, its `up` in the frame before the rotation.
/// - Throws: `.notEnoughData` with fewer than `options.minCameras` keyframes.
@discardableResult
public func alignToCameraUp(_ map: inout FeatureMap, options: CameraUpOptions = CameraUpOptions()) throws -> CameraUpEstimate {
    guard let estimate = estimateUpFromCameras(cameraFromLandmark: map.keyframes.map(\.cameraFromLandmark.rotation), options: options) else {
        throw ReconstructionError.notEnoughData("gravity from the cameras' up directions", count: map.keyframes.count, needed: options.minCameras)
    }
    let levelFromMap = Sim3(rotation: Quaternion(from: estimate.up, to: .up))
    map.transform(by: levelFromMap)
    var frame = map.metadata.frame ?? FrameProvenance()
    frame.gravity = GravityEstimate(source: .cameraUp, cameraCount: estimate.inlierCount,
                                    spreadDegrees: estimate.spreadDegrees, uncertaintyDegrees: estimate.uncertaintyDegrees)
    map.metadata.frame = frame
    map.metadata.isMetric = frame.isMetric
    logger.debug("camera-up gravity: \(estimate)")
    return estimate
}

extension CameraUpEstimate {
    /// One line for `register`: how many cameras agree and how well.
    public var summary: String {
        String(format: "Y up from %d of %d cameras' up directions (camera-up: median tilt %.1f°, median roll %.2f°, ±%.2f°); own scale, not metric",
               inlierCount, cameraCount, spreadDegrees, rollSpreadDegrees, uncertaintyDegrees)
    }
}
