import Foundation
import Geometry
import LandmarkMap
import Estimators

/// Camera centres in metres, Y up, per image name (a phone's AR tracking, GPS+gravity, or
/// a ground-truth file).
public struct CameraPriors: Sendable, Equatable {
    public var centers: [String: Vec3]

    public init(centers: [String: Vec3]) { self.centers = centers }

    /// Reads `{"images":[{"name":…, "cameraFromWorld":{"rotation":[w,x,y,z],"translation":[x,y,z]}}…]}`
    /// (the synthetic ground-truth format) or `{"images":[{"name":…, "center":[x,y,z]}…]}`.
    public static func load(from url: URL) throws -> CameraPriors {
        let centers = try readCenters(url, errorKind: { ReconstructionError.badPriors(file: url.lastPathComponent, reason: $0) })
        guard centers.count >= 3 else {
            throw ReconstructionError.badPriors(file: url.lastPathComponent, reason: "needs at least 3 cameras, found \(centers.count)")
        }
        return CameraPriors(centers: centers)
    }

    /// The camera centres of a priors file, by image name.
    static func readCenters(_ url: URL, errorKind: (String) -> ReconstructionError) throws -> [String: Vec3] {
        guard let data = try? Data(contentsOf: url) else { throw errorKind("cannot read the file") }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let images = obj["images"] as? [[String: Any]] else {
            throw errorKind("expected a JSON object with an \"images\" array")
        }
        func vec(_ v: Any?, _ n: Int) -> [Double]? {
            guard let a = v as? [Any], a.count == n else { return nil }
            let d = a.compactMap { ($0 as? NSNumber)?.doubleValue }
            return d.count == n && d.allSatisfy(\.isFinite) ? d : nil
        }
        var out: [String: Vec3] = [:]
        for (i, im) in images.enumerated() {
            guard let name = im["name"] as? String else { throw errorKind("images[\(i)] has no \"name\"") }
            if let pose = im["cameraFromWorld"] as? [String: Any] {
                guard let q = vec(pose["rotation"], 4), let t = vec(pose["translation"], 3) else {
                    throw errorKind("images[\(i)].cameraFromWorld needs rotation [w,x,y,z] and translation [x,y,z]")
                }
                out[name] = Rigid3(rotation: Quaternion(wxyz: q)!.normalized, translation: Vec3(t[0], t[1], t[2])).centerOfTargetInSource
            } else if let c = vec(im["center"], 3) {
                out[name] = Vec3(c[0], c[1], c[2])
            } else {
                throw errorKind("images[\(i)] has neither cameraFromWorld nor center")
            }
        }
        return out
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
    // How sure: a similarity fitted to n centres with residual RMS σ spread over a radius ρ
    // is off by about σ / (ρ √n) in relative scale and in rotation (radians).
    let usedMean = used.map { dst[$0] }.reduce(Vec3.zero, +) / Double(used.count)
    let radius = (used.map { let d = distance(dst[$0], usedMean); return d * d }.reduce(0, +) / Double(used.count)).squareRoot()
    let relative = radius > 0 ? rms / (radius * Double(used.count).squareRoot()) : 0
    let tilts = map.keyframes.map { k -> Double in
        let up = -k.cameraFromLandmark.rotation.matrix.rows.1
        return acos(min(1, max(-1, up.y))) * 180 / .pi
    }.sorted()
    map.metadata.frame = FrameProvenance(
        gravity: GravityEstimate(source: .priors, cameraCount: used.count, spreadDegrees: tilts.isEmpty ? 0 : tilts[tilts.count / 2],
                                 uncertaintyDegrees: relative * 180 / .pi),
        scale: ScaleEstimate(source: .priors, relativeUncertainty: relative, detail: text))
    return text
}
