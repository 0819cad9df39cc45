import CVBridge
import Geometry
import Imaging

/// SIFT descriptors computed at given keypoint positions (not detected ones), e.g. for a
/// map imported from COLMAP, whose text model has keypoint positions but no descriptors.
public enum KeypointDescriptors {
    /// A keypoint to describe: position in pixels (OpenCV convention), size (diameter in
    /// pixels, ≤ 0 = unknown) and angle (degrees, < 0 = unknown).
    public struct Keypoint: Sendable, Equatable {
        public var pixel: Vec2
        public var size: Float
        public var angle: Float
        public init(pixel: Vec2, size: Float = 0, angle: Float = -1) {
            self.pixel = pixel; self.size = size; self.angle = angle
        }
    }

    /// What was computed for one keypoint.
    public struct Described: Sendable, Equatable {
        /// The size and angle the descriptor was computed with.
        public var size: Float
        public var angle: Float
        /// 128 bytes (uint8-quantized SIFT).
        public var descriptor: [UInt8]
        /// True when size and angle came from a SIFT detection within `snapRadius` pixels.
        public var snapped: Bool
    }

    public struct Options: Sendable, Equatable {
        /// Unknown sizes take the nearest SIFT detection's size and angle within this many
        /// pixels; 0 disables the detection pass (faster; then `defaultSize` is used).
        public var snapRadiusPixels: Float = 2
        /// Size for unknown sizes without a detection to snap to, in pixels; 0 (default)
        /// selects it per keypoint (strongest difference-of-Gaussians response).
        public var defaultSizePixels: Float = 0
        public init(snapRadiusPixels: Float = 2, defaultSizePixels: Float = 0) {
            self.snapRadiusPixels = snapRadiusPixels; self.defaultSizePixels = defaultSizePixels
        }
    }

    /// Computes SIFT descriptors at `keypoints` on `image` (converted to gray).
    /// - Throws: `KeypointDescriptorsError.bridge` with OpenCV's message.
    public static func compute(on image: Image8, at keypoints: [Keypoint], options: Options = .init()) throws -> [Described] {
        guard !keypoints.isEmpty else { return [] }
        let gray = image.gray()
        var cvKeypoints = keypoints.map {
            cvb_keypoint(x: Float($0.pixel.x), y: Float($0.pixel.y), size: $0.size, angle: $0.angle, response: 0, octave: 0)
        }
        var descriptors = [UInt8](repeating: 0, count: keypoints.count * 128)
        var snapped = [UInt8](repeating: 0, count: keypoints.count)
        var cvOptions = cvb_descriptor_options(snap_radius_px: options.snapRadiusPixels, default_size_px: options.defaultSizePixels)
        var pixels = gray.pixels
        let status = pixels.withUnsafeMutableBufferPointer { buffer in
            var img = cvb_image(width: Int32(gray.width), height: Int32(gray.height), channels: 1, pixels: buffer.baseAddress)
            return cvb_compute_descriptors(&img, CVB_FEATURE_SIFT, &cvOptions, Int32(keypoints.count), &cvKeypoints,
                                           &descriptors, &snapped)
        }
        guard status == CVB_OK else {
            throw KeypointDescriptorsError.bridge(String(cString: cvb_status_string(status)) + ": " + String(cString: cvb_last_error()))
        }
        return cvKeypoints.indices.map { i in
            Described(size: cvKeypoints[i].size, angle: cvKeypoints[i].angle,
                      descriptor: Array(descriptors[(i * 128)..<((i + 1) * 128)]), snapped: snapped[i] != 0)
        }
    }
}

public enum KeypointDescriptorsError: Error, CustomStringConvertible, Equatable {
    case bridge(String)
    public var description: String {
        switch self { case .bridge(let message): "computing descriptors failed: \(message)" }
    }
}
