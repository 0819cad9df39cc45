import Foundation
import Geometry
import LandmarkMap
import Features

/// Seeded random feature maps for tests and benchmarks (`landmark bench store`). Geometry
/// is random, not consistent (points do not project to their pixels): it exercises
/// storage and exchange formats, not solvers.
public enum SyntheticFeatureMap {
    /// A map of `keyframeCount` keyframes on two cameras (one with distortion) around the
    /// origin, `pointCount` points, each seen by `observationsPerPoint` keyframes with dense
    /// keypoint indices per keyframe and random descriptors; `orbPointCount` ORB points
    /// likewise in the ORB query layer.
    public static func make(seed: UInt64 = 1, keyframeCount: Int = 6, pointCount: Int = 40, observationsPerPoint: Int = 3,
                           kind: FeatureKind = .sift, name: String = "synthetic", orbPointCount: Int = 0,
                           anchors: [Anchor] = []) -> FeatureMap {
        var rng = SplitMix64(seed: seed)
        let cameras = [
            MapCamera(id: 1, intrinsics: CameraIntrinsics(width: 1024, height: 768, fx: 880.25, fy: 881.5,
                                                         cx: 511.75, cy: 383.25)),
            MapCamera(id: 2, intrinsics: CameraIntrinsics(width: 640, height: 480, fx: 500.1, fy: 499.9, cx: 320.3,
                                                         cy: 239.7, k1: -0.12, k2: 0.031, p1: 0.0007, p2: -0.0004)),
        ]
        var keyframes: [Keyframe] = []
        for i in 0..<keyframeCount {
            let rotation = Quaternion(axis: Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()),
                                      angle: Double.random(in: -3...3, using: &rng))
            let translation = Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian() + 5)
            keyframes.append(Keyframe(id: Int64(i + 1), name: String(format: "images/%04d.png", i),
                                      cameraID: Int64(i % 2 + 1),
                                      cameraFromLandmark: Rigid3(rotation: rotation, translation: translation)))
        }
        func makePoints(_ count: Int, kind: FeatureKind, patches: Bool) -> [MapPoint] {
            var nextKeypoint = [Int32](repeating: 0, count: keyframeCount)
            var points: [MapPoint] = []
            for p in 0..<count {
                var observations: [Observation] = []
                var chosen = Set<Int>()
                while chosen.count < min(observationsPerPoint, keyframeCount) {
                    chosen.insert(Int.random(in: 0..<keyframeCount, using: &rng))
                }
                for k in chosen.sorted() {
                    let descriptor = (0..<kind.descriptorBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    let side = Observation.patchSide
                    let patch = patches ? (0..<(side * side)).map { _ in UInt8.random(in: 0...255, using: &rng) } : []
                    observations.append(Observation(
                        keyframeID: Int64(k + 1), keypointIndex: nextKeypoint[k],
                        pixel: Vec2(Double.random(in: 0..<1024, using: &rng), Double.random(in: 0..<768, using: &rng)),
                        size: Float.random(in: 2..<40, using: &rng), angle: Float.random(in: 0..<360, using: &rng),
                        descriptor: descriptor, patch: patch))
                    nextKeypoint[k] += 1
                }
                points.append(MapPoint(
                    id: Int64(p + 1),
                    position: Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()),
                    color: SIMD3(UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng),
                                 UInt8.random(in: 0...255, using: &rng)),
                    reprojectionError: Double.random(in: 0..<2, using: &rng), observations: observations))
            }
            return points
        }
        let points = makePoints(pointCount, kind: kind, patches: false)
        let orbPoints = makePoints(orbPointCount, kind: .orb, patches: true)
        let metadata = MapMetadata(name: name, featureKind: kind, isMetric: true,
                                   alignment: "priors: \(keyframeCount) cameras, RMS 0.004 m",
                                   createdAt: 1_790_000_000.25, generator: "SyntheticFeatureMap seed \(seed)")
        return FeatureMap(metadata: metadata, cameras: cameras, keyframes: keyframes, points: points, orbPoints: orbPoints,
                          anchors: anchors)
    }

    /// A consistent map for anchoring and scaling tests: a box building (20 × 12 × 10 m, roof
    /// at y = 12, front wall at z = 5) on a ground plane, sampled as 4,500 map points with
    /// 5 mm noise, seen by one keyframe "0003.png" (1024×768, f = 800) at (0, 22, 25) looking
    /// at (0, 8, 0). Points carry no observations. Metres, Y up; `metric` sets only the flag.
    public static func building(seed: UInt64 = 3, metric: Bool = true) -> FeatureMap {
        var rng = SplitMix64(seed: seed)
        var points: [MapPoint] = []
        func add(_ p: Vec3) {
            let noise = Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()) * 0.005
            points.append(MapPoint(id: Int64(points.count + 1), position: p + noise))
        }
        for _ in 0..<1500 { add(Vec3(Double.random(in: -10...10, using: &rng), 12, Double.random(in: -5...5, using: &rng))) }
        for _ in 0..<1500 { add(Vec3(Double.random(in: -10...10, using: &rng), Double.random(in: 0...12, using: &rng), 5)) }
        for _ in 0..<1500 { add(Vec3(Double.random(in: -20...20, using: &rng), 0, Double.random(in: 5...25, using: &rng))) }
        let k = CameraIntrinsics(width: 1024, height: 768, fx: 800, fy: 800, cx: 512, cy: 384)
        let center = Vec3(0, 22, 25), target = Vec3(0, 8, 0)
        let z = normalize(target - center)
        let x = normalize(cross(Vec3(0, -1, 0), z))   // OpenCV: x right, y down, z forward
        let y = cross(z, x)
        let landmarkFromCamera = Rigid3(rotation: Matrix3(columns: x, y, z), translation: center)
        let keyframe = Keyframe(id: 1, name: "0003.png", cameraID: 1, cameraFromLandmark: landmarkFromCamera.inverse)
        return FeatureMap(metadata: MapMetadata(name: "box", isMetric: metric),
                          cameras: [MapCamera(id: 1, intrinsics: k)], keyframes: [keyframe], points: points)
    }
}
