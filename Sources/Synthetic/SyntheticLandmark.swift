import Dispatch
import Foundation
import Geometry
import Rendering
import Imaging
import Estimators

/// One synthetic camera: what it sees is `SyntheticLandmark.render(view:)`.
public struct SyntheticView: Sendable, Equatable {
    /// The image's path relative to the output folder ("images/0000.png", "queries/0003.png").
    public var name: String
    public var intrinsics: CameraIntrinsics
    /// Landmark frame (metres, Y up) to OpenCV camera axes.
    public var cameraFromWorld: Rigid3
    public var light: DirectionalLight
    /// Exposure gain applied after rendering (1 = none).
    public var exposure: Float
    /// Gaussian blur of the final image, standard deviation in pixels (0 = none).
    public var blurSigma: Float
    /// Gaussian sensor noise, standard deviation in 8-bit levels (0 = none).
    public var noiseSigma: Float
    /// Seeds this view's noise, so any view renders identically alone or in a batch.
    public var noiseSeed: UInt64
}

/// Sizes and counts of a synthetic landmark capture.
public struct SyntheticOptions: Sendable, Equatable {
    /// Capture views around and above the building (≥ 8): 45 % on a near street ring,
    /// 20 % on a far street ring, the rest from a drone above the roof.
    public var viewCount = 40
    /// Query views from other positions, with other lighting, noise and blur (≥ 0).
    public var queryCount = 20
    /// Image size in pixels; the focal length is 0.86 × width (a 60° horizontal field of view).
    public var width = 1024
    public var height = 768
    /// Renders at this many times the size per axis and box-filters down (anti-aliasing).
    public var supersampling = 2
    /// Scales the textures' texels per metre (1 = 64 per metre on walls; tests use less).
    public var textureDetail: Float = 1
    public init(viewCount: Int = 40, queryCount: Int = 20, width: Int = 1024, height: Int = 768, supersampling: Int = 2,
                textureDetail: Float = 1) {
        self.viewCount = viewCount; self.queryCount = queryCount; self.width = width; self.height = height
        self.supersampling = supersampling; self.textureDetail = textureDetail
    }
    /// Why these options cannot make a landmark, or nil.
    public var problem: String? {
        if viewCount < 8 { return "at least 8 capture views are needed, got \(viewCount)" }
        if queryCount < 0 { return "the query count cannot be negative" }
        if width < 64 || height < 48 || width > 8192 || height > 8192 { return "image size \(width)×\(height) must be within 64×48 … 8192×8192" }
        if supersampling < 1 || supersampling > 4 { return "supersampling must be 1 … 4" }
        if !(textureDetail >= 0.25 && textureDetail <= 4) { return "texture detail must be 0.25 … 4" }
        return nil
    }
}

/// A synthetic landmark with exact ground truth: a textured building (a 20 m × 8 m × 12 m main
/// block with a parapet and roof structures, a 7 m wing, a plaza and street props) in the
/// landmark frame (Y up, metres, ground at y = 0, the roof at y = 12), the capture and query
/// cameras that see it, and its roof plane. Everything is determined by the seed.
///
///     let lm = try SyntheticLandmark.make(seed: 7)
///     let image = try lm.render(view: lm.views[0])
public struct SyntheticLandmark: Sendable {
    public var seed: UInt64
    public var options: SyntheticOptions
    /// The textured model (one mesh, material and texture per face).
    public var scene: Scene
    /// Texture file stems per texture (for exporting the model).
    public var textureNames: [String]
    /// Intrinsics shared by every view.
    public var intrinsics: CameraIntrinsics
    /// The capture views, adjacent views overlapping (rings in order, then the drone's).
    public var views: [SyntheticView]
    /// The query views (other positions, lighting, noise, blur).
    public var queries: [SyntheticView]
    /// The main roof's plane (the performer's stage): a point on it and its up normal.
    public var roof: GroundTruthFile.Plane
    /// The boxes of the model (min, max corners), for placement checks.
    var solids: [(Vec3, Vec3)]

    /// Height of the main roof surface, metres.
    public static let roofHeight = 12.0

