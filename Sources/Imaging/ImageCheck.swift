import Foundation

/// Cheap checks on encoded image bytes before decoding them.
public enum ImageCheck {
    /// Whether JPEG bytes hold an end-of-image marker (FF D9) near their end: in the last
    /// 64 KiB, and in the second half of the file (an EXIF thumbnail's marker lies in the
    /// first half; trailers after the marker, as some cameras write, are allowed).
    /// Entropy-coded data never contains FF D9.
    public static func jpegHasEndMarker(_ data: Data) -> Bool {
        let tail = [UInt8](data.suffix(max(2, min(65536, data.count / 2))))
        guard tail.count >= 2 else { return false }
        for i in 0..<(tail.count - 1) where tail[i] == 0xFF && tail[i + 1] == 0xD9 { return true }
        return false
    }

    /// Refuses a JPEG with no end-of-image marker (see `jpegHasEndMarker`): a truncated file
    /// or upload, which decoders would otherwise turn into an image with a grey lower part.
    /// PNGs are checked by the decoder (CRC and IEND). Other bytes pass through untouched.
    /// - Throws: `ImageError.truncatedJPEG`.
    public static func requireComplete(_ data: Data) throws {
        guard data.count >= 2, data[data.startIndex] == 0xFF, data[data.startIndex + 1] == 0xD8 else { return }
        guard jpegHasEndMarker(data) else { throw ImageError.truncatedJPEG }
    }
}
