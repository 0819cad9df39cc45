import Foundation
import Support

/// A glTF asset in memory: the JSON document plus the bytes it refers to.
///
/// Read with `GLTFAsset(contentsOf:)` (`.glb` or `.gltf` with external `.bin`/images or
/// `data:` URIs); write with `write(to:)` (`.glb` embeds everything in one binary chunk,
/// `.gltf` writes `<name>.bin` and the images beside it). Writing repacks all buffers into
/// one and drops accessors and buffer views nothing refers to, so edits (e.g. decimated
/// primitives) shrink the file; everything else passes through unchanged.
public struct GLTFAsset: Sendable {
    public var document: GLTFDocument
    /// Bytes of `document.buffers[i]`, same indices, each at least `byteLength` long.
    public var buffers: [Data]
    /// Bytes of images referenced by URI (external file or data: URI), by image index.
    /// Images stored in buffer views are in `buffers`.
    public var imageData: [Int: Data]

    /// Extensions that may appear in `extensionsRequired` and still be read correctly:
    /// quantized attributes are read through typed accessors; the others only change
    /// material or texture interpretation and pass through.
    public static let supportedRequiredExtensions: Set<String> = [
        "KHR_mesh_quantization", "KHR_texture_transform", "KHR_materials_unlit",
        "KHR_materials_emissive_strength", "KHR_materials_ior", "KHR_materials_specular",
        "KHR_materials_transmission", "KHR_materials_volume", "KHR_materials_clearcoat",
        "KHR_materials_sheen", "KHR_texture_basisu", "EXT_texture_webp",
    ]

    public init(document: GLTFDocument = GLTFDocument(), buffers: [Data] = [], imageData: [Int: Data] = [:]) {
        self.document = document
        self.buffers = buffers
        self.imageData = imageData
    }

    // MARK: Reading

