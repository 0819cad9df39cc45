import CVBridge
import Foundation

/// An 8-bit image, row-major, interleaved (1 = gray, 3 = RGB, 4 = RGBA). Decoded once at the edge.
public struct Image8: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels, "pixel buffer size mismatch")
        self.width = width; self.height = height; self.channels = channels; self.pixels = pixels
    }
    public init(width: Int, height: Int, channels: Int, fill: UInt8 = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: fill, count: width * height * channels))
    }
}

/// Why an image could not be read or written.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    case unreadable(String, reason: String)
    case tooLarge(width: Int, height: Int, maxPixels: Int)
    case encodeFailed(String)
    /// A JPEG without its end-of-image marker: cut off in transfer or on disk.
    case truncatedJPEG

    public var description: String {
        switch self {
        case .unreadable(let what, let reason): "\(what): \(reason)"
        case .tooLarge(let w, let h, let max): "image is \(w)×\(h) pixels, over the limit of \(max) pixels"
        case .encodeFailed(let reason): "could not encode image: \(reason)"
        case .truncatedJPEG: "the JPEG is truncated (no end-of-image marker)"
        }
    }
}

public enum ImageFormat: Int32, Sendable { case png = 0, jpeg = 1 }

extension Image8 {
    /// Reads an image's width and height from its JPEG/PNG header without decoding it.
    public static func probeSize(_ data: Data) throws -> (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        let status = data.withUnsafeBytes { raw in
            cvb_image_probe(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &w, &h)
        }
        guard status == CVB_OK else { throw ImageError.unreadable("image", reason: String(cString: cvb_last_error())) }
        return (Int(w), Int(h))
    }

    /// Decodes JPEG or PNG bytes (EXIF orientation applied).
    /// - Parameters:
    ///   - channels: 1 (gray) or 3 (RGB).
    ///   - maxPixels: refuse larger images before decoding; 0 means no limit.
    ///   - name: names the source in errors (a file name).
    public init(decoding data: Data, channels: Int = 3, maxPixels: Int = 0, name: String = "image") throws {
        var img = cvb_image()
        let status = data.withUnsafeBytes { raw in
            cvb_image_decode(raw.bindMemory(to: UInt8.self).baseAddress ?? UnsafePointer(bitPattern: 1),
                             raw.count, Int32(channels), 1, Int64(maxPixels), &img)
        }
        guard status == CVB_OK else {
            if status == CVB_TOO_LARGE, let size = try? Image8.probeSize(data) {
                throw ImageError.tooLarge(width: size.width, height: size.height, maxPixels: maxPixels)
            }
            throw ImageError.unreadable(name, reason: String(cString: cvb_last_error()))
        }
        defer { cvb_image_free(&img) }
        let count = Int(img.width) * Int(img.height) * Int(img.channels)
        self.init(width: Int(img.width), height: Int(img.height), channels: Int(img.channels),
                  pixels: Array(UnsafeBufferPointer(start: img.pixels, count: count)))
    }

    /// Reads and decodes an image file.
    public init(contentsOf url: URL, channels: Int = 3, maxPixels: Int = 0) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ImageError.unreadable(url.path, reason: "cannot read file")
        }
        try self.init(decoding: data, channels: channels, maxPixels: maxPixels, name: url.lastPathComponent)
    }

    /// Runs `body` with a borrowed cvb_image view of the pixels.
    func withBridgeImage<R>(_ body: (inout cvb_image) throws -> R) rethrows -> R {
        var copy = pixels
        return try copy.withUnsafeMutableBufferPointer { buf in
            var img = cvb_image(width: Int32(width), height: Int32(height), channels: Int32(channels),
                                pixels: buf.baseAddress)
            return try body(&img)
        }
    }

    /// Resized copy (area interpolation when shrinking).
    public func resized(width w: Int, height h: Int) -> Image8 {
        withBridgeImage { src in
            var out = cvb_image()
            guard cvb_image_resize(&src, Int32(w), Int32(h), &out) == CVB_OK else {
                fatalError("resize failed: \(String(cString: cvb_last_error()))")
            }
            defer { cvb_image_free(&out) }
            return Image8(width: w, height: h, channels: channels,
                          pixels: Array(UnsafeBufferPointer(start: out.pixels, count: w * h * channels)))
        }
    }

    /// Encoded PNG or JPEG bytes.
    public func encoded(_ format: ImageFormat = .png, quality: Int = 92) throws -> Data {
        try withBridgeImage { img in
            var bytes: UnsafeMutablePointer<UInt8>?
            var length = 0
            guard cvb_image_encode(&img, format.rawValue, Int32(quality), &bytes, &length) == CVB_OK, let bytes else {
                throw ImageError.encodeFailed(String(cString: cvb_last_error()))
            }
            defer { cvb_buffer_free(bytes) }
            return Data(bytes: bytes, count: length)
        }
    }

    /// Writes PNG or JPEG (by the file extension: .jpg/.jpeg → JPEG, else PNG), atomically.
    public func write(to url: URL) throws {
        let ext = url.pathExtension.lowercased()
        let data = try encoded(ext == "jpg" || ext == "jpeg" ? .jpeg : .png)
        try data.write(to: url, options: .atomic)
    }

    /// The bilinearly interpolated level of a 1-channel image at (x, y) (pixel centres at
    /// whole numbers); nil when the 2×2 neighbourhood leaves the image.
    @inline(__always) public func grayBilinear(x: Double, y: Double) -> Float? {
        guard x >= 0, y >= 0 else { return nil }
        let x0 = Int(x), y0 = Int(y)
        guard x0 + 1 < width, y0 + 1 < height else { return nil }
        let fx = Float(x - Double(x0)), fy = Float(y - Double(y0))
        let i = y0 * width + x0
        let top = Float(pixels[i]) * (1 - fx) + Float(pixels[i + 1]) * fx
        let bottom = Float(pixels[i + width]) * (1 - fx) + Float(pixels[i + width + 1]) * fx
        return top * (1 - fy) + bottom * fy
    }

    /// A gray copy (ITU-R BT.601 luma).
    public func gray() -> Image8 {
        if channels == 1 { return self }
        var out = [UInt8](repeating: 0, count: width * height)
        for i in 0..<(width * height) {
            let p = i * channels
            let y = 0.299 * Double(pixels[p]) + 0.587 * Double(pixels[p + 1]) + 0.114 * Double(pixels[p + 2])
            out[i] = UInt8(min(255, max(0, y.rounded())))
        }
        return Image8(width: width, height: height, channels: 1, pixels: out)
    }
}
