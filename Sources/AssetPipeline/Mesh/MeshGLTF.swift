import Foundation
import GLTF

/// The attributes a `Mesh` carries; primitives with any other attribute are passed through
/// unchanged by the optimizer (so nothing is lost).
let meshCarriedSemantics: Set<String> = [
    "POSITION", "NORMAL", "TANGENT", "TEXCOORD_0", "TEXCOORD_1", "COLOR_0", "JOINTS_0", "WEIGHTS_0",
]

public extension Mesh {
    /// Reads one glTF primitive: triangles (strips and fans are converted), the attributes in
    /// `Mesh`, and morph targets (POSITION/NORMAL/TANGENT displacements).
    /// - Throws: `GLTFError` for bad accessors; `.invalidPrimitive` for points or lines.
    /// The primitive read as by `init(gltf:mesh:primitive:)` and checked by `validate()`.
    /// - Throws: `GLTFError.invalidPrimitive` naming the primitive and the bad value.
    static func validated(gltf asset: GLTFAsset, mesh m: Int, primitive p: Int) throws -> Mesh {
        let mesh = try Mesh(gltf: asset, mesh: m, primitive: p)
        do { try mesh.validate() } catch let error as MeshError {
            throw GLTFError.invalidPrimitive(mesh: m, primitive: p, reason: error.description)
        }
        return mesh
    }

    init(gltf asset: GLTFAsset, mesh m: Int, primitive p: Int) throws {
        let prim = asset.document.meshes[m].primitives[p]
        guard let pa = prim.attributes["POSITION"] else {
            throw GLTFError.invalidPrimitive(mesh: m, primitive: p, reason: "no POSITION attribute")
        }
        func vec3(_ a: Int) throws -> [SIMD3<Float>] {
            let f = try asset.readFloats(accessor: a)
            guard f.count % 3 == 0 else { throw GLTFError.invalidAccessor(accessor: a, reason: "expected VEC3") }
            return stride(from: 0, to: f.count, by: 3).map { SIMD3(f[$0], f[$0 + 1], f[$0 + 2]) }
        }
        func vec2(_ a: Int) throws -> [SIMD2<Float>] {
            let f = try asset.readFloats(accessor: a)
            guard f.count % 2 == 0 else { throw GLTFError.invalidAccessor(accessor: a, reason: "expected VEC2") }
            return stride(from: 0, to: f.count, by: 2).map { SIMD2(f[$0], f[$0 + 1]) }
        }
        func vec4(_ a: Int, fillW: Float = 1) throws -> [SIMD4<Float>] {
            let n = asset.document.accessors[a].elementType?.componentCount ?? 4
            let f = try asset.readFloats(accessor: a)
            if n == 3 { return stride(from: 0, to: f.count, by: 3).map { SIMD4(f[$0], f[$0 + 1], f[$0 + 2], fillW) } }
            return stride(from: 0, to: f.count, by: 4).map { SIMD4(f[$0], f[$0 + 1], f[$0 + 2], f[$0 + 3]) }
        }
        let positions = try vec3(pa)
        let triangles = try asset.triangleIndices(mesh: m, primitive: p)
        self.init(positions: positions, indices: triangles)
        if let a = prim.attributes["NORMAL"] { normals = try vec3(a) }
        if let a = prim.attributes["TANGENT"] { tangents = try vec4(a) }
        if let a = prim.attributes["TEXCOORD_0"] { uv0 = try vec2(a) }
        if let a = prim.attributes["TEXCOORD_1"] { uv1 = try vec2(a) }
        if let a = prim.attributes["COLOR_0"] { colors = try vec4(a) }
        if let a = prim.attributes["JOINTS_0"] {
            let j = try asset.readUInt32(accessor: a)
            joints = stride(from: 0, to: j.count, by: 4).map { SIMD4(UInt16(truncatingIfNeeded: j[$0]), UInt16(truncatingIfNeeded: j[$0 + 1]), UInt16(truncatingIfNeeded: j[$0 + 2]), UInt16(truncatingIfNeeded: j[$0 + 3])) }
        }
        if let a = prim.attributes["WEIGHTS_0"] { weights = try vec4(a) }
        for target in prim.targets ?? [] {
            targets.append(MorphTarget(positions: try target["POSITION"].map(vec3),
                                       normals: try target["NORMAL"].map(vec3),
                                       tangents: try target["TANGENT"].map(vec3)))
        }
    }

