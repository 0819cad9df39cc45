import Foundation
import Geometry
import LandmarkMap
import Reconstruction
@testable import Localization
import Features
import Synthetic

/// A synthetic landmark as descriptors, without images: random points on a 10 m façade,
/// each seen by three keyframes with slightly perturbed copies of one random SIFT-like
/// descriptor; and query features made by projecting the points with a known pose (plus
/// pixel noise, descriptor noise and unrelated outlier features).
struct SyntheticScene {
    var map: FeatureMap
    var intrinsics: CameraIntrinsics
    var cameraFromLandmark: Rigid3
    var query: FeatureSet
    /// Query keypoint index → true map point index (nil for outliers).
    var truth: [Int?]

    static func make(seed: UInt64 = 1, points: Int = 600, outliers: Int = 300, pixelNoise: Double = 0.3,
                     visibleFraction: Double = 1) -> SyntheticScene {
        var rng = SplitMix64(seed: seed)
        func descriptor(_ rng: inout SplitMix64) -> [UInt8] { (0..<128).map { _ in UInt8.random(in: 0...120, using: &rng) } }
        func jitter(_ d: [UInt8], _ amount: Int, _ rng: inout SplitMix64) -> [UInt8] {
            d.map { UInt8(clamping: Int($0) + Int.random(in: -amount...amount, using: &rng)) }
        }
        // Façade: x in [-5, 5], y in [0, 8], z in [-1, 1] (some depth), Y up.
        var mapPoints: [MapPoint] = [], base: [[UInt8]] = []
        for i in 0..<points {
            let p = Vec3(Double.random(in: -5...5, using: &rng), Double.random(in: 0...8, using: &rng),
                         Double.random(in: -1...1, using: &rng))
            let d = descriptor(&rng)
            base.append(d)
            let obs = (0..<3).map { k in
                Observation(keyframeID: Int64(k), keypointIndex: Int32(i), pixel: Vec2(0, 0), descriptor: jitter(d, 3, &rng))
            }
            mapPoints.append(MapPoint(id: Int64(i), position: p, observations: obs))
        }
        let map = FeatureMap(metadata: MapMetadata(name: "synthetic", featureKind: .sift, isMetric: true), points: mapPoints)
        // Camera 12 m in front of the façade (−z looking at +z... OpenCV: z forward), 4 m up.
        let center = Vec3(1.0, 4.0, -12.0)
        let look = normalize(Vec3(0, 4, 0) - center)
        let down = Vec3(0, -1, 0)
        let xAxis = normalize(cross(down, look)), yAxis = cross(look, xAxis)
        let r = Matrix3(rows: xAxis, yAxis, look)
        let pose = Rigid3(rotation: r, translation: -(r * center))
        let k = CameraIntrinsics(width: 640, height: 480, fx: 500, fy: 500, cx: 319.5, cy: 239.5)
        var keypoints: [Keypoint] = [], descriptors: [UInt8] = [], truth: [Int?] = []
        for (i, point) in mapPoints.enumerated() {
            guard Double.random(in: 0..<1, using: &rng) < visibleFraction,
                  let uv = k.project(pose.apply(point.position)),
                  uv.x >= 0, uv.y >= 0, uv.x < 640, uv.y < 480 else { continue }
            let noisy = uv + Vec2(rng.nextGaussian() * pixelNoise, rng.nextGaussian() * pixelNoise)
            keypoints.append(Keypoint(x: Float(noisy.x), y: Float(noisy.y), size: 4))
            descriptors.append(contentsOf: jitter(base[i], 4, &rng))
            truth.append(i)
        }
        for _ in 0..<outliers {
            keypoints.append(Keypoint(x: Float.random(in: 0..<640, using: &rng), y: Float.random(in: 0..<480, using: &rng), size: 4))
            descriptors.append(contentsOf: descriptor(&rng))
            truth.append(nil)
        }
        let query = FeatureSet(kind: .sift, keypoints: keypoints, descriptors: descriptors, imageWidth: 640, imageHeight: 480)
        return SyntheticScene(map: map, intrinsics: k, cameraFromLandmark: pose, query: query, truth: truth)
    }
}

func poseErrors(_ a: Rigid3, _ b: Rigid3) -> (metres: Double, degrees: Double) {
    (distance(a.centerOfTargetInSource, b.centerOfTargetInSource),
     Quaternion.angleBetween(a.rotation, b.rotation) * 180 / .pi)
}
