import Foundation

/// Everything that can be wrong with a glTF file, named precisely enough to find it.
/// Indices are glTF array indices (`accessors[3]` is `accessor: 3`).
public enum GLTFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON chunk or .gltf file does not parse, or does not match the glTF schema.
    case invalidJSON(String)
    /// The GLB container is malformed (magic, version, chunk lengths).
    case invalidGLB(String)
    /// A file referenced by a URI (buffer or image) does not exist or cannot be read.
    case missingFile(uri: String, path: String)
    /// A URI this reader cannot resolve (e.g. http:, or a malformed data: URI).
    case unsupportedURI(String)
    /// `buffers[buffer]` declares `byteLength` but only `actual` bytes are available.
    case bufferTooShort(buffer: Int, byteLength: Int, actual: Int)
    /// `bufferViews[bufferView]` reaches past the end of its buffer.
    case bufferViewOutOfRange(bufferView: Int, end: Int, bufferLength: Int)
    /// `accessors[accessor]` with `count` elements reaches past the end of its buffer view.
    case accessorOutOfRange(accessor: Int, count: Int)
    /// An accessor's type/componentType pair is not one glTF allows.
    case invalidAccessor(accessor: Int, reason: String)
    /// An index in `accessors[accessor]` (element `element`) refers to vertex `index` of `vertexCount`.
    case indexOutOfRange(accessor: Int, element: Int, index: Int, vertexCount: Int)
    /// A reference to `kind[index]` (e.g. "nodes[12]") that does not exist, found at `at`.
    case invalidReference(at: String, kind: String, index: Int)
    /// The file requires an extension this reader does not implement.
    case unsupportedRequiredExtension(String)
    /// A POSITION accessor holds NaN or infinity at `element`.
    case nonFinitePosition(accessor: Int, element: Int)
    /// A primitive's attributes do not agree (different counts, missing POSITION).
    case invalidPrimitive(mesh: Int, primitive: Int, reason: String)
    /// Writing failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidJSON(let m): return "glTF JSON is invalid: \(m)"
        case .invalidGLB(let m): return "GLB container is invalid: \(m)"
        case .missingFile(let uri, let path): return "file '\(uri)' referenced by the glTF is missing (looked for \(path))"
        case .unsupportedURI(let u): return "unsupported URI '\(u.prefix(80))' (only relative paths and data: URIs are read)"
        case .bufferTooShort(let b, let l, let a): return "buffers[\(b)] declares \(l) bytes but only \(a) are present"
        case .bufferViewOutOfRange(let v, let e, let l): return "bufferViews[\(v)] ends at byte \(e), past the end of its buffer (\(l) bytes)"
        case .accessorOutOfRange(let a, let c): return "accessors[\(a)] with \(c) elements reaches past the end of its buffer view"
        case .invalidAccessor(let a, let r): return "accessors[\(a)] is invalid: \(r)"
        case .indexOutOfRange(let a, let e, let i, let n): return "index \(i) at element \(e) of accessors[\(a)] is out of range (the primitive has \(n) vertices)"
        case .invalidReference(let at, let k, let i): return "\(at) refers to \(k)[\(i)], which does not exist"
        case .unsupportedRequiredExtension(let e): return "the file requires extension \(e), which is not supported"
        case .nonFinitePosition(let a, let e): return "POSITION accessors[\(a)] holds a NaN or infinite value at vertex \(e)"
        case .invalidPrimitive(let m, let p, let r): return "meshes[\(m)].primitives[\(p)] is invalid: \(r)"
        case .writeFailed(let p, let r): return "could not write \(p): \(r)"
        }
    }
}