    /// Vertices of the triangles whose material is `material`, compacted (for splitting a
    /// decimated multi-primitive mesh back into primitives).
    func submesh(material: Int32) -> Mesh {
        var remap = [Int32](repeating: -1, count: vertexCount)
        var order: [Int] = []
        var indices: [UInt32] = []
        for t in 0..<triangleCount where self.material(ofTriangle: t) == material {
            for e in 0..<3 {
                let v = Int(self.indices[3 * t + e])
                if remap[v] < 0 { remap[v] = Int32(order.count); order.append(v) }
                indices.append(UInt32(remap[v]))
            }
        }
        var out = Mesh(positions: order.map { positions[$0] }, indices: indices)
        out.normals = normals.map { a in order.map { a[$0] } }
        out.tangents = tangents.map { a in order.map { a[$0] } }
        out.uv0 = uv0.map { a in order.map { a[$0] } }
        out.uv1 = uv1.map { a in order.map { a[$0] } }
        out.colors = colors.map { a in order.map { a[$0] } }
        out.joints = joints.map { a in order.map { a[$0] } }
        out.weights = weights.map { a in order.map { a[$0] } }
        out.targets = targets.map { t in
            MorphTarget(positions: t.positions.map { a in order.map { a[$0] } },
                        normals: t.normals.map { a in order.map { a[$0] } },
                        tangents: t.tangents.map { a in order.map { a[$0] } })
        }
        return out
    }

    /// Concatenates meshes with the same attribute set; triangles of `parts[i]` get material i.
    static func merging(_ parts: [Mesh]) -> Mesh {
        var out = Mesh(positions: [], indices: [])
        guard let first = parts.first else { return out }
        if first.normals != nil { out.normals = [] }
        if first.tangents != nil { out.tangents = [] }
        if first.uv0 != nil { out.uv0 = [] }
        if first.uv1 != nil { out.uv1 = [] }
        if first.colors != nil { out.colors = [] }
        if first.joints != nil { out.joints = [] }
        if first.weights != nil { out.weights = [] }
        out.targets = first.targets.map { t in
            MorphTarget(positions: t.positions == nil ? nil : [], normals: t.normals == nil ? nil : [], tangents: t.tangents == nil ? nil : [])
        }
        var materials: [Int32] = []
        for (i, part) in parts.enumerated() {
            let base = UInt32(out.positions.count)
            out.positions += part.positions
            out.normals? += part.normals ?? []
            out.tangents? += part.tangents ?? []
            out.uv0? += part.uv0 ?? []
            out.uv1? += part.uv1 ?? []
            out.colors? += part.colors ?? []
            out.joints? += part.joints ?? []
            out.weights? += part.weights ?? []
            for k in out.targets.indices {
                out.targets[k].positions? += part.targets[k].positions ?? []
                out.targets[k].normals? += part.targets[k].normals ?? []
                out.targets[k].tangents? += part.targets[k].tangents ?? []
            }
            out.indices += part.indices.map { $0 + base }
            materials += [Int32](repeating: Int32(i), count: part.triangleCount)
        }
        out.materialIDs = parts.count > 1 ? materials : nil
        return out
    }
}

