/// A pinhole camera with optional radial (k1, k2) and tangential (p1, p2) distortion, in
/// OpenCV's model and axes (x right, y down, z forward). Pixel centres are at integer + 0.5
/// only by convention of the image; these intrinsics follow OpenCV (pixel (0,0) is the
/// centre of the first pixel).
public struct CameraIntrinsics: Equatable, Sendable, Codable {
    public var width: Int
    public var height: Int
    /// Focal lengths in pixels.
    public var fx: Double, fy: Double
    /// Principal point in pixels.
    public var cx: Double, cy: Double
    public var k1: Double = 0, k2: Double = 0, p1: Double = 0, p2: Double = 0

    public init(width: Int, height: Int, fx: Double, fy: Double, cx: Double, cy: Double,
                k1: Double = 0, k2: Double = 0, p1: Double = 0, p2: Double = 0) {
        self.width = width; self.height = height
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
        self.k1 = k1; self.k2 = k2; self.p1 = p1; self.p2 = p2
    }

    public var hasDistortion: Bool { k1 != 0 || k2 != 0 || p1 != 0 || p2 != 0 }
    /// Row-major K.
    public var matrix: Matrix3 { Matrix3([fx, 0, cx, 0, fy, cy, 0, 0, 1]) }

    /// Whether every value is finite, focal lengths are positive and the size is non-empty.
    public var isValid: Bool {
        width > 0 && height > 0 && fx > 0 && fy > 0 && fx.isFinite && fy.isFinite
            && cx.isFinite && cy.isFinite && k1.isFinite && k2.isFinite && p1.isFinite && p2.isFinite
    }

    /// Intrinsics for the same camera with the image resized by `scale` (e.g. 0.5 halves it).
    public func scaled(by scale: Double) -> CameraIntrinsics {
        var c = self
        c.width = Int((Double(width) * scale).rounded())
        c.height = Int((Double(height) * scale).rounded())
        c.fx *= scale; c.fy *= scale
        c.cx = (cx + 0.5) * scale - 0.5
        c.cy = (cy + 0.5) * scale - 0.5
        return c
    }

    /// Distorts normalized image coordinates (x/z, y/z).
    public func distort(_ n: Vec2) -> Vec2 {
        guard hasDistortion else { return n }
        let r2 = dot(n, n), radial = 1 + k1 * r2 + k2 * r2 * r2
        let x = n.x * radial + 2 * p1 * n.x * n.y + p2 * (r2 + 2 * n.x * n.x)
        let y = n.y * radial + p1 * (r2 + 2 * n.y * n.y) + 2 * p2 * n.x * n.y
        return Vec2(x, y)
    }
    /// Undistorts normalized coordinates by fixed-point iteration (exact for no distortion).
    public func undistort(_ d: Vec2) -> Vec2 {
        guard hasDistortion else { return d }
        var n = d
        for _ in 0..<20 {
            let e = distort(n) - d
            n -= e
            if abs(e.x) + abs(e.y) < 1e-12 { break }
        }
        return n
    }
    /// Projects a point in camera coordinates to pixels; nil behind the camera.
    public func project(_ pCamera: Vec3) -> Vec2? {
        guard pCamera.z > 1e-9 else { return nil }
        let n = distort(Vec2(pCamera.x / pCamera.z, pCamera.y / pCamera.z))
        return Vec2(fx * n.x + cx, fy * n.y + cy)
    }
    /// The unit-depth ray (z = 1) in camera coordinates through pixel `p`.
    public func ray(through p: Vec2) -> Vec3 {
        let n = undistort(Vec2((p.x - cx) / fx, (p.y - cy) / fy))
        return Vec3(n.x, n.y, 1)
    }
}
