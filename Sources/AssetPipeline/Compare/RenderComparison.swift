// Render comparison of two assets (issue 4's textured bar, issue 6's bake bar): both drawn by
// the project's rasterizer from the same fixed views, scored by PSNR over the object's pixels.
import Foundation
import Geometry
import Rendering
import Imaging
import GLTF

/// The fixed views of `compareRenders`, in order. Each looks at the centre of the reference
/// asset's bounding box from the named direction (Y up, glTF's frame): the four sides
/// (+X, −X, +Z, −Z, at the centre's height) and two elevated views, 30° above the horizon,
/// from azimuths +X+Z (45°) and −X−Z (225°).
public enum ComparisonView: String, CaseIterable, Codable, Sendable {
    case plusX = "+X", minusX = "-X", plusZ = "+Z", minusZ = "-Z"
    case elevatedPlusXPlusZ = "+X+Z elevated 30°", elevatedMinusXMinusZ = "-X-Z elevated 30°"

    /// Unit direction from the object's centre to the camera.
    public var direction: Vec3 {
        let c = cos(30 * Double.pi / 180), s = sin(30 * Double.pi / 180), h = c / 2.0.squareRoot()
        switch self {
        case .plusX: return Vec3(1, 0, 0)
        case .minusX: return Vec3(-1, 0, 0)
        case .plusZ: return Vec3(0, 0, 1)
        case .minusZ: return Vec3(0, 0, -1)
        case .elevatedPlusXPlusZ: return Vec3(h, s, h)
        case .elevatedMinusXMinusZ: return Vec3(-h, s, -h)
        }
    }

    /// A short file-name-safe tag ("px", "mx", "pz", "mz", "e1", "e2").
    public var tag: String {
        switch self {
        case .plusX: "px"
        case .minusX: "mx"
        case .plusZ: "pz"
        case .minusZ: "mz"
        case .elevatedPlusXPlusZ: "e1"
        case .elevatedMinusXMinusZ: "e2"
        }
    }
}

/// How `compareRenders` draws and scores.
public struct RenderComparisonOptions: Sendable {
    /// Output image side in pixels (square renders). 16…4096.
    public var size = 512
    /// Number of views, the first `viewCount` of `ComparisonView.allCases` (1…6).
    public var viewCount = 6
    /// Each view is rendered at `supersampling`× the size and box-filtered down, so
    /// silhouette edges are anti-aliased alike in both renders. 1…4.
    public var supersampling = 2
    /// Full field of view of the square camera, degrees. The camera stands back so the
    /// reference's bounding sphere just fits.
    public var fieldOfViewDegrees = 40.0
    /// false (default): unlit base colour (factor × texture × COLOR_0), which isolates the
    /// texture mapping from shading; true: the rasterizer's Lambert sun + ambient.
    public var lit = false
    public init() {}

    public func validate() throws {
        guard (16...4096).contains(size) else { throw RenderComparisonError.invalidOptions("size must be 16…4096 pixels, got \(size)") }
        guard (1...ComparisonView.allCases.count).contains(viewCount) else {
            throw RenderComparisonError.invalidOptions("views must be 1…\(ComparisonView.allCases.count), got \(viewCount)")
        }
        guard (1...4).contains(supersampling) else { throw RenderComparisonError.invalidOptions("supersampling must be 1…4, got \(supersampling)") }
        guard fieldOfViewDegrees > 1, fieldOfViewDegrees < 170 else {
            throw RenderComparisonError.invalidOptions("field of view must be in (1°, 170°), got \(fieldOfViewDegrees)")
        }
    }
}

public enum RenderComparisonError: Error, CustomStringConvertible, Equatable {
    case invalidOptions(String)
    /// The asset has no triangles to draw.
    case empty(String)

    public var description: String {
        switch self {
        case .invalidOptions(let why): "render comparison: \(why)"
        case .empty(let which): "render comparison: \(which) has no triangles to render"
        }
    }
}

/// One view's score.
public struct RenderViewScore: Codable, Sendable, Equatable {
    public var view: String
    /// PSNR in dB over the object's interior pixels (peak 255, mean squared error over R, G,
    /// B); 99 when the renders are identical there. Interior: every supersample of the pixel
    /// shows the object in both renders, so the figure measures the surface's colours
    /// (texture mapping, baking) and not silhouette edges against the background.
    public var psnr: Double
    public var mse: Double
    /// Interior pixels compared.
    public var pixels: Int
    /// PSNR over every pixel either object touches (silhouette differences included).
    public var psnrUnion: Double
    public var unionPixels: Int
    /// Pixels covered in only one of the two renders (silhouette disagreement).
    public var silhouetteMismatch: Int
}

/// The scores of a render comparison.
public struct RenderComparisonReport: Codable, Sendable, Equatable {
    public var views: [RenderViewScore]
    /// Mean of the per-view (interior) PSNRs, dB.
    public var meanPSNR: Double
    /// Lowest per-view PSNR, dB.
    public var minPSNR: Double
    /// PSNR of all views' interior pixels pooled, dB.
    public var pooledPSNR: Double
    public var size: Int
    public var supersampling: Int
    /// What the PSNR is taken over, for readers of the JSON.
    public var pixelsCompared = "psnr: pixels whose every supersample shows the object in both renders; psnrUnion: pixels either object touches"
    public var shading: String
}

/// The renders behind a comparison, for a person to look at.
public struct RenderComparisonImages: Sendable {
    public var view: ComparisonView
    public var a: Image8
    public var b: Image8
    /// |a − b| per channel × 4, clamped: where the renders differ.
    public var difference: Image8
}

