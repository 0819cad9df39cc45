// KHR_mesh_quantization: vertex attributes stored as normalized integers.
//   POSITION      UNSIGNED_SHORT with 14 bits used, not normalized (as gltfpack writes it by
//                 default: Debian's assimp 5 drops meshes whose positions use the upper
//                 half of the range, and trimesh ignores `normalized`):
//                 q = round((p − o) / s) ∈ [0, 16383] over the mesh's bounding cube (corner
//                 o, side L, s = L / 16383); the dequantization x = o + s·q is put back by a node
//                 (non-skinned meshes: a child node holding the mesh with translation c and
//                 scale s) or folded into the skin's inverse bind matrices (skinned meshes).
//   NORMAL        BYTE normalized; TANGENT BYTE normalized (w = ±1 exact).
//   TEXCOORD_n    UNSIGNED_SHORT normalized when every coordinate is in [0, 1], else float.
//   morph POSITION SHORT of round(d / s) when |d| ≤ 32767 s, else float.
// Everything else keeps its type. The extension goes into extensionsUsed and
// extensionsRequired (engines must know it to read SHORT positions).
import Foundation
import GLTF
import Geometry

/// The dequantization of one mesh's positions: x = centre + scale · q, q ∈ [0, 16383]³
/// (`centre` is the cube's low corner).
struct PositionDequantization: Equatable {
    var centre: SIMD3<Double>
    var scale: Double
    static let steps = 16383.0

    /// The cube around `positions` (scale > 0 even for a single point).
    init(bounding positions: [SIMD3<Float>]) {
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for p in positions { let d = SIMD3<Double>(p); lo = pointwiseMin(lo, d); hi = pointwiseMax(hi, d) }
        if positions.isEmpty { lo = .zero; hi = .zero }
        centre = lo
        scale = Swift.max((hi - lo).max(), 1e-12) / Self.steps
    }
    init(centre: SIMD3<Double>, scale: Double) { self.centre = centre; self.scale = scale }

    /// Column-major T(centre)·S(scale).
    var matrix: Matrix4 { Matrix4(columnMajor: [scale, 0, 0, 0, 0, scale, 0, 0, 0, 0, scale, 0, centre.x, centre.y, centre.z, 1]) }
}

extension GLTFAsset {
    /// Replaces `prim`'s float attributes by quantized accessors (the float ones become
    /// unreferenced and are dropped when written). `positions` holds the primitive's
    /// POSITION values; `dequantization` nil keeps positions as floats.
    /// - Returns: the primitive with the new accessors.
    mutating func quantizeAttributes(of prim: GLTFPrimitive, mesh: Mesh, dequantization: PositionDequantization?) -> GLTFPrimitive {
        var out = prim
        if let dq = dequantization {
            out.attributes["POSITION"] = appendIntegers(mesh.positions.map { (SIMD3<Double>($0) - dq.centre) / dq.scale }, signed: false)
        }
        if let n = mesh.normals {
            let q = n.flatMap { [$0.x, $0.y, $0.z].map(Self.roundedByte) }
            out.attributes["NORMAL"] = appendAccessor(floats: q, type: .vec3, componentType: .byte, target: .arrayBuffer)
        }
        if let t = mesh.tangents {
            let q = t.flatMap { [$0.x, $0.y, $0.z, $0.w < 0 ? -1 : 1].map(Self.roundedByte) }
            out.attributes["TANGENT"] = appendAccessor(floats: q, type: .vec4, componentType: .byte, target: .arrayBuffer)
        }
        for (semantic, uv) in [("TEXCOORD_0", mesh.uv0), ("TEXCOORD_1", mesh.uv1)] {
            guard let uv, uv.allSatisfy({ $0.x >= 0 && $0.x <= 1 && $0.y >= 0 && $0.y <= 1 }) else { continue }
            out.attributes[semantic] = appendAccessor(floats: uv.flatMap { [$0.x, $0.y] }, type: .vec2, componentType: .unsignedShort,
                                                      target: .arrayBuffer)
        }
        if let dq = dequantization, var targets = out.targets {
            for (k, t) in mesh.targets.enumerated() where k < targets.count {
                let limit = Float(dq.scale * 32767)
                guard let d = t.positions, d.allSatisfy({ abs($0.max()) <= limit && abs($0.min()) <= limit }) else { continue }
                targets[k]["POSITION"] = appendIntegers(d.map { SIMD3<Double>($0) / dq.scale }, signed: true)
            }
            out.targets = targets
        }
        return out
    }

    /// Appends a VEC3 vertex accessor of `values` rounded and clamped to SHORT (±32767) or
    /// UNSIGNED_SHORT (0…65535; positions use 0…16383), not normalized, with exact min/max.
    mutating func appendIntegers(_ values: [SIMD3<Double>], signed: Bool) -> Int {
        let lower = SIMD3<Double>(repeating: signed ? -32767 : 0), upper = SIMD3<Double>(repeating: signed ? 32767 : 65535)
        let q = values.map { v in (v.rounded(.toNearestOrAwayFromZero)).clamped(lowerBound: lower, upperBound: upper) }
        let raw = q.flatMap { [$0.x, $0.y, $0.z].map { UInt32(bitPattern: Int32($0)) } }
        let index = appendAccessor(uints: raw, type: .vec3, componentType: signed ? .short : .unsignedShort, target: .arrayBuffer)
        if !q.isEmpty {
            let lo = q.reduce(SIMD3<Double>(repeating: .infinity)) { pointwiseMin($0, $1) }
            let hi = q.reduce(SIMD3<Double>(repeating: -.infinity)) { pointwiseMax($0, $1) }
            document.accessors[index].min = [lo.x, lo.y, lo.z]
            document.accessors[index].max = [hi.x, hi.y, hi.z]
        }
        return index
    }
    /// A value in [−1, 1] snapped to the BYTE normalized grid.
    static func roundedByte(_ v: Float) -> Float { (Swift.max(-1, Swift.min(1, v)) * 127).rounded() / 127 }
}
