import Foundation

/// Cheap checks on encoded frame bytes before decoding them.
public enum ImageCheck {
    /// Refuses a JPEG with no end-of-image marker (FF D9) in its last 64 KiB: a truncated
    /// upload, which OpenCV would otherwise decode into a frame with a grey lower part.
    /// PNGs are checked by the decoder (CRC and IEND). Other bytes pass through untouched.
    public static func requireComplete(_ data: Data) throws {
        guard data.count >= 2, data[data.startIndex] == 0xFF, data[data.startIndex + 1] == 0xD8 else { return }
        let tail = data.suffix(65_536)
        var previous: UInt8 = 0
        for byte in tail {
            if previous == 0xFF && byte == 0xD9 { return }
            previous = byte
        }
        throw LocalizationError.unreadableImage(reason: "the JPEG is truncated (no end-of-image marker)")
    }
}
