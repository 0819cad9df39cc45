import Foundation

/// Reads PLY meshes, ASCII and binary (little and big endian): vertex `x y z`, optional
/// `nx ny nz`, texture coordinates (`s t`, `u v` or `texture_u texture_v`, flipped to glTF's
/// top-left convention) and colours (`red green blue [alpha]`, integers scaled to [0,1]);
/// faces from a list property `vertex_indices` or `vertex_index`, polygons fanned into
/// triangles. Other elements and properties are skipped.
public enum PLYReader {
    public static func read(contentsOf url: URL) throws -> Mesh {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw MeshError.missingFile(path: url.path) }
        return try parse(data, name: url.lastPathComponent)
    }

    struct Property { var name: String; var type: String; var listCountType: String? }
    struct Element { var name: String; var count: Int; var properties: [Property] }

    static func size(_ type: String) -> Int? {
        switch type {
        case "char", "uchar", "int8", "uint8": return 1
        case "short", "ushort", "int16", "uint16": return 2
        case "int", "uint", "float", "int32", "uint32", "float32": return 4
        case "double", "float64": return 8
        default: return nil
        }
    }

    public static func parse(_ data: Data, name: String) throws -> Mesh {
        let bytes = [UInt8](data)
        func fail(_ r: String, _ line: Int = 0) -> MeshError { .parse(file: name, line: line, reason: r) }
        guard bytes.starts(with: Array("ply".utf8)) else { throw fail("not a PLY file (no 'ply' magic)") }
        // Header.
        var offset = 0, lineNo = 0
        var format = ""
        var elements: [Element] = []
        while true {
            guard offset < bytes.count else { throw fail("header has no end_header") }
            var end = offset
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            lineNo += 1
            let line = String(decoding: bytes[offset..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            offset = end + 1
            let parts = line.split(separator: " ").map(String.init)
            guard let head = parts.first else { continue }
            if head == "end_header" { break }
            switch head {
            case "format": format = parts.count > 1 ? parts[1] : ""
            case "element":
                guard parts.count >= 3, let n = Int(parts[2]), n >= 0 else { throw fail("bad element line '\(line)'", lineNo) }
                elements.append(Element(name: parts[1], count: n, properties: []))
            case "property":
                guard !elements.isEmpty else { throw fail("property before any element", lineNo) }
                if parts.count >= 5, parts[1] == "list" {
                    elements[elements.count - 1].properties.append(Property(name: parts[4], type: parts[3], listCountType: parts[2]))
                } else if parts.count >= 3 {
                    elements[elements.count - 1].properties.append(Property(name: parts[2], type: parts[1], listCountType: nil))
                } else { throw fail("bad property line '\(line)'", lineNo) }
            default: continue
            }
        }
        guard ["ascii", "binary_little_endian", "binary_big_endian"].contains(format) else {
            throw fail("unsupported format '\(format)'")
        }
        for e in elements { for p in e.properties {
            guard size(p.type) != nil, p.listCountType.map({ size($0) != nil }) ?? true else {
                throw fail("unknown property type '\(p.type)' in element \(e.name)")
            }
        } }

        // Body: a reader of numbers in the file's encoding.
        var tokens: [Substring] = []
        var tokenIndex = 0
        if format == "ascii" {
            tokens = String(decoding: bytes[Swift.min(offset, bytes.count)...], as: UTF8.self)
                .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" })
        }
        let bigEndian = format == "binary_big_endian"
        func next(_ type: String) throws -> Double {
            if format == "ascii" {
                guard tokenIndex < tokens.count else { throw fail("file ends early (ASCII body)") }
                defer { tokenIndex += 1 }
                guard let d = Double(tokens[tokenIndex]) else { throw fail("'\(tokens[tokenIndex])' is not a number") }
                return d
            }
            let n = size(type)!
            guard offset + n <= bytes.count else { throw fail("file ends early at byte \(offset) (binary body)") }
            var raw: UInt64 = 0
            for i in 0..<n {
                let b = UInt64(bytes[offset + (bigEndian ? i : n - 1 - i)])
                raw = raw << 8 | b
            }
            offset += n
            switch type {
            case "char", "int8": return Double(Int8(truncatingIfNeeded: raw))
            case "uchar", "uint8": return Double(UInt8(truncatingIfNeeded: raw))
            case "short", "int16": return Double(Int16(truncatingIfNeeded: raw))
            case "ushort", "uint16": return Double(UInt16(truncatingIfNeeded: raw))
            case "int", "int32": return Double(Int32(truncatingIfNeeded: raw))
            case "uint", "uint32": return Double(UInt32(truncatingIfNeeded: raw))
            case "float", "float32": return Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
            default: return Double(bitPattern: raw)
            }
        }

        var positions: [SIMD3<Float>] = [], normals: [SIMD3<Float>] = [], uvs: [SIMD2<Float>] = [], colors: [SIMD4<Float>] = []
        var indices: [UInt32] = []
        for e in elements {
            let names = e.properties.map(\.name)
            func index(_ n: String) -> Int? { names.firstIndex(of: n) }
            let xyz = [index("x"), index("y"), index("z")]
            let nxyz = [index("nx"), index("ny"), index("nz")]
            let hasNormal = nxyz.allSatisfy { $0 != nil }
            let uvNames = [("s", "t"), ("u", "v"), ("texture_u", "texture_v")].first { names.contains($0.0) && names.contains($0.1) }
            let uvIndex = uvNames.map { (index($0.0)!, index($0.1)!) }
            let rgba = [index("red"), index("green"), index("blue")]
            let alphaIndex = index("alpha")
            let hasColor = rgba.allSatisfy { $0 != nil }
            let colorScale: Double = {
                guard let r = rgba[0] else { return 1 }
                let type = e.properties[r].type
                return type.contains("float") || type == "double" ? 1 : (size(type) == 1 ? 255 : 65535)
            }()
            var scalars = [Double](repeating: 0, count: e.properties.count)
            for _ in 0..<e.count {
                for (k, p) in e.properties.enumerated() {
                    if let countType = p.listCountType {
                        let n = Int(try next(countType))
                        var list: [UInt32] = []
                        list.reserveCapacity(n)
                        for _ in 0..<n { list.append(UInt32(truncatingIfNeeded: Int(try next(p.type)))) }
                        if e.name == "face", p.name == "vertex_indices" || p.name == "vertex_index", n >= 3 {
                            for i in 1..<(n - 1) { indices.append(list[0]); indices.append(list[i]); indices.append(list[i + 1]) }
                        }
                    } else {
                        scalars[k] = try next(p.type)
                    }
                }
                guard e.name == "vertex" else { continue }
                positions.append(SIMD3(Float(xyz[0].map { scalars[$0] } ?? 0), Float(xyz[1].map { scalars[$0] } ?? 0),
                                       Float(xyz[2].map { scalars[$0] } ?? 0)))
                if hasNormal { normals.append(SIMD3(Float(scalars[nxyz[0]!]), Float(scalars[nxyz[1]!]), Float(scalars[nxyz[2]!]))) }
                if let (u, v) = uvIndex { uvs.append(SIMD2(Float(scalars[u]), 1 - Float(scalars[v]))) }
                if hasColor {
                    colors.append(SIMD4(Float(scalars[rgba[0]!] / colorScale), Float(scalars[rgba[1]!] / colorScale),
                                        Float(scalars[rgba[2]!] / colorScale), Float(alphaIndex.map { scalars[$0] / colorScale } ?? 1)))
                }
            }
        }
        guard !indices.isEmpty else { throw MeshError.empty(file: name) }
        var mesh = Mesh(positions: positions, indices: indices)
        if !normals.isEmpty { mesh.normals = normals }
        if !uvs.isEmpty { mesh.uv0 = uvs }
        if !colors.isEmpty { mesh.colors = colors }
        do { try mesh.validate() } catch let e as MeshError { throw MeshError.parse(file: name, line: 0, reason: e.description) }
        return mesh
    }
}