public extension GLTFAsset {
    /// Appends `mesh`'s data as new accessors and returns a primitive that uses them, copying
    /// `template`'s material, extensions and extras. Component types follow the template's
    /// accessors where they matter to engines: JOINTS_0 keeps UNSIGNED_BYTE/SHORT, WEIGHTS_0
    /// keeps float or normalized integers (quantized to sum exactly to 255/65535), COLOR_0
    /// and TEXCOORD_n keep normalized integer types; everything else is float. Indices are
    /// UNSIGNED_SHORT when there are at most 65 535 vertices, else UNSIGNED_INT.
    mutating func appendPrimitive(_ mesh: Mesh, like template: GLTFPrimitive) -> GLTFPrimitive {
        var prim = template
        prim.mode = nil
        var attributes: [String: Int] = [:]
        func componentType(_ semantic: String) -> (GLTFComponentType, Bool) {
            guard let a = template.attributes[semantic], a < document.accessors.count,
                  let c = document.accessors[a].component else { return (.float, false) }
            return (c, document.accessors[a].normalized ?? false)
        }
        attributes["POSITION"] = appendAccessor(floats: mesh.positions.flatMap { [$0.x, $0.y, $0.z] }, type: .vec3,
                                                target: .arrayBuffer, minMax: true)
        if let n = mesh.normals {
            attributes["NORMAL"] = appendAccessor(floats: n.flatMap { [$0.x, $0.y, $0.z] }, type: .vec3, target: .arrayBuffer)
        }
        if let t = mesh.tangents {
            attributes["TANGENT"] = appendAccessor(floats: t.flatMap { [$0.x, $0.y, $0.z, $0.w] }, type: .vec4, target: .arrayBuffer)
        }
        for (semantic, uv) in [("TEXCOORD_0", mesh.uv0), ("TEXCOORD_1", mesh.uv1)] {
            guard let uv else { continue }
            let (c, normalized) = componentType(semantic)
            attributes[semantic] = appendAccessor(floats: uv.flatMap { [$0.x, $0.y] }, type: .vec2,
                                                  componentType: normalized ? c : .float, target: .arrayBuffer)
        }
        if let colors = mesh.colors {
            let (c, normalized) = componentType("COLOR_0")
            let rgb = template.attributes["COLOR_0"].map { document.accessors[$0].type == "VEC3" } ?? false
            let flat = rgb ? colors.flatMap { [$0.x, $0.y, $0.z] } : colors.flatMap { [$0.x, $0.y, $0.z, $0.w] }
            attributes["COLOR_0"] = appendAccessor(floats: flat, type: rgb ? .vec3 : .vec4,
                                                   componentType: normalized ? c : .float, target: .arrayBuffer)
        }
        if let joints = mesh.joints {
            let (c, _) = componentType("JOINTS_0")
            let type: GLTFComponentType = c == .unsignedByte && joints.allSatisfy({ $0.max() < 256 }) ? .unsignedByte : .unsignedShort
            attributes["JOINTS_0"] = appendAccessor(uints: joints.flatMap { [UInt32($0.x), UInt32($0.y), UInt32($0.z), UInt32($0.w)] },
                                                    type: .vec4, componentType: type, target: .arrayBuffer)
        }
        if let weights = mesh.weights {
            let (c, normalized) = componentType("WEIGHTS_0")
            if normalized, c == .unsignedByte || c == .unsignedShort {
                let maxValue = c == .unsignedByte ? 255 : 65535
                let q = weights.flatMap { w -> [UInt32] in let v = SkinWeights.quantize(w, maxValue: maxValue); return [v.x, v.y, v.z, v.w] }
                attributes["WEIGHTS_0"] = appendAccessor(uints: q, type: .vec4, componentType: c, normalized: true, target: .arrayBuffer)
            } else {
                let normalizedWeights = weights.map { w -> SIMD4<Float> in let s = w.sum(); return s > 0 ? w / s : w }
                attributes["WEIGHTS_0"] = appendAccessor(floats: normalizedWeights.flatMap { [$0.x, $0.y, $0.z, $0.w] }, type: .vec4, target: .arrayBuffer)
            }
        }
        prim.attributes = attributes
        if !mesh.targets.isEmpty {
            prim.targets = mesh.targets.map { t in
                var out: [String: Int] = [:]
                if let p = t.positions { out["POSITION"] = appendAccessor(floats: p.flatMap { [$0.x, $0.y, $0.z] }, type: .vec3, target: .arrayBuffer, minMax: true) }
                if let n = t.normals { out["NORMAL"] = appendAccessor(floats: n.flatMap { [$0.x, $0.y, $0.z] }, type: .vec3, target: .arrayBuffer) }
                if let g = t.tangents { out["TANGENT"] = appendAccessor(floats: g.flatMap { [$0.x, $0.y, $0.z] }, type: .vec3, target: .arrayBuffer) }
                return out
            }
        }
        let indexType: GLTFComponentType = mesh.vertexCount <= 65535 ? .unsignedShort : .unsignedInt
        prim.indices = appendAccessor(uints: mesh.indices, componentType: indexType, target: .elementArrayBuffer)
        return prim
    }
}
