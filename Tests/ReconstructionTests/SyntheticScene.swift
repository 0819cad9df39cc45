import Foundation
import Geometry

/// A seeded synthetic scene: points in a box in front of a ring of cameras looking at it.
struct SyntheticScene {
    var intrinsics = CameraIntrinsics(width: 1024, height: 768, fx: 800, fy: 800, cx: 511.5, cy: 383.5)
    var points: [Vec3] = []
    var cameras: [Rigid3] = []   // cameraFromWorld

    init(seed: UInt64, pointCount: Int = 400, cameraCount: Int = 6) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<pointCount {
            points.append(Vec3(Double.random(in: -2...2, using: &rng), Double.random(in: -1.5...1.5, using: &rng),
                               Double.random(in: -1...1, using: &rng)))
        }
        for i in 0..<cameraCount {
            let a = Double(i) / Double(cameraCount) * 0.9 - 0.45    // an arc of ±26°
            let center = Vec3(8 * sin(a), 0.3 * Double(i % 2), -8 * cos(a))
            cameras.append(Self.lookAt(center: center, target: .zero))
        }
    }

    /// cameraFromWorld for a camera at `center` looking at `target` (OpenCV axes, world Y up).
    static func lookAt(center: Vec3, target: Vec3) -> Rigid3 {
        let z = normalize(target - center)
        let x = normalize(cross(z, Vec3(0, -1, 0)))   // image x right
        let y = cross(z, x)                          // image y down
        let R = Matrix3(rows: x, y, z)
        return Rigid3(rotation: R, translation: -(R * center))
    }

    func project(_ p: Vec3, camera: Int) -> Vec2? {
        intrinsics.project(cameras[camera].apply(p))
    }
}
