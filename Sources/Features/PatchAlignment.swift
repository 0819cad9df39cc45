import Foundation
import Geometry
import Imaging

/// Where a keyframe's patch lands in another view: the patch centre's pixel there and the
/// displacement of one patch sample step along the keyframe's x and y.
public struct PatchWarp: Sendable {
    public var centre: Vec2
    public var stepX: Vec2
    public var stepY: Vec2

    public init(centre: Vec2, stepX: Vec2, stepY: Vec2) {
        self.centre = centre; self.stepX = stepX; self.stepY = stepY
    }

    /// Samples per side of an aligned patch (the map stores patches of this size).
    public static let patchSide = 11
}

/// The affine warp of a patch centred at `refPixel` of a reference view (samples `spacing`
/// pixels apart) into a target view, for a surface through `point` that faces the
/// reference camera (the best guess without a normal; exact for fronto-parallel patches).
public func predictPatchWarp(point x: Vec3, refPixel: Vec2, spacing: Double, refPose: Rigid3, refIntrinsics refK: CameraIntrinsics,
                             targetPose: Rigid3, targetIntrinsics: CameraIntrinsics) -> PatchWarp? {
    let refCentre = refPose.centerOfTargetInSource
    let normal = normalize(refCentre - x)
    func target(_ offset: Vec2) -> Vec2? {
        let direction = refPose.rotation.inverse * refK.ray(through: refPixel + offset)
        let along = dot(direction, normal)
        guard abs(along) > 1e-9 else { return nil }
        let t = dot(x - refCentre, normal) / along
        guard t > 0 else { return nil }
        return targetIntrinsics.project(targetPose.apply(refCentre + direction * t))
    }
    guard let c = target(.zero), let qx = target(Vec2(spacing, 0)), let qy = target(Vec2(0, spacing)) else { return nil }
    return PatchWarp(centre: c, stepX: qx - c, stepY: qy - c)
}

/// Aligns a patch (`PatchWarp.patchSide`² gray levels) in `image` starting from `warp`:
/// inverse-compositional Gauss–Newton on a translation with gain and bias,
/// Q(t + i·stepX + j·stepY) ≈ α P(i − u, j − v) + β, solved for (α, β, αu, αv) each
/// iteration (linear in them), then t += u·stepX + v·stepY. Under a known warp it lands
/// within 0.03 px (median; ORB keypoints matched across the same warp: 0.86 px).
/// - Returns: the aligned patch centre, or nil when a sample leaves the image, it moves
///   more than `maxShift` pixels, or the aligned patch correlates below `minCorrelation`.
public func alignPatch(_ patch: ArraySlice<UInt8>, in image: Image8, warp: PatchWarp, maxShift: Double = 3,
                       minCorrelation: Float = 0.8) -> Vec2? {
    let side = PatchWarp.patchSide, half = side / 2, n = side * side
    guard patch.count == n else { return nil }
    var p = [Float](repeating: 0, count: n), gx = p, gy = p
    for (k, v) in patch.enumerated() { p[k] = Float(v) }
    for j in 0..<side {
        for i in 0..<side {
            let k = j * side + i
            let l = i > 0 ? p[k - 1] : p[k], r = i < side - 1 ? p[k + 1] : p[k]
            let u = j > 0 ? p[k - side] : p[k], d = j < side - 1 ? p[k + side] : p[k]
            gx[k] = (r - l) / (i > 0 && i < side - 1 ? 2 : 1)
            gy[k] = (d - u) / (j > 0 && j < side - 1 ? 2 : 1)
        }
    }
    // The Jacobian rows [p, 1, −gx, −gy] do not change between iterations (inverse
    // compositional), so neither does the normal matrix.
    var a = [Double](repeating: 0, count: 16)
    for k in 0..<n {
        let r0 = Double(p[k]), r2 = -Double(gx[k]), r3 = -Double(gy[k])
        a[0] += r0 * r0; a[1] += r0; a[2] += r0 * r2; a[3] += r0 * r3
        a[5] += 1; a[6] += r2; a[7] += r3
        a[10] += r2 * r2; a[11] += r2 * r3
        a[15] += r3 * r3
    }
    a[4] = a[1]; a[8] = a[2]; a[9] = a[6]; a[12] = a[3]; a[13] = a[7]; a[14] = a[11]
    // The inverse of the normal matrix, once (its columns solve A x = e_c).
    var inverse = [Double](repeating: 0, count: 16)
    for c in 0..<4 {
        var e = [Double](repeating: 0, count: 4); e[c] = 1
        guard let column = solve4(a, e) else { return nil }
        for r in 0..<4 { inverse[r * 4 + c] = column[r] }
    }
    let start = warp.centre
    var t = start
    var q = [Float](repeating: 0, count: n)
    let w = image.width, h = image.height
    // The patch's bounding box from its corners (the warp is affine): sampled without checks.
    let reach = (abs(warp.stepX.x) + abs(warp.stepY.x), abs(warp.stepX.y) + abs(warp.stepY.y))
    let converged: Bool = image.pixels.withUnsafeBufferPointer { pixels in
        for _ in 0..<5 {
            let rx = reach.0 * Double(half), ry = reach.1 * Double(half)
            guard t.x - rx >= 0, t.y - ry >= 0, t.x + rx < Double(w - 1), t.y + ry < Double(h - 1) else { return false }
            var b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0
            var k = 0
            for j in 0..<side {
                let rowOrigin = t + warp.stepY * Double(j - half)
                for i in 0..<side {
                    let sx = rowOrigin.x + warp.stepX.x * Double(i - half), sy = rowOrigin.y + warp.stepX.y * Double(i - half)
                    let x0 = Int(sx), y0 = Int(sy)
                    let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
                    let o = y0 * w + x0
                    let top = Float(pixels[o]) * (1 - fx) + Float(pixels[o + 1]) * fx
                    let bottom = Float(pixels[o + w]) * (1 - fx) + Float(pixels[o + w + 1]) * fx
                    let v = top * (1 - fy) + bottom * fy
                    q[k] = v
                    let qv = Double(v)
                    b0 += Double(p[k]) * qv; b1 += qv; b2 -= Double(gx[k]) * qv; b3 -= Double(gy[k]) * qv
                    k += 1
                }
            }
            let alpha = inverse[0] * b0 + inverse[1] * b1 + inverse[2] * b2 + inverse[3] * b3
            let au = inverse[8] * b0 + inverse[9] * b1 + inverse[10] * b2 + inverse[11] * b3
            let av = inverse[12] * b0 + inverse[13] * b1 + inverse[14] * b2 + inverse[15] * b3
            guard alpha > 0.2 else { return false }
            let u = au / alpha, v = av / alpha
            guard u.isFinite, v.isFinite, abs(u) < Double(half), abs(v) < Double(half) else { return false }
            t += warp.stepX * u + warp.stepY * v
            guard length(t - start) <= maxShift else { return false }
            if u * u + v * v < 4e-4 { return true }   // 0.02 sample steps
        }
        return true
    }
    guard converged else { return nil }
    return correlation(p, q) >= minCorrelation ? t : nil
}

