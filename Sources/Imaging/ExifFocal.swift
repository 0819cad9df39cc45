import Foundation

/// The focal length a JPEG's EXIF states, in pixels of an image `width`×`height`:
/// FocalLengthIn35mmFilm (0xA405) × longer side / 36 mm. Nil when the file has no EXIF
/// or no such tag (PNG, stripped photos).
public func exifFocalLengthPixels(_ data: Data, width: Int, height: Int) -> Double? {
    let b = [UInt8](data.prefix(min(data.count, 256 * 1024)))
    guard b.count > 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
    var i = 2
    while i + 4 <= b.count, b[i] == 0xFF {
        let marker = b[i + 1]
        let len = Int(b[i + 2]) << 8 | Int(b[i + 3])
        if marker == 0xDA || len < 2 { return nil }                  // image data: no EXIF before it
        if marker == 0xE1, i + 4 + len - 2 <= b.count, len > 8,
           Array(b[(i + 4)..<(i + 10)]) == Array("Exif\0\0".utf8) {
            return parseTIFF(Array(b[(i + 10)..<(i + 2 + len)]), width: width, height: height)
        }
        i += 2 + len
    }
    return nil
}

private func parseTIFF(_ t: [UInt8], width: Int, height: Int) -> Double? {
    guard t.count >= 8 else { return nil }
    let little = t[0] == 0x49
    func u16(_ o: Int) -> Int? {
        guard o >= 0, o + 2 <= t.count else { return nil }
        return little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])
    }
    func u32(_ o: Int) -> Int? {
        guard o >= 0, o + 4 <= t.count else { return nil }
        let v = (0..<4).map { Int(t[o + $0]) }
        return little ? v[0] | v[1] << 8 | v[2] << 16 | v[3] << 24 : v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]
    }
    /// The value offset of `tag` in the IFD at `ifd`.
    func find(_ tag: Int, in ifd: Int) -> Int? {
        guard let n = u16(ifd), n < 1000 else { return nil }
        for e in 0..<n {
            let o = ifd + 2 + e * 12
            if u16(o) == tag { return o + 8 }
        }
        return nil
    }
    guard let ifd0 = u32(4), let exifPtr = find(0x8769, in: ifd0), let exif = u32(exifPtr) else { return nil }
    guard let f35o = find(0xA405, in: exif), let f35 = u16(f35o), f35 > 0 else { return nil }
    return Double(f35) / 36.0 * Double(max(width, height))
}
