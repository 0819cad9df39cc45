import Foundation
import AssetPipeline
import Geometry

/// Generated meshes for benchmarks and tests.
public enum TestMeshes {
    /// A unit icosphere subdivided `subdivisions` times (20·4ⁿ triangles; n = 8 gives
    /// 1 310 720) whose radius carries 12 seeded sine bumps (amplitude 0.005–0.03, frequency
    /// 2–12) plus Gaussian noise of σ = 0.0005, like `mesh_baseline.py --make-test`.
    public static func bumpySphere(subdivisions: Int = 8, seed: UInt64 = 0) -> Mesh {
        let t = (1 + 5.0.squareRoot()) / 2
        var vertices: [SIMD3<Double>] = [
            [-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t],
            [0, -1, -t], [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1],
        ].map { v in v / (v * v).sum().squareRoot() }
        var faces: [UInt32] = [0, 11, 5, 0, 5, 1, 0, 1, 7, 0, 7, 10, 0, 10, 11, 1, 5, 9, 5, 11, 4, 11, 10, 2, 10, 7, 6, 7, 1, 8,
                               3, 9, 4, 3, 4, 2, 3, 2, 6, 3, 6, 8, 3, 8, 9, 4, 9, 5, 2, 4, 11, 6, 2, 10, 8, 6, 7, 9, 8, 1]
        for _ in 0..<subdivisions {
            var midpoints: [UInt64: UInt32] = [:]
            midpoints.reserveCapacity(faces.count)
            func mid(_ a: UInt32, _ b: UInt32) -> UInt32 {
                let key = UInt64(min(a, b)) << 32 | UInt64(max(a, b))
                if let m = midpoints[key] { return m }
                let v = vertices[Int(a)] + vertices[Int(b)]
                vertices.append(v / (v * v).sum().squareRoot())
                let m = UInt32(vertices.count - 1)
                midpoints[key] = m
                return m
            }
            var next: [UInt32] = []
            next.reserveCapacity(faces.count * 4)
            for f in stride(from: 0, to: faces.count, by: 3) {
                let a = faces[f], b = faces[f + 1], c = faces[f + 2]
                let ab = mid(a, b), bc = mid(b, c), ca = mid(c, a)
                next += [a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca]
            }
            faces = next
        }
        var rng = SplitMix64(seed: seed)
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(rng.next() >> 11) / Double(1 << 53) }
        var radius = [Double](repeating: 1, count: vertices.count)
        for _ in 0..<12 {
            var d = SIMD3<Double>(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian())
            d /= (d * d).sum().squareRoot()
            let freq = uniform(2, 12), amp = uniform(0.005, 0.03), phase = uniform(0, 2 * .pi)
            for i in vertices.indices { radius[i] += amp * sin(freq * (vertices[i] * d).sum() + phase) }
        }
        for i in vertices.indices { radius[i] += 0.0005 * rng.nextGaussian() }
        let positions = vertices.indices.map { SIMD3<Float>(vertices[$0] * radius[$0]) }
        return Mesh(positions: positions, indices: faces)
    }
}