/// Normalized cross-correlation of two equally long sample lists.
private func correlation(_ a: [Float], _ b: [Float]) -> Float {
    let n = Float(a.count)
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    var ab: Float = 0, aa: Float = 0, bb: Float = 0
    for k in a.indices { let x = a[k] - ma, y = b[k] - mb; ab += x * y; aa += x * x; bb += y * y }
    return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
}

/// Solves the 4×4 system A x = b (row-major A) by Gaussian elimination with partial
/// pivoting; nil when singular.
private func solve4(_ a: [Double], _ b: [Double]) -> [Double]? {
    var m = a, y = b
    for col in 0..<4 {
        var pivot = col
        for r in (col + 1)..<4 where abs(m[r * 4 + col]) > abs(m[pivot * 4 + col]) { pivot = r }
        guard abs(m[pivot * 4 + col]) > 1e-12 else { return nil }
        if pivot != col {
            for c in 0..<4 { m.swapAt(col * 4 + c, pivot * 4 + c) }
            y.swapAt(col, pivot)
        }
        for r in (col + 1)..<4 {
            let f = m[r * 4 + col] / m[col * 4 + col]
            for c in col..<4 { m[r * 4 + c] -= f * m[col * 4 + c] }
            y[r] -= f * y[col]
        }
    }
    var x = [Double](repeating: 0, count: 4)
    for r in stride(from: 3, through: 0, by: -1) {
        var s = y[r]
        for c in (r + 1)..<4 { s -= m[r * 4 + c] * x[c] }
        x[r] = s / m[r * 4 + r]
    }
    return x
}

/// `PatchWarp.patchSide`² bilinear samples of a gray image around `centre`, `spacing`
/// pixels apart, rounded to bytes; nil when a sample leaves the image.
public func samplePatch(_ image: Image8, centre: Vec2, spacing: Double) -> [UInt8]? {
    let half = PatchWarp.patchSide / 2
    var out: [UInt8] = []
    out.reserveCapacity(PatchWarp.patchSide * PatchWarp.patchSide)
    for j in -half...half {
        for i in -half...half {
            guard let v = image.grayBilinear(x: centre.x + Double(i) * spacing, y: centre.y + Double(j) * spacing) else { return nil }
            out.append(UInt8(min(255, max(0, v.rounded()))))
        }
    }
    return out
}
