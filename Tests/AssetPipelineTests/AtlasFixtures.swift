@testable import AssetPipeline
import Foundation
import Geometry

/// Small hand-built meshes for the atlas tests.
enum AtlasFixtures {
    /// A flat n×n grid of unit quads in the XZ plane, normal +Y (CCW seen from above).
    static func plane(_ n: Int) -> AtlasInputMesh {
        var positions: [Vec3] = [], indices: [UInt32] = []
        for j in 0...n { for i in 0...n { positions.append(Vec3(Double(i), 0, Double(j))) } }
        func v(_ i: Int, _ j: Int) -> UInt32 { UInt32(j * (n + 1) + i) }
        for j in 0..<n {
            for i in 0..<n {
                indices += [v(i, j), v(i, j + 1), v(i + 1, j + 1), v(i, j), v(i + 1, j + 1), v(i + 1, j)]
            }
        }
        return AtlasInputMesh(positions: positions, indices: indices)
    }

    /// The unit cube, 8 shared vertices, 12 outward CCW triangles.
    ///
    ///      7────6
    ///     /│   /│      y
    ///    3────2 │      │
    ///    │ 4──│─5      └── x
    ///    │/   │/      /
    ///    0────1      z
    static let cube = AtlasInputMesh(
        positions: [Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(1, 1, 0), Vec3(0, 1, 0),
                    Vec3(0, 0, 1), Vec3(1, 0, 1), Vec3(1, 1, 1), Vec3(0, 1, 1)],
        indices: [0, 3, 2, 0, 2, 1,   4, 5, 6, 4, 6, 7,   0, 1, 5, 0, 5, 4,
                  3, 7, 6, 3, 6, 2,   0, 4, 7, 0, 7, 3,   1, 2, 6, 1, 6, 5])

    /// An open cylinder around Y (radius r, height h), cut open along x > 0 by a UV seam: the
    /// seam column's vertices are duplicated with u = 0 and u = 1.
    static func cylinder(segments s: Int, rings: Int, radius r: Double = 0.5, height h: Double = 1) -> AtlasInputMesh {
        var positions: [Vec3] = [], uvs: [SIMD2<Double>] = [], indices: [UInt32] = []
        for j in 0...rings {
            for k in 0...s {
                let theta = 2 * Double.pi * Double(k % s) / Double(s)
                positions.append(Vec3(r * cos(theta), h * Double(j) / Double(rings), r * sin(theta)))
                uvs.append(SIMD2(Double(k) / Double(s), Double(j) / Double(rings)))
            }
        }
        func v(_ k: Int, _ j: Int) -> UInt32 { UInt32(j * (s + 1) + k) }
        for j in 0..<rings {
            for k in 0..<s {
                indices += [v(k, j), v(k, j + 1), v(k + 1, j + 1), v(k, j), v(k + 1, j + 1), v(k + 1, j)]
            }
        }
        return AtlasInputMesh(positions: positions, indices: indices, uvs: uvs)
    }
}