    /// Reads a `.glb` or `.gltf` file (decided by content, not extension), resolves its
    /// buffers and images, and validates it (`validate()`).
    /// - Throws: `GLTFError` naming the problem.
    public init(contentsOf url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw GLTFError.missingFile(uri: url.lastPathComponent, path: url.path)
        }
        try self.init(data: data, baseURL: url.deletingLastPathComponent())
    }

    /// Parses GLB or glTF JSON bytes. Relative URIs resolve against `baseURL` (nil: only
    /// the GLB chunk and data: URIs can be resolved).
    public init(data: Data, baseURL: URL?) throws {
        var json = data
        var bin: Data?
        if data.count >= 4, data.prefix(4) == Data("glTF".utf8) {
            (json, bin) = try Self.splitGLB(data)
        }
        let document: GLTFDocument
        do {
            document = try JSONDecoder().decode(GLTFDocument.self, from: json)
        } catch let error as DecodingError {
            throw GLTFError.invalidJSON(Self.describe(error))
        } catch {
            throw GLTFError.invalidJSON(String(describing: error))
        }
        for ext in document.extensionsRequired where !Self.supportedRequiredExtensions.contains(ext) {
            throw GLTFError.unsupportedRequiredExtension(ext)
        }
        var buffers: [Data] = []
        for (i, buffer) in document.buffers.enumerated() {
            let bytes: Data
            if let uri = buffer.uri {
                bytes = try Self.resolve(uri: uri, baseURL: baseURL)
            } else if i == 0, let bin {
                bytes = bin
            } else {
                throw GLTFError.invalidGLB("buffers[\(i)] has no uri and there is no GLB binary chunk for it")
            }
            guard bytes.count >= buffer.byteLength else {
                throw GLTFError.bufferTooShort(buffer: i, byteLength: buffer.byteLength, actual: bytes.count)
            }
            buffers.append(bytes)
        }
        var images: [Int: Data] = [:]
        for (i, image) in document.images.enumerated() {
            if let uri = image.uri { images[i] = try Self.resolve(uri: uri, baseURL: baseURL) }
        }
        self.init(document: document, buffers: buffers, imageData: images)
        try validate()
    }

    static func splitGLB(_ data: Data) throws -> (json: Data, bin: Data?) {
        let bytes = [UInt8](data)
        func u32(_ o: Int) -> Int {
            Int(UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
        }
        guard bytes.count >= 20 else { throw GLTFError.invalidGLB("file is \(bytes.count) bytes, shorter than a GLB header") }
        guard u32(4) == 2 else { throw GLTFError.invalidGLB("version \(u32(4)), expected 2") }
        let total = u32(8)
        guard total <= bytes.count else {
            throw GLTFError.invalidGLB("header declares \(total) bytes but the file has \(bytes.count) (truncated?)")
        }
        var offset = 12
        var json: Data?
        var bin: Data?
        while offset + 8 <= total {
            let length = u32(offset), type = u32(offset + 4)
            let start = offset + 8
            guard start + length <= total else {
                throw GLTFError.invalidGLB("chunk at byte \(offset) declares \(length) bytes, past the end of the file")
            }
            let chunk = Data(bytes[start..<start + length])
            if type == 0x4E4F_534A { if json == nil { json = chunk } }      // "JSON"
            else if type == 0x004E_4942 { if bin == nil { bin = chunk } }  // "BIN\0"
            offset = start + length
        }
        guard let json else { throw GLTFError.invalidGLB("no JSON chunk") }
        return (json, bin)
    }

    static func resolve(uri: String, baseURL: URL?) throws -> Data {
        if uri.hasPrefix("data:") {
            guard let comma = uri.firstIndex(of: ","), uri[..<comma].hasSuffix(";base64"),
                  let data = Data(base64Encoded: String(uri[uri.index(after: comma)...])) else {
                throw GLTFError.unsupportedURI(uri)
            }
            return data
        }
        if uri.contains("://") { throw GLTFError.unsupportedURI(uri) }
        let path = uri.removingPercentEncoding ?? uri
        guard let baseURL else { throw GLTFError.missingFile(uri: uri, path: path) }
        let url = baseURL.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw GLTFError.missingFile(uri: uri, path: url.path)
        }
        return data
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "root" : String(p.drop(while: { $0 == "." }))
        }
        switch error {
        case .dataCorrupted(let c): return "\(c.debugDescription) at \(path(c))"
        case .keyNotFound(let k, let c): return "missing required property '\(k.stringValue)' at \(path(c))"
        case .typeMismatch(let t, let c): return "expected \(t) at \(path(c))"
        case .valueNotFound(let t, let c): return "expected \(t) at \(path(c)), found null"
        @unknown default: return String(describing: error)
        }
    }

    // MARK: Writing

    /// Writes `.glb` (one file) or `.gltf` (JSON + `<name>.bin` + external images beside
    /// it), chosen by `url`'s extension, through `atomicReplace`: every file is encoded in
    /// memory and written to a temporary name before any is renamed into place, so a failure
    /// or a crash leaves each file either old or new, never partial.
    public func write(to url: URL) throws {
        try Self.write([(self, url)])
    }

    /// Writes several assets as one group (a main level and its LODs): every file of every
    /// asset is encoded in memory first, so an encoding error writes nothing; then all are
    /// replaced together through `atomicReplace`.
    /// - Returns: the size in bytes of each asset's file at its `url` (for a `.gltf`, its JSON).
    @discardableResult
    public static func write(_ assets: [(asset: GLTFAsset, url: URL)]) throws -> [Int] {
        var files: [(data: Data, url: URL)] = []
        var sizes: [Int] = []
        for (asset, url) in assets {
            let encoded = try asset.encodedFiles(for: url)
            sizes.append(encoded.last { $0.url == url }?.data.count ?? 0)
            // LODs of a .gltf share their external images: write each such file once.
            for file in encoded where !files.contains(where: { $0.url == file.url && $0.data == file.data }) {
                files.append(file)
            }
        }
        do {
            // A .gltf's images may sit in subfolders its URIs name; a .glb's folder must exist.
            if assets.contains(where: { $0.url.pathExtension.lowercased() == "gltf" }) {
                for folder in Set(files.map { $0.url.deletingLastPathComponent().path }) {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                }
            }
            try atomicReplace(files)
        } catch {
            throw GLTFError.writeFailed(path: assets.first?.url.path ?? "", reason: "\(error)")
        }
        return sizes
    }

    /// The files `write(to: url)` writes, encoded: for `.glb` its bytes; for `.gltf` the
    /// JSON, `<name>.bin` and the external images (those whose file already holds the same
    /// bytes are left out).
    public func encodedFiles(for url: URL) throws -> [(data: Data, url: URL)] {
        if url.pathExtension.lowercased() == "gltf" { return try gltfFiles(for: url) }
        return [(try glbData(), url)]
    }

    /// The asset as GLB bytes: one JSON chunk and one binary chunk holding every buffer,
    /// buffer view and image (external images are embedded).
    public func glbData() throws -> Data {
        let packed = try self.packed(embedImages: true)
        var doc = packed.document
        let bin = packed.buffers.first ?? Data()
        if !doc.buffers.isEmpty { doc.buffers[0].uri = nil }
        var json = try Self.encodeJSON(doc, pretty: false)
        while json.count % 4 != 0 { json.append(0x20) }
        var binPadded = bin
        while binPadded.count % 4 != 0 { binPadded.append(0) }
        var out = Data()
        func u32(_ v: Int) { var x = UInt32(v).littleEndian; withUnsafeBytes(of: &x) { out.append(contentsOf: $0) } }
        let total = 12 + 8 + json.count + (doc.buffers.isEmpty ? 0 : 8 + binPadded.count)
        out.append(contentsOf: Array("glTF".utf8)); u32(2); u32(total)
        u32(json.count); u32(0x4E4F_534A); out.append(json)
        if !doc.buffers.isEmpty { u32(binPadded.count); u32(0x004E_4942); out.append(binPadded) }
        return out
    }

    /// `.gltf` output: the buffer and external images first, the JSON that refers to them last.
    func gltfFiles(for url: URL) throws -> [(data: Data, url: URL)] {
        let dir = url.deletingLastPathComponent()
        let base = url.deletingPathExtension().lastPathComponent
        let packed = try self.packed(embedImages: false)
        var doc = packed.document
        var files: [(data: Data, url: URL)] = []
        if !doc.buffers.isEmpty {
            doc.buffers[0].uri = base + ".bin"
            files.append((packed.buffers[0], dir.appendingPathComponent(base + ".bin")))
        }
        for (i, image) in doc.images.enumerated() {
            guard let uri = image.uri, !uri.hasPrefix("data:"), let bytes = packed.imageData[i] else { continue }
            let dest = dir.appendingPathComponent(uri.removingPercentEncoding ?? uri)
            if let existing = FileManager.default.contents(atPath: dest.path), existing == bytes { continue }
            files.append((bytes, dest))
        }
        files.append((try Self.encodeJSON(doc, pretty: true), url))
        return files
    }

    /// Writes `data` over `url` atomically (Support's `atomicReplace`), naming the file in the error.
    public static func atomicWrite(_ data: Data, to url: URL) throws {
        do { try atomicReplace(data, at: url) } catch {
            throw GLTFError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    static func encodeJSON(_ doc: GLTFDocument, pretty: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(doc) } catch {
            throw GLTFError.writeFailed(path: "(JSON)", reason: String(describing: error))
        }
    }
}
