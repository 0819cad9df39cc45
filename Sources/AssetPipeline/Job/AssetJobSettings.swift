import Foundation

extension AssetJob {
    /// Everything `AssetJob.run` needs besides the files: the settings `landmark asset optimize`
    /// takes as flags and a batch `optimize` job as manifest fields. Call `validate()` first.
    public struct Settings: Codable, Sendable, Equatable {
        // MARK: Decimation

        /// At most this many triangles for the whole asset (each mesh gets the same ratio).
        /// nil: no count target.
        public var targetTriangles: Int?
        /// Keep this fraction of the input's triangles, in (0, 1]. nil: no ratio target.
        public var targetRatio: Double?
        /// Largest decimation error, relative to each mesh's bounding-box diagonal (e.g. 0.002).
        /// nil: `defaultMaxError`, so that seams and borders are not torn to reach a count;
        /// 1 reaches the count at any cost.
        public var maxError: Double?
        /// Extra levels of detail, as decreasing ratios in (0, 1) of the input's triangles, each
        /// decimated from the previous level. Empty: no LODs.
        public var lodRatios: [Double] = []
        /// Keep open borders exactly.
        public var lockBorders = false
        /// Weight of texture-coordinate error against position error (bounding-box diagonals per
        /// UV unit). nil: `DecimationOptions`' default (1).
        public var uvWeight: Double?
        /// Texture-aware decimation strength (`AssetOptimizeOptions.textureDetail`); 0 turns it off.
        public var textureDetail = AssetOptimizeOptions.defaultTextureDetail

        // MARK: Atlas

        /// Unwrap the decimated asset into one UV atlas. nil: keep the input's UVs.
        public var atlas: Atlas?

        // MARK: Engine export (`makeEngineReady`)

        /// Store attributes as normalized integers (KHR_mesh_quantization).
        public var quantize = false
        /// Texture encoding. nil: `.keep` (with `preset` mobile-ar: `.colorJPEG`).
        public var textureFormat: TextureOutputFormat?
        /// Downscale textures larger than this many pixels on a side. nil: no cap.
        public var maxTextureSize: Int?
        /// JPEG quality 1…100 for the JPEG texture formats.
        public var jpegQuality = 90
        /// Keep the decimator's vertex order (skip meshoptimizer's cache and fetch ordering).
        public var keepVertexOrder = false

        // MARK: Input and platform

        /// Base colour image for an OBJ/PLY input whose file names none. nil: the convention
        /// (`AssetLoader.conventionalTexture(for:)`). Ignored for glTF inputs.
        public var baseColorTexture: URL?
        /// A platform preset that caps the settings above (see `Preset`). nil: none.
        public var preset: Preset?

        /// meshoptimizer's default `target_error` too: 1 % of the diagonal.
        public static let defaultMaxError = 0.01

        public init(targetTriangles: Int? = nil, targetRatio: Double? = nil, maxError: Double? = nil) {
            self.targetTriangles = targetTriangles
            self.targetRatio = targetRatio
            self.maxError = maxError
        }

        /// One UV atlas over the whole asset.
        public struct Atlas: Codable, Sendable, Equatable {
            /// Atlas size in texels, 8…16384 (2048 is a common choice).
            public var sizeTexels: Int
            /// Empty texels between charts. nil: `AtlasOptions`' default.
            public var paddingTexels: Int?
            /// Whether the input's materials are re-baked onto the atlas.
            public var bake: Bake

            public init(sizeTexels: Int, paddingTexels: Int? = nil, bake: Bake) {
                self.sizeTexels = sizeTexels
                self.paddingTexels = paddingTexels
                self.bake = bake
            }
        }

        /// When `applyAtlas` re-bakes textures onto the atlas.
        public enum Bake: String, Codable, Sendable, CaseIterable {
            /// Keep the old textures; they sample TEXCOORD_1 (the old UVs).
            case never
            /// Re-bake base colour, metallic-roughness, emissive and a normal map as one material.
            case always
            /// Re-bake when the input has any image, else keep (a batch `atlas: true`).
            case whenTextured
        }

        /// Platform presets.
        public enum Preset: String, Codable, Sendable, CaseIterable {
            /// At most `mobileARTriangleCap` triangles; one texture set of at most
            /// `mobileARTextureSize`² (multi-material assets are unwrapped and re-baked onto one
            /// atlas of that size); quantized; JPEG base colour.
            case mobileAR = "mobile-ar"
        }

        /// `Preset.mobileAR`'s triangle budget and texture size (pixels on a side).
        public static let mobileARTriangleCap = 100_000
        public static let mobileARTextureSize = 2048

        /// Checks every setting before any work.
        /// - Throws: `AssetJobError.invalidSetting` naming the setting and what to change.
        public func validate() throws {
            func invalid(_ name: String, _ message: String) -> AssetJobError { .invalidSetting(name: name, message: message) }
            if preset == .mobileAR, let t = targetTriangles, t > Self.mobileARTriangleCap {
                throw invalid("targetTriangles", "the mobile-ar preset allows at most \(Self.mobileARTriangleCap) triangles; got \(t)")
            }
            if preset == nil, targetTriangles == nil, targetRatio == nil, maxError == nil {
                throw invalid("targetTriangles", "give a target: a triangle count, a ratio or a maximum error (or a preset)")
            }
            if let r = targetRatio, !(r > 0 && r <= 1) { throw invalid("targetRatio", "must be in (0, 1], e.g. 0.25; got \(r)") }
            if let t = targetTriangles, t < 1 { throw invalid("targetTriangles", "must be at least 1; got \(t)") }
            if let e = maxError, !(e >= 0) { throw invalid("maxError", "must be ≥ 0, e.g. 0.002; got \(e)") }
            for r in lodRatios where !(r > 0 && r < 1) { throw invalid("lodRatios", "each must be in (0, 1), e.g. 0.5; got \(r)") }
            if zip(lodRatios, lodRatios.dropFirst()).contains(where: { $0 <= $1 }) {
                throw invalid("lodRatios", "must decrease, e.g. [0.5, 0.25, 0.1]; got \(lodRatios)")
            }
            if let w = uvWeight, !(w >= 0) { throw invalid("uvWeight", "must be ≥ 0, e.g. 4; got \(w)") }
            if !(textureDetail >= 0 && textureDetail.isFinite) {
                throw invalid("textureDetail", "must be ≥ 0, e.g. 4 (0 turns it off); got \(textureDetail)")
            }
            if let atlas {
                if !(8...16384).contains(atlas.sizeTexels) {
                    throw invalid("atlas.sizeTexels", "must be between 8 and 16384 texels, e.g. 2048; got \(atlas.sizeTexels)")
                }
                if let p = atlas.paddingTexels, p < 0 { throw invalid("atlas.paddingTexels", "must be ≥ 0, e.g. 2; got \(p)") }
            }
            if let m = maxTextureSize, m < 1 { throw invalid("maxTextureSize", "must be at least 1, e.g. 2048; got \(m)") }
            if !(1...100).contains(jpegQuality) { throw invalid("jpegQuality", "must be 1…100, e.g. 90; got \(jpegQuality)") }
        }
    }
}

/// Why an asset job could not run.
public enum AssetJobError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A setting is out of range; `name` is the `AssetJob.Settings` property.
    case invalidSetting(name: String, message: String)
    /// The output path's extension is not `.glb` or `.gltf`.
    case unsupportedOutput(path: String)

    public var description: String {
        switch self {
        case .invalidSetting(let name, let message): "asset job: \(name) \(message)"
        case .unsupportedOutput(let path): "asset job: the output must end in .glb or .gltf; got '\(path)'"
        }
    }
}
