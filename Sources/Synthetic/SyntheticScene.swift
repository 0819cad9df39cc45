import Foundation
import Geometry
import Imaging

/// A seeded synthetic scene for solver tests: points in a box in front of an arc of cameras
/// looking at it, with exact poses (COLMAP's scene/synthetic.h in miniature).
public struct SyntheticScene: Sendable {
    public var intrinsics = CameraIntrinsics(width: 1024, height: 768, fx: 800, fy: 800, cx: 511.5, cy: 383.5)
    public var points: [Vec3] = []
    public var cameras: [Rigid3] = []   // cameraFromWorld

    public init(seed: UInt64, pointCount: Int = 400, cameraCount: Int = 6) {
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
    public static func lookAt(center: Vec3, target: Vec3) -> Rigid3 {
        let z = normalize(target - center)
        let x = normalize(cross(z, Vec3(0, -1, 0)))   // image x right
        let y = cross(z, x)                          // image y down
        let R = Matrix3(rows: x, y, z)
        return Rigid3(rotation: R, translation: -(R * center))
    }

    public func project(_ p: Vec3, camera: Int) -> Vec2? {
        intrinsics.project(cameras[camera].apply(p))
    }
}

/// A seeded blob texture with structure at several scales.
public func blobImage(width: Int, height: Int, seed: UInt64) -> Image8 {
    var rng = SplitMix64(seed: seed)
    var img = Image8(width: width, height: height, channels: 1, fill: 128)
    for _ in 0..<(width * height / 300) {
        let cx = Int.random(in: 0..<width, using: &rng), cy = Int.random(in: 0..<height, using: &rng)
        let r = Int.random(in: 2...9, using: &rng), v = UInt8.random(in: 0...255, using: &rng)
        for y in max(0, cy - r)..<min(height, cy + r) {
            for x in max(0, cx - r)..<min(width, cx + r) where (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r {
                img.pixels[y * width + x] = v
            }
        }
    }
    return img
}

/// Seeded noise texture (box-blurred random values), rich enough for SIFT.
public func noiseTexture(width: Int, height: Int, seed: UInt64) -> Image8 {
    var rng = SplitMix64(seed: seed)
    var raw = (0..<(width * height)).map { _ in Double.random(in: 0..<255, using: &rng) }
    for _ in 0..<2 {   // blur twice with a 5×5 box
        var out = raw
        for y in 0..<height {
            for x in 0..<width {
                var sum = 0.0, n = 0.0
                for dy in -2...2 { for dx in -2...2 {
                    let xx = x + dx, yy = y + dy
                    if xx >= 0, yy >= 0, xx < width, yy < height { sum += raw[yy * width + xx]; n += 1 }
                } }
                out[y * width + x] = sum / n
            }
        }
        raw = out
    }
    let lo = raw.min()!, hi = raw.max()!
    return Image8(width: width, height: height, channels: 1, pixels: raw.map { UInt8(((($0 - lo) / (hi - lo)) * 255).rounded()) })
}

/// A gray image as RGB (each level copied to the three channels).
public func rgbFromGray(_ g: Image8) -> Image8 {
    Image8(width: g.width, height: g.height, channels: 3, pixels: g.pixels.flatMap { [$0, $0, $0] })
}
