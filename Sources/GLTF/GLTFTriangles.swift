public extension GLTFAsset {
    /// Primitive `primitive` of mesh `mesh` as a triangle list: three vertex indices per
    /// triangle, counter-clockwise from the front. Strips and fans are unrolled (odd strip
    /// triangles swap their first two corners to keep the winding); a triangle list's
    /// trailing 1 or 2 indices are dropped. A primitive without indices uses its vertices in
    /// order (its POSITION count).
    /// - Throws: `GLTFError.invalidPrimitive` for points and lines or a missing POSITION;
    ///   `GLTFError` for an unreadable index accessor.
    func triangleIndices(mesh: Int, primitive: Int) throws -> [UInt32] {
        guard mesh >= 0, mesh < document.meshes.count else {
            throw GLTFError.invalidReference(at: "triangleIndices", kind: "meshes", index: mesh)
        }
        guard primitive >= 0, primitive < document.meshes[mesh].primitives.count else {
            throw GLTFError.invalidReference(at: "meshes[\(mesh)].primitives", kind: "primitives", index: primitive)
        }
        let prim = document.meshes[mesh].primitives[primitive]
        let corners: [UInt32]
        if let indices = prim.indices {
            corners = try readUInt32(accessor: indices)
        } else {
            guard let positions = prim.attributes["POSITION"], positions >= 0, positions < document.accessors.count else {
                throw GLTFError.invalidPrimitive(mesh: mesh, primitive: primitive, reason: "no POSITION attribute")
            }
            corners = (0..<UInt32(document.accessors[positions].count)).map { $0 }
        }
        var triangles: [UInt32] = []
        switch prim.topology {
        case .triangles:
            triangles = Array(corners.prefix(corners.count / 3 * 3))
        case .triangleStrip:
            if corners.count >= 3 { for i in 0..<(corners.count - 2) {
                triangles += i % 2 == 0 ? [corners[i], corners[i + 1], corners[i + 2]] : [corners[i + 1], corners[i], corners[i + 2]]
            } }
        case .triangleFan:
            if corners.count >= 3 { for i in 1..<(corners.count - 1) { triangles += [corners[0], corners[i], corners[i + 1]] } }
        default:
            throw GLTFError.invalidPrimitive(mesh: mesh, primitive: primitive, reason: "mode \(prim.mode ?? 4) is not triangles")
        }
        return triangles
    }
}
