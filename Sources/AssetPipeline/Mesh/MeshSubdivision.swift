import Foundation

public extension Mesh {
    /// One step of midpoint subdivision: every triangle becomes four, each edge gets one new
    /// vertex shared by the triangles on both sides (so the mesh stays watertight where it
    /// was). The surface does not move (no smoothing): this makes dense test and benchmark
    /// meshes with the same look, texture mapping and skinning.
    ///
    /// New vertices average their edge's endpoints: positions, UVs, colours and morph
    /// displacements linearly, normals and tangents renormalized (tangent w from the first
    /// endpoint); skin influences are merged (each endpoint's weights halved, summed per
    /// joint, the 4 largest kept, renormalized to 1). Triangle materials are inherited.
    func subdivided() -> Mesh {
        var out = self
        var midpoint: [UInt64: UInt32] = [:]
        midpoint.reserveCapacity(indices.count)
        var pairs: [(UInt32, UInt32)] = []   // endpoints of each new vertex, in order
        pairs.reserveCapacity(indices.count / 2)
        let base = UInt32(positions.count)
        func mid(_ a: UInt32, _ b: UInt32) -> UInt32 {
            let key = UInt64(min(a, b)) << 32 | UInt64(max(a, b))
            if let v = midpoint[key] { return v }
            let v = base + UInt32(pairs.count)
            pairs.append((a, b))
            midpoint[key] = v
            return v
        }
        var newIndices: [UInt32] = []
        newIndices.reserveCapacity(indices.count * 4)
        for t in 0..<triangleCount {
            let a = indices[3 * t], b = indices[3 * t + 1], c = indices[3 * t + 2]
            let ab = mid(a, b), bc = mid(b, c), ca = mid(c, a)
            newIndices += [a, ab, ca, ab, b, bc, ca, bc, c, ab, bc, ca]
        }
        out.indices = newIndices
        out.materialIDs = materialIDs.map { ids in ids.flatMap { [$0, $0, $0, $0] } }

        func averaged<T: SIMD>(_ values: [T]) -> [T] where T.Scalar == Float {
            values + pairs.map { (values[Int($0.0)] + values[Int($0.1)]) * 0.5 }
        }
        func unit(_ v: SIMD3<Float>) -> SIMD3<Float> {
            let n = (v * v).sum().squareRoot()
            return n > 0 ? v / n : v
        }
        out.positions = averaged(positions)
        out.normals = normals.map { n in n + pairs.map { unit(n[Int($0.0)] + n[Int($0.1)]) } }
        out.tangents = tangents.map { t in
            t + pairs.map { p in
                let a = t[Int(p.0)], b = t[Int(p.1)]
                let xyz = unit(SIMD3(a.x + b.x, a.y + b.y, a.z + b.z))
                return SIMD4(xyz.x, xyz.y, xyz.z, a.w)
            }
        }
        out.uv0 = uv0.map(averaged)
        out.uv1 = uv1.map(averaged)
        out.colors = colors.map(averaged)
        out.targets = targets.map { target in
            MorphTarget(positions: target.positions.map(averaged), normals: target.normals.map(averaged),
                        tangents: target.tangents.map(averaged))
        }
        if let joints, let weights {
            var newJoints = joints, newWeights = weights
            newJoints.reserveCapacity(joints.count + pairs.count)
            newWeights.reserveCapacity(weights.count + pairs.count)
            for (a, b) in pairs {
                var merged: [UInt16: Float] = [:]
                for v in [Int(a), Int(b)] {
                    for i in 0..<4 where weights[v][i] > 0 { merged[joints[v][i], default: 0] += weights[v][i] * 0.5 }
                }
                let top = merged.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(4)
                let total = top.reduce(Float(0)) { $0 + $1.value }
                var j = SIMD4<UInt16>(repeating: 0), w = SIMD4<Float>(repeating: 0)
                for (i, entry) in top.enumerated() { j[i] = entry.key; w[i] = total > 0 ? entry.value / total : 0 }
                newJoints.append(j); newWeights.append(w)
            }
            out.joints = newJoints; out.weights = newWeights
        }
        return out
    }
}
