import Foundation

/// The photos of a folder to register: JPEG and PNG files, sorted by name. Other files and
/// exact duplicates (same bytes) are skipped with a warning.
public struct PhotoCollection: Sendable {
    public struct Photo: Sendable, Equatable {
        /// The file name relative to the folder, e.g. "0003.jpg".
        public var name: String
        public var url: URL
    }
    public var folder: URL
    public var photos: [Photo]
    /// One sentence per skipped file.
    public var warnings: [String]

    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Lists `folder`. Throws `.noImages` when nothing usable is there.
    public static func scan(_ folder: URL) throws -> PhotoCollection {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw ReconstructionError.invalidInput("\(folder.path) is not a folder")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var photos: [Photo] = [], warnings: [String] = []
        var seen: [Data: String] = [:]
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            var dir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &dir), dir.boolValue { continue }
            guard imageExtensions.contains(url.pathExtension.lowercased()) else {
                if !["txt", "md", "json", "camera"].contains(url.pathExtension.lowercased()) {
                    warnings.append("skipping \(name): not a JPEG or PNG file")
                }
                continue
            }
            guard let data = try? Data(contentsOf: url) else { warnings.append("skipping \(name): cannot read it"); continue }
            let digest = fingerprint(data)
            if let first = seen[digest] { warnings.append("skipping \(name): same bytes as \(first)"); continue }
            seen[digest] = name
            photos.append(Photo(name: name, url: url))
        }
        guard !photos.isEmpty else {
            if !warnings.isEmpty { throw ReconstructionError.noUsableImages(folder: folder.path, skipped: warnings) }
            throw ReconstructionError.noImages(folder: folder.path)
        }
        return PhotoCollection(folder: folder, photos: photos, warnings: warnings)
    }

    /// A cheap content key: length plus sampled bytes (a collision only skips a photo).
    static func fingerprint(_ data: Data) -> Data {
        var key = withUnsafeBytes(of: UInt64(data.count).littleEndian) { Data($0) }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            let stride = max(1, raw.count / 65536)
            var i = 0
            while i < raw.count { h = (h ^ UInt64(raw[i])) &* 0x100_0000_01b3; i += stride }
        }
        key.append(withUnsafeBytes(of: h) { Data($0) })
        return key
    }
}