    /// Builds the model and cameras (textures painted on all cores; about a second).
    public static func make(seed: UInt64, options: SyntheticOptions = SyntheticOptions()) throws -> SyntheticLandmark {
        if let p = options.problem { throw SyntheticError.invalidOptions(p) }
        let model = SyntheticModel.build(seed: seed, textureDetail: options.textureDetail)
        let k = CameraIntrinsics(width: options.width, height: options.height,
                                 fx: 0.86 * Double(options.width), fy: 0.86 * Double(options.width),
                                 cx: Double(options.width - 1) / 2, cy: Double(options.height - 1) / 2)
        var rng = SplitMix64(seed: seed ^ 0xC0FF_EE00)
        let views = captureViews(count: options.viewCount, intrinsics: k, rng: &rng)
        let queries = queryViews(count: options.queryCount, intrinsics: k, solids: model.solids, rng: &rng)
        return SyntheticLandmark(seed: seed, options: options, scene: model.scene, textureNames: model.textureNames,
                                 intrinsics: k, views: views, queries: queries,
                                 roof: GroundTruthFile.Plane(point: Vec3(0, roofHeight, 0), normal: .up), solids: model.solids)
    }

    /// The ground truth of every view and the roof, as `ground_truth.json` stores it.
    public func groundTruth(meshFile: String? = "model.obj") -> GroundTruthFile {
        GroundTruthFile(images: views.map { GroundTruthFile.View(name: $0.name, intrinsics: $0.intrinsics, cameraFromWorld: $0.cameraFromWorld) },
                    queries: queries.map { GroundTruthFile.View(name: $0.name, intrinsics: $0.intrinsics, cameraFromWorld: $0.cameraFromWorld) },
                    roof: roof, mesh: meshFile, seed: seed)
    }

    /// Renders one view: the model, a sky, the view's lighting, exposure, blur and noise.
    /// - Parameter threads: rasterizer threads (1 when rendering many views in parallel).
    public func render(view: SyntheticView, threads: Int = 0) throws -> Image8 {
        let s = options.supersampling
        let hiK = view.intrinsics.scaled(by: Double(s))
        var o = RenderOptions()
        o.light = view.light
        o.threads = threads
        o.nearPlane = 0.1
        var r = try Rasterizer.render(scene, intrinsics: hiK, cameraFromWorld: view.cameraFromWorld, options: o)
        paintSky(&r, intrinsics: hiK, cameraFromWorld: view.cameraFromWorld)
        var img = FloatImage(downsampling: r.image, by: s)
        img.blur(sigma: view.blurSigma)
        var rng = SplitMix64(seed: view.noiseSeed)
        img.expose(gain: view.exposure, noiseSigma: view.noiseSigma, rng: &rng)
        return img.image()
    }

    /// A smooth featureless sky where nothing was drawn: horizon haze to zenith blue.
    private func paintSky(_ r: inout RenderResult, intrinsics k: CameraIntrinsics, cameraFromWorld: Rigid3) {
        let worldFromCamera = cameraFromWorld.rotation.inverse.matrix
        let horizon = SIMD3<Float>(0.86, 0.89, 0.93), zenith = SIMD3<Float>(0.42, 0.58, 0.85)
        for y in 0..<r.height { for x in 0..<r.width where r.instanceIDs[y * r.width + x] < 0 {
            let d = normalize(worldFromCamera * k.ray(through: Vec2(Double(x), Double(y))))
            let t = Float(max(0, min(1, d.y * 1.6)).squareRoot())
            let c = (horizon * (1 - t) + zenith * t) * 255
            let i = 3 * (y * r.width + x)
            r.image.pixels[i] = UInt8(c.x); r.image.pixels[i + 1] = UInt8(c.y); r.image.pixels[i + 2] = UInt8(c.z)
        } }
    }

    /// Whether `p` lies inside (or within `margin` metres of) a solid of the model.
    public func isInsideModel(_ p: Vec3, margin: Double = 0.5) -> Bool {
        solids.contains { p.x > $0.0.x - margin && p.x < $0.1.x + margin && p.y > $0.0.y - margin && p.y < $0.1.y + margin
            && p.z > $0.0.z - margin && p.z < $0.1.z + margin }
    }

    // MARK: Cameras

    static let captureLight = DirectionalLight(directionToLight: Vec3(0.45, 0.8, 0.55), color: SIMD3(0.72, 0.7, 0.66),
                                               ambient: SIMD3(0.38, 0.39, 0.42))

