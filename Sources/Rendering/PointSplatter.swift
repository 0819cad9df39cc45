import Geometry
import Imaging

/// Depth maps from point clouds: when a landmark has no mesh, its sparse map points stand in
/// as occluders (each drawn as a small square of constant depth).
public enum PointSplatter {
    /// The nearest camera depth per pixel of points drawn as (2r + 1)² squares.
    /// - Parameters:
    ///   - points: world (landmark) points, metres.
    ///   - intrinsics: the output size and pinhole (distortion ignored).
    ///   - cameraFromWorld: OpenCV camera axes from the world frame.
    ///   - radiusPixels: half the square's side, ≥ 0 (0 = one pixel).
    ///   - nearPlane: points nearer than this (metres) are skipped.
    /// - Returns: `width × height` depths in metres, `+infinity` where no point lands.
    public static func depth(points: [Vec3], intrinsics k: CameraIntrinsics, cameraFromWorld: Rigid3,
                             radiusPixels: Int = 2, nearPlane: Double = 0.05) -> [Float] {
        precondition(radiusPixels >= 0, "radius must be non-negative")
        var depth = [Float](repeating: .infinity, count: k.width * k.height)
        let r = cameraFromWorld.rotation.matrix, t = cameraFromWorld.translation
        for p in points {
            let c = r * p + t
            guard c.z >= nearPlane else { continue }
            let x = Int((k.fx * c.x / c.z + k.cx).rounded()), y = Int((k.fy * c.y / c.z + k.cy).rounded())
            let z = Float(c.z)
            for yy in max(0, y - radiusPixels)...min(k.height - 1, y + radiusPixels) where yy >= 0 && yy < k.height {
                guard x + radiusPixels >= 0, x - radiusPixels < k.width else { break }
                for xx in max(0, x - radiusPixels)...min(k.width - 1, x + radiusPixels) {
                    let i = yy * k.width + xx
                    if z < depth[i] { depth[i] = z }
                }
            }
        }
        return depth
    }
}

extension RenderResult {
    /// `mask(instances:)` with the pixels removed where `occluderDepth` (e.g. from
    /// `PointSplatter.depth`) is nearer than the render by more than `toleranceMetres`.
    public func mask(instances: Set<Int>, occluderDepth: [Float], toleranceMetres: Float = 0.05) -> Image8 {
        precondition(occluderDepth.count == width * height, "occluder depth must match the render size")
        var out = mask(instances: instances)
        for i in 0..<(width * height) where out.pixels[i] != 0 && occluderDepth[i] < depth[i] - toleranceMetres {
            out.pixels[i] = 0
        }
        return out
    }
}
