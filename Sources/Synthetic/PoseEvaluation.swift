import Foundation
import Geometry
import LandmarkMap
import Estimators

/// A ground-truth camera pose for evaluation.
public struct GroundTruthCamera: Sendable, Equatable {
    public var name: String
    /// World → camera (OpenCV axes).
    public var cameraFromWorld: Rigid3
    public var center: Vec3 { cameraFromWorld.centerOfTargetInSource }
}

/// Readers for ground-truth camera files.
public enum GroundTruth {
    /// A synthetic `ground_truth.json` file, or a Strecha `gt_dense_cameras` folder (one
    /// `NAME.camera` per image: K, distortion, R whose columns are the camera axes in the
    /// world, the centre t, the size; a world point projects as K Rᵀ (X − t)).
    public static func load(from url: URL) throws -> [GroundTruthCamera] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw GroundTruthFileError.unreadable(path: url.path)
        }
        if isDir.boolValue { return try loadStrecha(url) }
        return try GroundTruthFile.read(from: url).images.map {
            GroundTruthCamera(name: $0.name, cameraFromWorld: Rigid3(rotation: (Quaternion(wxyz: $0.cameraFromWorld.rotation) ?? .identity).normalized,
                                                                     translation: $0.cameraFromWorldRigid.translation))
        }
    }

    static func loadStrecha(_ dir: URL) throws -> [GroundTruthCamera] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".camera") }.sorted()
        guard !files.isEmpty else { throw GroundTruthFileError.invalid(path: dir.path, field: "", reason: "holds no .camera files") }
        return try files.map { file in
            let text = (try? String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)) ?? ""
            let v = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }).compactMap { Double($0) }
            guard v.count >= 21 else { throw GroundTruthFileError.invalid(path: file, field: "", reason: "expected K, distortion, R, t") }
            // v[0..<9] K, v[9..<12] distortion, v[12..<21] R (columns = camera axes in world), v[21..<24] centre
            let R = Matrix3(Array(v[12..<21]))
            let c = Vec3(v[21], v[22], v[23])
            let cameraFromWorldR = R.transposed
            return GroundTruthCamera(name: String(file.dropLast(".camera".count)),
                                     cameraFromWorld: Rigid3(rotation: cameraFromWorldR, translation: -(cameraFromWorldR * c)))
        }
    }
}

/// Camera pose errors of a map against ground truth after a robust similarity alignment.
public struct PoseErrors: Sendable, Equatable, Codable {
    public var matched: Int
    public var inliers: Int
    public var medianCenterError: Double
    public var maxCenterError: Double
    public var medianRotationErrorDegrees: Double
    public var maxRotationErrorDegrees: Double
    /// The ground-truth cameras' extent (bounding-box diagonal), for relative errors.
    public var sceneSize: Double
}

/// Aligns the map's camera centres to the ground truth (robust similarity) and measures
/// centre errors (ground-truth units) and rotation errors (degrees). Nil with < 3 matches.
public func evaluatePoses(_ map: FeatureMap, groundTruth: [GroundTruthCamera], seed: UInt64 = 0) -> PoseErrors? {
    let gtByName = Dictionary(groundTruth.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    func gt(_ name: String) -> GroundTruthCamera? {
        gtByName[name] ?? groundTruth.first { ($0.name as NSString).lastPathComponent == (name as NSString).lastPathComponent }
    }
    var est: [Rigid3] = [], truth: [GroundTruthCamera] = []
    for k in map.keyframes { if let g = gt(k.name) { est.append(k.cameraFromLandmark); truth.append(g) } }
    guard est.count >= 3 else { return nil }
    let lo = truth.map(\.center).reduce(Vec3(repeating: .infinity)) { pointwiseMin($0, $1) }
    let hi = truth.map(\.center).reduce(Vec3(repeating: -.infinity)) { pointwiseMax($0, $1) }
    let size = length(hi - lo)
    guard let fit = robustAlignSimilarity(source: est.map(\.centerOfTargetInSource), target: truth.map(\.center),
                                          threshold: max(0.05 * size, 1e-9), seed: seed) else { return nil }
    var centerErr: [Double] = [], rotErr: [Double] = []
    for (e, g) in zip(est, truth) {
        let aligned = fit.transform.transformCameraPose(e)
        centerErr.append(distance(aligned.centerOfTargetInSource, g.center))
        rotErr.append(Quaternion.angleBetween(aligned.rotation, g.cameraFromWorld.rotation) * 180 / .pi)
    }
    centerErr.sort(); rotErr.sort()
    return PoseErrors(matched: est.count, inliers: fit.inliers.filter { $0 }.count, medianCenterError: median(centerErr),
                      maxCenterError: centerErr.last!, medianRotationErrorDegrees: median(rotErr),
                      maxRotationErrorDegrees: rotErr.last!, sceneSize: size)
}