    private static func captureViews(count: Int, intrinsics k: CameraIntrinsics, rng: inout SplitMix64) -> [SyntheticView] {
        let near = max(4, Int((Double(count) * 0.45).rounded())), far = max(2, Int((Double(count) * 0.2).rounded()))
        let drone = count - near - far
        let droneLow = (drone * 3 + 4) / 5, droneHigh = drone - droneLow
        // (count, radius, height, target, phase) per ring.
        let rings: [(Int, Double, Double, Vec3, Double)] = [
            (near, 26, 1.6, Vec3(0, 5, 1.5), 0),
            (far, 34, 1.6, Vec3(0, 5.5, 1.5), 0.5),
            (droneLow, 22, 28, Vec3(0, 10.5, 0.5), 0.25),
            (droneHigh, 12, 36, Vec3(0, 12, 0), 0.75),
        ]
        var views: [SyntheticView] = []
        for (n, radius, height, target, phase) in rings where n > 0 {
            for i in 0..<n {
                let a = 2 * Double.pi * (Double(i) + phase) / Double(n)
                let eye = Vec3(radius * sin(a), height, radius * cos(a))
                views.append(SyntheticView(name: String(format: "images/%04d.png", views.count), intrinsics: k,
                                           cameraFromWorld: Rigid3.cameraLookingAt(eye: eye, target: target), light: captureLight,
                                           exposure: 1, blurSigma: 0, noiseSigma: 1.0, noiseSeed: rng.next()))
            }
        }
        return views
    }

    /// A query-like view from `eye` towards `target`: a slight roll and the query views'
    /// other time of day (sun elevation 15–70°, any azimuth, warmer or cooler light),
    /// exposure, blur and noise, all drawn from `rng`. The demo uses it for viewers looking
    /// at the performer.
    public static func queryView(name: String, intrinsics k: CameraIntrinsics, eye: Vec3, target: Vec3,
                                 rng: inout SplitMix64) -> SyntheticView {
        let roll = Double.random(in: -0.08...0.08, using: &rng)
        let elevation = Double.random(in: 0.26...1.2, using: &rng), azimuth = Double.random(in: 0..<(2 * .pi), using: &rng)
        let sun = Vec3(cos(elevation) * sin(azimuth), sin(elevation), cos(elevation) * cos(azimuth))
        let warm = Float.random(in: -0.12...0.12, using: &rng)
        let intensity = Float.random(in: 0.45...0.9, using: &rng)
        let light = DirectionalLight(directionToLight: sun, color: SIMD3(1 + warm, 1, 1 - warm) * intensity,
                                     ambient: SIMD3(repeating: Float.random(in: 0.22...0.45, using: &rng)))
        return SyntheticView(name: name, intrinsics: k, cameraFromWorld: Rigid3.cameraLookingAt(eye: eye, target: target, roll: roll), light: light,
                             exposure: Float.random(in: 0.8...1.25, using: &rng),
                             blurSigma: Float.random(in: 0.3...1.5, using: &rng),
                             noiseSigma: Float.random(in: 2...6, using: &rng), noiseSeed: rng.next())
    }

    private static func queryViews(count: Int, intrinsics k: CameraIntrinsics, solids: [(Vec3, Vec3)],
                                   rng: inout SplitMix64) -> [SyntheticView] {
        var views: [SyntheticView] = []
        while views.count < count {
            let a = Double.random(in: 0..<(2 * .pi), using: &rng)
            let radius = Double.random(in: 17...38, using: &rng)
            let street = Double.random(in: 0..<1, using: &rng) < 0.65
            let height = street ? Double.random(in: 1.2...2.0, using: &rng) : Double.random(in: 8...30, using: &rng)
            let eye = Vec3(radius * sin(a), height, radius * cos(a))
            let target = Vec3(Double.random(in: -7...7, using: &rng), Double.random(in: 3...12, using: &rng),
                              Double.random(in: -3...7, using: &rng))
            let inside = solids.contains { eye.x > $0.0.x - 1 && eye.x < $0.1.x + 1 && eye.y > $0.0.y - 1 && eye.y < $0.1.y + 1
                && eye.z > $0.0.z - 1 && eye.z < $0.1.z + 1 }
            if inside { continue }
            views.append(queryView(name: String(format: "queries/%04d.png", views.count), intrinsics: k, eye: eye,
                                   target: target, rng: &rng))
        }
        return views
    }
}

/// Why a synthetic landmark could not be made or written.
public enum SyntheticError: Error, CustomStringConvertible, Equatable {
    case invalidOptions(String)
    case outputExists(path: String)
    case writeFailed(path: String, reason: String)
    public var description: String {
        switch self {
        case .invalidOptions(let why): "invalid synthetic landmark options: \(why)"
        case .outputExists(let p): "\(p) already exists and is not empty; choose another output folder or remove it"
        case .writeFailed(let p, let why): "could not write \(p): \(why)"
        }
    }
}