/// Renders `a` (the reference, with its own textures) and `b` (e.g. its optimized version)
/// with the project's rasterizer from the same fixed views (`ComparisonView`) and scores each
/// view by PSNR over the object's interior pixels (and, separately, over every pixel either
/// object touches).
///
/// The cameras are fitted to `a`'s world-space bounding sphere (centre = bounding-box centre,
/// radius = half its diagonal) and shared by both renders; background black.
/// - Returns: the report and, per view, both renders and their difference image.
/// - Throws: `RenderComparisonError`; `GLTFSceneError` naming a texture that is not an image
///   or a malformed primitive; `GLTFError` for unreadable accessors.
public func compareRenders(_ a: GLTFAsset, _ b: GLTFAsset, options: RenderComparisonOptions = RenderComparisonOptions())
    throws -> (report: RenderComparisonReport, images: [RenderComparisonImages]) {
    try options.validate()
    // Static scenes: node transforms, skins in their bind pose, morph targets at weight 0.
    let sceneOptions = GLTFSceneOptions(unlit: !options.lit)
    let sceneA = try Scene(gltf: a, options: sceneOptions), sceneB = try Scene(gltf: b, options: sceneOptions)
    guard sceneA.triangleCount > 0 else { throw RenderComparisonError.empty("A") }
    guard sceneB.triangleCount > 0 else { throw RenderComparisonError.empty("B") }
    // Bounding sphere of A.
    var lo = Vec3(repeating: .infinity), hi = Vec3(repeating: -.infinity)
    for m in sceneA.meshes { for i in m.indices { let p = Vec3(m.positions[Int(i)]); lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) } }
    let centre = (lo + hi) / 2, radius = max(length(hi - lo) / 2, 1e-9)
    let k = options.supersampling, size = options.size, big = size * k
    let halfFOV = options.fieldOfViewDegrees * Double.pi / 360
    let focal = Double(big) / 2 / tan(halfFOV)
    let intrinsics = CameraIntrinsics(width: big, height: big, fx: focal, fy: focal,
                                      cx: Double(big - 1) / 2, cy: Double(big - 1) / 2)
    let distance = radius / sin(halfFOV)
    var renderOptions = RenderOptions()
    renderOptions.nearPlane = max(distance - radius, distance * 1e-3) * 0.5
    renderOptions.background = SIMD3(0, 0, 0)

    var scores: [RenderViewScore] = []
    var images: [RenderComparisonImages] = []
    var pooledError = 0.0, pooledCount = 0
    for view in ComparisonView.allCases.prefix(options.viewCount) {
        let cameraFromWorld = Rigid3.cameraLookingAt(eye: centre + view.direction * distance, target: centre)
        let ra = try Rasterizer.render(sceneA, intrinsics: intrinsics, cameraFromWorld: cameraFromWorld, options: renderOptions)
        let rb = try Rasterizer.render(sceneB, intrinsics: intrinsics, cameraFromWorld: cameraFromWorld, options: renderOptions)
        let imgA = k == 1 ? ra.image : ra.image.downsampled(by: k)
        let imgB = k == 1 ? rb.image : rb.image.downsampled(by: k)
        let coverA = coverage(ra, k: k), coverB = coverage(rb, k: k), full = UInt8(k * k)
        var sumInterior = 0.0, interior = 0, sumUnion = 0.0, union = 0, mismatch = 0
        var diff = Image8(width: size, height: size, channels: 3)
        for i in 0..<(size * size) {
            let ca = coverA[i], cb = coverB[i]
            guard ca > 0 || cb > 0 else { continue }
            if (ca > 0) != (cb > 0) { mismatch += 1 }
            var e = 0.0
            for c in 0..<3 {
                let d = Double(imgA.pixels[3 * i + c]) - Double(imgB.pixels[3 * i + c])
                e += d * d
                diff.pixels[3 * i + c] = UInt8(min(255, abs(d) * 4))
            }
            union += 1; sumUnion += e
            if ca == full && cb == full { interior += 1; sumInterior += e }
        }
        let mse = interior > 0 ? sumInterior / Double(3 * interior) : 0
        let mseUnion = union > 0 ? sumUnion / Double(3 * union) : 0
        scores.append(RenderViewScore(view: view.rawValue, psnr: psnr(mse: mse), mse: mse, pixels: interior,
                                      psnrUnion: psnr(mse: mseUnion), unionPixels: union, silhouetteMismatch: mismatch))
        images.append(RenderComparisonImages(view: view, a: imgA, b: imgB, difference: diff))
        pooledError += sumInterior
        pooledCount += 3 * interior
    }
    let report = RenderComparisonReport(
        views: scores, meanPSNR: scores.map(\.psnr).reduce(0, +) / Double(scores.count),
        minPSNR: scores.map(\.psnr).min() ?? 0, pooledPSNR: psnr(mse: pooledCount > 0 ? pooledError / Double(pooledCount) : 0),
        size: size, supersampling: k,
        shading: options.lit ? "lit: Lambert sun + ambient × base colour" : "unlit base colour (factor × texture × COLOR_0)")
    return (report, images)
}

/// PSNR in dB of 8-bit values for a mean squared error; 99 dB for a zero error.
func psnr(mse: Double) -> Double { mse <= 0 ? 99 : min(99, 10 * log10(255 * 255 / mse)) }

/// Per output pixel: how many of its k×k samples show the object.
private func coverage(_ r: RenderResult, k: Int) -> [UInt8] {
    let w = r.width / k, h = r.height / k
    var out = [UInt8](repeating: 0, count: w * h)
    for y in 0..<r.height { for x in 0..<r.width where r.instanceIDs[y * r.width + x] >= 0 { out[(y / k) * w + x / k] += 1 } }
    return out
}
