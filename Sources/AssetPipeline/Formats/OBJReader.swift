import Foundation

/// A material from an OBJ's MTL library (only what maps onto glTF PBR).
public struct OBJMaterial: Sendable, Equatable {
    public var name: String
    /// Diffuse colour `Kd` (linear RGB) and dissolve `d`.
    public var diffuse: SIMD3<Float> = SIMD3(1, 1, 1)
    public var opacity: Float = 1
    /// `map_Kd`, resolved against the MTL's folder, or nil.
    public var diffuseTexture: URL?
    public init(name: String) { self.name = name }
}

/// Reads Wavefront OBJ (+ MTL): `v` (optionally with r g b), `vt`, `vn`, `f` with any of the
/// `v`, `v/t`, `v//n`, `v/t/n` forms and negative indices, polygons fanned into triangles,
/// `usemtl` → `Mesh.materialIDs` (index into the returned materials), `mtllib`.
/// Each distinct (v, vt, vn) triple becomes one vertex. Texture v is flipped to glTF's
/// top-left convention (v' = 1 − v).
public enum OBJReader {
    public static func read(contentsOf url: URL) throws -> (mesh: Mesh, materials: [OBJMaterial]) {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw MeshError.missingFile(path: url.path) }
        return try parse(data, name: url.lastPathComponent, baseURL: url.deletingLastPathComponent())
    }

    public static func parse(_ data: Data, name: String, baseURL: URL?) throws -> (mesh: Mesh, materials: [OBJMaterial]) {
        var v: [SIMD3<Float>] = [], vc: [SIMD3<Float>] = [], vt: [SIMD2<Float>] = [], vn: [SIMD3<Float>] = []
        var materials: [OBJMaterial] = []
        var materialIndex: [String: Int32] = [:]
        var current: Int32 = -1
        var key: [SIMD3<Int32>: UInt32] = [:]
        var corners: [SIMD3<Int32>] = []   // unique triples in first-use order
        var indices: [UInt32] = []
        var triangleMaterials: [Int32] = []
        var usesTexcoords = false, usesNormals = false, usesMaterials = false
        var lineNumber = 0

        func fail(_ reason: String) -> MeshError { .parse(file: name, line: lineNumber, reason: reason) }

        let bytes = [UInt8](data)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            let line = String(decoding: bytes[start..<end], as: UTF8.self)
            start = end + 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let head = parts.first else { continue }
            func floats(_ n: Int) throws -> [Float] {
                guard parts.count > n else { throw fail("'\(head)' needs \(n) numbers") }
                return try (1...n).map { i in
                    guard let f = Float(parts[i]) else { throw fail("'\(parts[i])' is not a number") }
                    return f
                }
            }
            switch head {
            case "v":
                let f = try floats(3)
                v.append(SIMD3(f[0], f[1], f[2]))
                if parts.count >= 7, let r = Float(parts[4]), let g = Float(parts[5]), let b = Float(parts[6]) {
                    vc.append(SIMD3(r, g, b))
                }
            case "vt":
                guard parts.count >= 2, let s = Float(parts[1]) else { throw fail("'vt' needs 2 numbers") }
                let t = parts.count >= 3 ? Float(parts[2]) ?? 0 : 0
                vt.append(SIMD2(s, 1 - t))
            case "vn":
                let f = try floats(3)
                vn.append(SIMD3(f[0], f[1], f[2]))
            case "f":
                guard parts.count >= 4 else { throw fail("a face needs at least 3 corners") }
                var face: [UInt32] = []
                for p in parts.dropFirst() {
                    let fields = p.split(separator: "/", omittingEmptySubsequences: false)
                    func resolve(_ s: Substring?, _ count: Int, _ what: String) throws -> Int32 {
                        guard let s, !s.isEmpty else { return -1 }
                        guard let i = Int(s), i != 0 else { throw fail("bad \(what) index '\(s)'") }
                        let r = i > 0 ? i - 1 : count + i
                        guard r >= 0, r < count else { throw fail("\(what) index \(i) is out of range (\(count) defined)") }
                        return Int32(r)
                    }
                    let triple = SIMD3<Int32>(try resolve(fields[0], v.count, "vertex"),
                                              try resolve(fields.count > 1 ? fields[1] : nil, vt.count, "texture"),
                                              try resolve(fields.count > 2 ? fields[2] : nil, vn.count, "normal"))
                    if triple.y >= 0 { usesTexcoords = true }
                    if triple.z >= 0 { usesNormals = true }
                    if let k = key[triple] { face.append(k) } else {
                        let k = UInt32(corners.count)
                        key[triple] = k; corners.append(triple); face.append(k)
                    }
                }
                for i in 1..<(face.count - 1) {
                    indices.append(contentsOf: [face[0], face[i], face[i + 1]])
                    triangleMaterials.append(Swift.max(current, 0))
                }
            case "usemtl":
                let name = parts.dropFirst().joined(separator: " ")
                if let i = materialIndex[name] { current = i } else {
                    current = Int32(materials.count); materialIndex[name] = current
                    materials.append(OBJMaterial(name: name))
                }
                usesMaterials = true
            case "mtllib":
                guard let baseURL else { break }
                let file = parts.dropFirst().joined(separator: " ")
                let mtl = baseURL.appendingPathComponent(file)
                guard let text = FileManager.default.contents(atPath: mtl.path) else { throw MeshError.missingFile(path: mtl.path) }
                for m in try parseMTL(text, name: file, baseURL: mtl.deletingLastPathComponent()) {
                    if let i = materialIndex[m.name] { materials[Int(i)] = m } else {
                        materialIndex[m.name] = Int32(materials.count); materials.append(m)
                    }
                }
            default: continue
            }
        }
        guard !indices.isEmpty else { throw MeshError.empty(file: name) }
        var mesh = Mesh(positions: corners.map { v[Int($0.x)] }, indices: indices)
        if usesTexcoords { mesh.uv0 = corners.map { $0.y >= 0 ? vt[Int($0.y)] : .zero } }
        if usesNormals { mesh.normals = corners.map { $0.z >= 0 ? vn[Int($0.z)] : .zero } }
        if vc.count == v.count, !vc.isEmpty { mesh.colors = corners.map { let c = vc[Int($0.x)]; return SIMD4(c.x, c.y, c.z, 1) } }
        if usesMaterials, materials.count > 1 { mesh.materialIDs = triangleMaterials }
        if materials.isEmpty { materials = [OBJMaterial(name: "default")] }
        return (mesh, materials)
    }

    static func parseMTL(_ data: Data, name: String, baseURL: URL) throws -> [OBJMaterial] {
        var out: [OBJMaterial] = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let parts = line.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let head = parts.first else { continue }
            switch head {
            case "newmtl": out.append(OBJMaterial(name: parts.dropFirst().joined(separator: " ")))
            case "Kd" where parts.count >= 4 && !out.isEmpty:
                out[out.count - 1].diffuse = SIMD3(Float(parts[1]) ?? 1, Float(parts[2]) ?? 1, Float(parts[3]) ?? 1)
            case "d" where parts.count >= 2 && !out.isEmpty:
                out[out.count - 1].opacity = Float(parts[1]) ?? 1
            case "map_Kd" where parts.count >= 2 && !out.isEmpty:
                // Options (-s, -o, …) precede the file name, which is the last token.
                let file = String(parts.last!)
                let url = baseURL.appendingPathComponent(file)
                guard FileManager.default.fileExists(atPath: url.path) else { throw MeshError.missingFile(path: url.path) }
                out[out.count - 1].diffuseTexture = url
            default: continue
            }
        }
        return out
    }
}
