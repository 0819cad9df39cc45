import Features
import Foundation
import Geometry
import LandmarkMap
import Reconstruction

/// `landmark register` from a landmark.yaml: its settings as `ReconstructionOptions`, the
/// registration, then its anchors placed as `landmark anchor add` places them.
struct LandmarkRegistration {
    var manifest: LandmarkManifest
    /// The yaml's folder: the manifest's paths are relative to it.
    var folder: URL
    var options: ReconstructionOptions
    var priors: CameraPriors?

    /// - Parameter seedOverride: `--seed` when given; nil: the manifest's seed, else 0.
    init(manifest: LandmarkManifest, folder: URL, seedOverride: UInt64?) throws {
        self.manifest = manifest
        self.folder = folder
        let r = manifest.registration ?? .init()
        var options = ReconstructionOptions()
        options.seed = seedOverride ?? r.seed ?? 0
        options.orbLayer.enabled = r.orbLayer ?? false
        options.orbLayer.maxFeatures = r.orbFeatures ?? ORBLayerOptions().maxFeatures
        options.features = FeatureOptions(kind: r.features ?? .sift, maxFeatures: r.maxFeatures ?? 8192,
                                          maxImageSize: r.maxImageSize ?? 1600, siftContrastThreshold: r.siftContrast ?? 0)
        switch manifest.intrinsics {
        case .file(let path)?: options.intrinsics = try IntrinsicsPrior.load(from: try Self.existing(path, in: folder, field: "intrinsics"))
        case .values(let fx, let fy, let cx, let cy)?: options.intrinsics = IntrinsicsPrior(fx: fx, fy: fy, cx: cx, cy: cy)
        case nil: break
        }
        self.options = options
        priors = try manifest.priors.map { try CameraPriors.load(from: try Self.existing($0, in: folder, field: "priors")) }
    }

    /// Registers the photos into `out`, then places the anchors; prints what `register` and
    /// `anchor add` print.
    func run(to out: URL) throws {
        let photos = try Self.existing(manifest.photos, in: folder, field: "photos")
        try Landmark.Register.register(photos: photos, options: options, priors: priors, seed: options.seed,
                                       out: out, outLabel: out.relativePath)
        for spec in manifest.anchors ?? [] {
            let target: AnchorTarget = if let image = spec.image, let pixel = spec.pixel {
                .pixel(image: image, Vec2(pixel[0], pixel[1]))
            } else {
                .point(Vec3(spec.point![0], spec.point![1], spec.point![2]))
            }
            let request = AnchorRequest(name: spec.name, target: target, yawDegrees: spec.yaw, upright: spec.upright ?? false)
            print(try request.place(inMapAt: out).text)
        }
    }

    /// `relative` resolved against the yaml's folder; throws naming the field when it does not exist.
    static func existing(_ relative: String, in folder: URL, field: String) throws -> URL {
        let url = LandmarkManifest.resolve(relative, in: folder)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw LandmarkManifestError.invalid(path: folder.appendingPathComponent(LandmarkManifest.fileName).path, field: field,
                                                reason: "\(relative) does not exist (paths are relative to the yaml's folder)")
        }
        return url
    }
}
