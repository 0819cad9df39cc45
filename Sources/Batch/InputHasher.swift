import Crypto
import Foundation

/// The content hash of a job's inputs, including the files they reference (a `.gltf`'s
/// buffers and images, an `.obj`'s material libraries and textures), so editing a texture
/// re-runs the asset's job.
///
/// A stamp (path, size, modification time, inode of every file) is kept beside the hash:
/// when the stamp is unchanged the stored hash is reused instead of reading the files again,
/// as make and rsync do.
enum InputHasher {
    /// The files whose bytes make up the job's inputs, sorted, missing ones included.
    static func files(of job: JobSpec) -> [String] {
        var files: Set<String> = []
        for path in job.inputs.values {
            files.insert(path)
            for dependency in dependencies(of: path) { files.insert(dependency) }
        }
        return files.sorted()
    }

    /// Size, mtime and inode of each file ("-" for a missing one).
    static func stamp(of files: [String]) -> String {
        files.map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return "\(path)|-" }
            return "\(path)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(info.st_ino)"
        }.joined(separator: "\n")
    }

    /// SHA-256 over each file's path (relative to `base`) and bytes; a missing file counts as
    /// the word "missing", so its appearance later changes the hash.
    static func hash(of files: [String], base: String) -> String {
        var hasher = SHA256()
        for path in files {
            let name = path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
            hasher.update(string: "\(name)\0")
            do { try hasher.update(contentsOf: URL(fileURLWithPath: path)) } catch { hasher.update(string: "missing") }
            hasher.update(string: "\0")
        }
        return hasher.finalize().hex
    }

    static func totalBytes(of files: [String]) -> Int {
        files.reduce(0) { $0 + (fileSize($1) ?? 0) }
    }

    /// Files an asset references next to it.
    static func dependencies(of path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        func resolve(_ reference: String) -> String? {
            guard !reference.isEmpty, !reference.hasPrefix("data:"), !reference.contains("://") else { return nil }
            let decoded = reference.removingPercentEncoding ?? reference
            return folder.appendingPathComponent(decoded).standardizedFileURL.path
        }
        switch url.pathExtension.lowercased() {
        case "gltf":
            guard let data = try? Data(contentsOf: url),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
            var references: [String] = []
            for key in ["buffers", "images"] {
                for item in json[key] as? [[String: Any]] ?? [] {
                    if let uri = item["uri"] as? String, let path = resolve(uri) { references.append(path) }
                }
            }
            return references
        case "obj", "mtl":
            // Only the `mtllib` / `map_*` lines matter: scan bytes, not characters (OBJ files
            // are megabytes of vertices).
            guard let data = try? Data(contentsOf: url) else { return [] }
            let isOBJ = url.pathExtension.lowercased() == "obj"
            var references: [String] = []
            for line in referenceLines(in: data, keywords: isOBJ ? ["mtllib"] : ["map_", "bump", "disp", "norm"]) {
                guard let last = line.split(separator: " ", omittingEmptySubsequences: true).last,
                      let path = resolve(String(last)) else { continue }
                references.append(path)
                if isOBJ { references += dependencies(of: path) }
            }
            return references
        default:
            return []
        }
    }

    /// The lines of `data` that start with one of `keywords` (ASCII), trimmed.
    private static func referenceLines(in data: Data, keywords: [String]) -> [String] {
        let patterns = keywords.map { Array($0.utf8) }
        var lines: [String] = []
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 10 { end += 1 }
                var first = start
                while first < end, bytes[first] == 32 || bytes[first] == 9 { first += 1 }
                for pattern in patterns where end - first >= pattern.count
                    && zip(pattern, bytes[first..<first + pattern.count]).allSatisfy({ $0 == $1 }) {
                    let text = String(decoding: bytes[first..<end], as: UTF8.self)
                    lines.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
                    break
                }
                start = end + 1
            }
        }
        return lines
    }
}
