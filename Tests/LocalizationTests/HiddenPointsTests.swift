import Foundation
import Geometry
import LandmarkMap
import Reconstruction
import Testing
@testable import Localization
import Features

/// Window matching must not match map points the query cannot see: points on a surface's
/// far side, and points hidden behind nearer surfaces.
@Suite struct HiddenPointsTests {
    static let k = CameraIntrinsics(width: 640, height: 480, fx: 500, fy: 500, cx: 319.5, cy: 239.5)

    /// A camera at `centre` looking at `target`, Y up.
    static func look(from centre: Vec3, at target: Vec3) -> Rigid3 {
        let forward = normalize(target - centre)
        let right = normalize(cross(forward, Vec3(0, 1, 0))), down = cross(forward, right)
        let r = Matrix3(rows: right, down, forward)
        return Rigid3(rotation: r, translation: -(r * centre))
    }

    /// Two keyframes 12 m in front of the z = 0 plane (at z = −12), 4 m apart.
    static let keyframes = [
        Keyframe(id: 0, name: "a.png", cameraID: 0, cameraFromLandmark: look(from: Vec3(-2, 4, -12), at: Vec3(0, 4, 0))),
        Keyframe(id: 1, name: "b.png", cameraID: 0, cameraFromLandmark: look(from: Vec3(2, 4, -12), at: Vec3(0, 4, 0))),
    ]

    /// A point observed by both keyframes with `descriptor` and a 4 px keypoint.
    static func point(_ id: Int, at p: Vec3, descriptor: [UInt8]) -> MapPoint {
        MapPoint(id: Int64(id), position: p, observations: keyframes.map { kf in
            Observation(keyframeID: kf.id, keypointIndex: Int32(id), pixel: k.project(kf.cameraFromLandmark.apply(p)) ?? .zero,
                        size: 4, descriptor: descriptor)
        })
    }

    @Test func pointsAreViewableOnlyFromTheirSide() throws {
        let map = FeatureMap(metadata: MapMetadata(name: "t", featureKind: .sift, isMetric: true),
                             cameras: [MapCamera(id: 0, intrinsics: Self.k)], keyframes: Self.keyframes,
                             points: (0..<4).map { Self.point($0, at: Vec3(Double($0), 4, 0), descriptor: [UInt8](repeating: UInt8($0), count: 128)) })
        let index = try MapIndex(map: map)
        let p = Vec3(0, 4, 0)
        #expect(index.isViewable(0, from: p + Vec3(0, 0, -20)))
        #expect(index.isViewable(0, from: p + 20 * Vec3(sin(0.87), 0, -cos(0.87))))     // 50° off the mean direction
        #expect(!index.isViewable(0, from: p + 20 * Vec3(sin(1.31), 0, -cos(1.31))))    // 75° off
        #expect(!index.isViewable(0, from: p + Vec3(0, 0, 20)))                          // from behind
        // 4 px at about 12.2 m with a 500 px focal length: 0.098 m.
        #expect(abs(Double(index.physicalSizes[0]) - 4 * length(Vec3(-2, 4, -12) - p) / 500) < 1e-3)
    }

    @Test func pointsBehindANearerSurfaceAreNotMatched() throws {
        var rng = SplitMix64(seed: 9)
        func descriptor() -> [UInt8] { (0..<128).map { _ in UInt8.random(in: 0...120, using: &rng) } }
        // A dense front façade at z = 0 and a wall 8 m behind it, both seen by the keyframes
        // (the back wall over the front one, say), so both are "viewable" by direction.
        var points: [MapPoint] = [], descriptors: [[UInt8]] = []
        for i in 0..<1400 {
            let z = i < 1200 ? 0.0 : 8.0
            let d = descriptor()
            points.append(Self.point(i, at: Vec3(Double.random(in: -4...4, using: &rng), Double.random(in: 1...7, using: &rng), z), descriptor: d))
            descriptors.append(d)
        }
        let map = FeatureMap(metadata: MapMetadata(name: "t", featureKind: .sift, isMetric: true),
                             cameras: [MapCamera(id: 0, intrinsics: Self.k)], keyframes: Self.keyframes, points: points)
        let index = try MapIndex(map: map)
        // The query sees the front façade; at each back point's projection it has a keypoint
        // looking exactly like that point (the worst case: a repeated pattern).
        let pose = Self.look(from: Vec3(0.5, 4, -12), at: Vec3(0, 4, 0))
        var keypoints: [Keypoint] = [], queryDescriptors: [UInt8] = []
        for (i, p) in points.enumerated() {
            guard let uv = Self.k.project(pose.apply(p.position)), uv.x >= 0, uv.y >= 0, uv.x < 640, uv.y < 480 else { continue }
            keypoints.append(Keypoint(x: Float(uv.x), y: Float(uv.y), size: 4))
            queryDescriptors.append(contentsOf: descriptors[i])
        }
        let features = FeatureSet(kind: .sift, keypoints: keypoints, descriptors: queryDescriptors, imageWidth: 640, imageHeight: 480)
        let matches = matchInWindows(features, index: index, cameraFromLandmark: pose, intrinsics: Self.k, radius: 4, ratio: 0.8)
        let front = matches.filter { index.positions[$0.point].z == 0 }.count
        let back = matches.count - front
        #expect(front > 1000, "\(front) front matches")
        #expect(back <= 10, "\(back) matches to points hidden behind the façade")
    }
}
