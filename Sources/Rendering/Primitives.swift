import Foundation

extension Mesh {
    /// A UV sphere centred at the origin: `segments` around (≥ 3) × `rings` from pole to pole
    /// (≥ 2), so 2 × segments × (rings − 1) triangles; normals out, u around, v from the top
    /// pole (+y) down, CCW outside.
    public static func uvSphere(radius: Float, segments: Int, rings: Int, material: Int = 0) -> Mesh {
        precondition(segments >= 3 && rings >= 2)
        var m = Mesh(positions: [], indices: [], material: material)
        for r in 0...rings {
            let theta = Float.pi * Float(r) / Float(rings)
            for s in 0...segments {
                let phi = 2 * Float.pi * Float(s) / Float(segments)
                let n = SIMD3<Float>(sin(theta) * sin(phi), cos(theta), sin(theta) * cos(phi))
                m.positions.append(n * radius); m.normals.append(n)
                m.uvs.append(SIMD2(Float(s) / Float(segments), Float(r) / Float(rings)))
            }
        }
        let row = UInt32(segments + 1)
        for r in 0..<UInt32(rings) { for s in 0..<UInt32(segments) {
            let a = r * row + s, b = a + row
            if r > 0 { m.indices += [a, b, a + 1] }
            if r < UInt32(rings) - 1 { m.indices += [a + 1, b, b + 1] }
        } }
        return m
    }

    /// An axis-aligned box [min, max] with outward normals, 12 triangles, each face's UVs
    /// spanning [0, 1].
    public static func box(min lo: SIMD3<Float>, max hi: SIMD3<Float>, material: Int = 0) -> Mesh {
        var m = Mesh(positions: [], indices: [], material: material)
        // Each face: origin (top-left seen from outside), u (right) and v (down) edges.
        let faces: [(SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)] = [
            (SIMD3(lo.x, hi.y, hi.z), SIMD3(hi.x - lo.x, 0, 0), SIMD3(0, lo.y - hi.y, 0)),   // +z
            (SIMD3(hi.x, hi.y, lo.z), SIMD3(lo.x - hi.x, 0, 0), SIMD3(0, lo.y - hi.y, 0)),   // −z
            (SIMD3(hi.x, hi.y, hi.z), SIMD3(0, 0, lo.z - hi.z), SIMD3(0, lo.y - hi.y, 0)),   // +x
            (SIMD3(lo.x, hi.y, lo.z), SIMD3(0, 0, hi.z - lo.z), SIMD3(0, lo.y - hi.y, 0)),   // −x
            (SIMD3(lo.x, hi.y, lo.z), SIMD3(hi.x - lo.x, 0, 0), SIMD3(0, 0, hi.z - lo.z)),   // +y
            (SIMD3(lo.x, lo.y, hi.z), SIMD3(hi.x - lo.x, 0, 0), SIMD3(0, 0, lo.z - hi.z)),   // −y
        ]
        for (o, u, v) in faces {
            let base = UInt32(m.positions.count)
            let n = simdCross(v, u)
            let nn = n / (n * n).sum().squareRoot()
            m.positions += [o, o + u, o + u + v, o + v]
            m.normals += [nn, nn, nn, nn]
            m.uvs += [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1)]
            m.indices += [base, base + 3, base + 2, base, base + 2, base + 1]
        }
        return m
    }
}
