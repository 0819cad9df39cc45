import CVBridge
import Geometry
import Imaging

/// The kind of local feature the map's descriptors are.
public enum FeatureKind: String, Sendable, Codable, CaseIterable {
    /// SIFT, 128 bytes per descriptor (uint8-quantized, as COLMAP stores them).
    case sift
    /// ORB, 32 bytes per descriptor (binary, Hamming distance).
    case orb

    public var descriptorBytes: Int { self == .sift ? 128 : 32 }
}

/// One detected keypoint in full-resolution image pixels (OpenCV convention: (0, 0) is the
/// centre of the first pixel).
public struct Keypoint: Sendable, Equatable {
    public var x: Float
    public var y: Float
    /// Diameter of the feature's neighbourhood, in pixels.
    public var size: Float
    /// Orientation in degrees, [0, 360), or -1 when the detector has none.
    public var angle: Float
    public var response: Float
    public var octave: Int32

    public init(x: Float, y: Float, size: Float = 0, angle: Float = -1, response: Float = 0, octave: Int32 = 0) {
        self.x = x; self.y = y; self.size = size; self.angle = angle; self.response = response; self.octave = octave
    }
    public var pixel: Vec2 { Vec2(Double(x), Double(y)) }
}

/// The local features of one image: keypoints and their descriptors, row by row.
public struct FeatureSet: Sendable, Equatable {
    public var kind: FeatureKind
    public var keypoints: [Keypoint]
    /// `count × kind.descriptorBytes` bytes: SIFT as uint8 (COLMAP's quantization), ORB binary.
    public var descriptors: [UInt8]
    /// The size of the image the keypoints are in, in pixels.
    public var imageWidth: Int
    public var imageHeight: Int

    public init(kind: FeatureKind, keypoints: [Keypoint], descriptors: [UInt8], imageWidth: Int, imageHeight: Int) {
        precondition(descriptors.count == keypoints.count * kind.descriptorBytes, "descriptor buffer size mismatch")
        self.kind = kind; self.keypoints = keypoints; self.descriptors = descriptors
        self.imageWidth = imageWidth; self.imageHeight = imageHeight
    }

    public var count: Int { keypoints.count }
    public var descriptorBytes: Int { kind.descriptorBytes }
    /// The descriptor of keypoint `i`.
    public func descriptor(_ i: Int) -> [UInt8] {
        Array(descriptors[(i * descriptorBytes)..<((i + 1) * descriptorBytes)])
    }
    /// The subset of features at `indices`, in that order.
    public func subset(_ indices: [Int]) -> FeatureSet {
        var d = [UInt8](); d.reserveCapacity(indices.count * descriptorBytes)
        for i in indices { d.append(contentsOf: descriptors[(i * descriptorBytes)..<((i + 1) * descriptorBytes)]) }
        return FeatureSet(kind: kind, keypoints: indices.map { keypoints[$0] }, descriptors: d,
                          imageWidth: imageWidth, imageHeight: imageHeight)
    }
}

/// How features are extracted.
public struct FeatureOptions: Sendable, Equatable {
    public var kind: FeatureKind
    /// Keep the strongest N keypoints; 0 means the detector's default (all for SIFT, 5000 for ORB).
    public var maxFeatures: Int
    /// Images whose longer side exceeds this many pixels are downscaled for extraction;
    /// keypoints are mapped back to full-resolution pixels. 0 means never downscale.
    public var maxImageSize: Int
    /// SIFT's contrast threshold; 0 means OpenCV's default (0.04). Lower finds more features.
    public var siftContrastThreshold: Double
    /// Apply RootSIFT (L1 normalization, square root) before quantizing (SIFT only).
    public var rootSIFT: Bool

    public init(kind: FeatureKind = .sift, maxFeatures: Int = 8192, maxImageSize: Int = 1600,
                siftContrastThreshold: Double = 0, rootSIFT: Bool = false) {
        self.kind = kind; self.maxFeatures = maxFeatures; self.maxImageSize = maxImageSize
        self.siftContrastThreshold = siftContrastThreshold; self.rootSIFT = rootSIFT
    }
}

/// Detects keypoints and computes descriptors (SIFT or ORB).
///
/// The image is converted to gray, downscaled when its longer side exceeds
/// `options.maxImageSize`, and the keypoints (position and size) are mapped back to the
/// full-resolution pixels of `image`.
public func extractFeatures(_ image: Image8, options: FeatureOptions = FeatureOptions()) throws -> FeatureSet {
    guard image.width > 0, image.height > 0 else { throw VisionError.invalidInput("empty image") }
    var gray = image.gray()
    var scale = 1.0
    let longSide = max(image.width, image.height)
    if options.maxImageSize > 0, longSide > options.maxImageSize {
        scale = Double(options.maxImageSize) / Double(longSide)
        gray = gray.resized(width: max(1, Int((Double(image.width) * scale).rounded())),
                            height: max(1, Int((Double(image.height) * scale).rounded())))
    }
    let sx = Double(gray.width) / Double(image.width), sy = Double(gray.height) / Double(image.height)
    var opts = cvb_feature_options(type: options.kind == .sift ? CVB_FEATURE_SIFT : CVB_FEATURE_ORB,
                                   max_features: Int32(clamping: options.maxFeatures),
                                   sift_contrast_threshold: options.siftContrastThreshold,
                                   root_sift: options.rootSIFT ? 1 : 0)
    var out = cvb_features()
    let status = gray.pixels.withUnsafeMutableBufferPointer { buf -> cvb_status in
        var img = cvb_image(width: Int32(gray.width), height: Int32(gray.height), channels: 1, pixels: buf.baseAddress)
        return cvb_extract_features(&img, &opts, &out)
    }
    try VisionError.check(status, "cvb_extract_features")
    defer { cvb_features_free(&out) }
    let n = Int(out.count), bytes = Int(out.descriptor_bytes)
    var keypoints = [Keypoint](); keypoints.reserveCapacity(n)
    for i in 0..<n {
        let k = out.keypoints[i]
        // Pixel centres: x_full + 0.5 = (x_small + 0.5) / scale.
        keypoints.append(Keypoint(x: Float((Double(k.x) + 0.5) / sx - 0.5), y: Float((Double(k.y) + 0.5) / sy - 0.5),
                                  size: Float(Double(k.size) / scale), angle: k.angle, response: k.response,
                                  octave: k.octave))
    }
    let descriptors = n > 0 ? Array(UnsafeBufferPointer(start: out.descriptors, count: n * bytes)) : []
    return FeatureSet(kind: options.kind, keypoints: keypoints, descriptors: descriptors,
                      imageWidth: image.width, imageHeight: image.height)
}
