import Foundation

public extension GLTFAsset {
    /// Checks every reference between objects, every accessor's byte range, every index
    /// against its primitive's vertex count, attribute counts within a primitive, and that
    /// POSITION values are finite. Called by the readers; call it after editing a document.
    /// - Throws: the first problem found, as a `GLTFError` naming the object.
    func validate() throws {
        let d = document
        func ref(_ i: Int?, _ kind: String, _ count: Int, at: @autoclosure () -> String) throws {
            if let i, i < 0 || i >= count { throw GLTFError.invalidReference(at: at(), kind: kind, index: i) }
        }
        try ref(d.scene, "scenes", d.scenes.count, at: "scene")
        for (s, scene) in d.scenes.enumerated() {
            for n in scene.nodes ?? [] { try ref(n, "nodes", d.nodes.count, at: "scenes[\(s)].nodes") }
        }
        for (n, node) in d.nodes.enumerated() {
            for c in node.children ?? [] { try ref(c, "nodes", d.nodes.count, at: "nodes[\(n)].children") }
            try ref(node.mesh, "meshes", d.meshes.count, at: "nodes[\(n)].mesh")
            try ref(node.skin, "skins", d.skins.count, at: "nodes[\(n)].skin")
            try ref(node.camera, "cameras", d.cameras.count, at: "nodes[\(n)].camera")
            if let m = node.matrix, m.count != 16 {
                throw GLTFError.invalidJSON("nodes[\(n)].matrix has \(m.count) numbers, expected 16")
            }
        }
        try checkNodeForest()
        for (v, view) in d.bufferViews.enumerated() {
            try ref(view.buffer, "buffers", d.buffers.count, at: "bufferViews[\(v)].buffer")
            let end = (view.byteOffset ?? 0) + view.byteLength
            if end > d.buffers[view.buffer].byteLength || end > buffers[view.buffer].count {
                throw GLTFError.bufferViewOutOfRange(bufferView: v, end: end, bufferLength: Swift.min(d.buffers[view.buffer].byteLength, buffers[view.buffer].count))
            }
        }
        for a in d.accessors.indices { _ = try accessorLayout(a) }
        for (t, texture) in d.textures.enumerated() {
            try ref(texture.source, "images", d.images.count, at: "textures[\(t)].source")
            try ref(texture.sampler, "samplers", d.samplers.count, at: "textures[\(t)].sampler")
        }
        for (i, image) in d.images.enumerated() {
            try ref(image.bufferView, "bufferViews", d.bufferViews.count, at: "images[\(i)].bufferView")
        }
        for (m, material) in d.materials.enumerated() {
            let infos: [(String, GLTFTextureInfo?)] = [
                ("baseColorTexture", material.pbrMetallicRoughness?.baseColorTexture),
                ("metallicRoughnessTexture", material.pbrMetallicRoughness?.metallicRoughnessTexture),
                ("normalTexture", material.normalTexture), ("occlusionTexture", material.occlusionTexture),
                ("emissiveTexture", material.emissiveTexture),
            ]
            for (name, info) in infos {
                try ref(info?.index, "textures", d.textures.count, at: "materials[\(m)].\(name)")
            }
        }
        for (s, skin) in d.skins.enumerated() {
            for j in skin.joints { try ref(j, "nodes", d.nodes.count, at: "skins[\(s)].joints") }
            try ref(skin.skeleton, "nodes", d.nodes.count, at: "skins[\(s)].skeleton")
            try ref(skin.inverseBindMatrices, "accessors", d.accessors.count, at: "skins[\(s)].inverseBindMatrices")
            if let ibm = skin.inverseBindMatrices, d.accessors[ibm].count < skin.joints.count {
                throw GLTFError.invalidAccessor(accessor: ibm, reason: "skins[\(s)] has \(skin.joints.count) joints but only \(d.accessors[ibm].count) inverse bind matrices")
            }
        }
        for (a, animation) in d.animations.enumerated() {
            for (s, sampler) in animation.samplers.enumerated() {
                try ref(sampler.input, "accessors", d.accessors.count, at: "animations[\(a)].samplers[\(s)].input")
                try ref(sampler.output, "accessors", d.accessors.count, at: "animations[\(a)].samplers[\(s)].output")
            }
            for (c, channel) in animation.channels.enumerated() {
                try ref(channel.sampler, "samplers", animation.samplers.count, at: "animations[\(a)].channels[\(c)].sampler")
                try ref(channel.target.node, "nodes", d.nodes.count, at: "animations[\(a)].channels[\(c)].target.node")
            }
        }
        for (m, mesh) in d.meshes.enumerated() {
            for (p, prim) in mesh.primitives.enumerated() {
                try validatePrimitive(mesh: m, primitive: p, prim)
            }
        }
    }

    private func validatePrimitive(mesh m: Int, primitive p: Int, _ prim: GLTFPrimitive) throws {
        let d = document
        let at = "meshes[\(m)].primitives[\(p)]"
        try ref(prim.material, "materials", d.materials.count, at)
        var vertexCount: Int?
        for (semantic, a) in prim.attributes.sorted(by: { $0.key < $1.key }) {
            try ref(a, "accessors", d.accessors.count, "\(at).attributes.\(semantic)")
            let count = d.accessors[a].count
            if let v = vertexCount, v != count {
                throw GLTFError.invalidPrimitive(mesh: m, primitive: p, reason: "attribute \(semantic) has \(count) elements, others have \(v)")
            }
            vertexCount = count
        }
        for (t, target) in (prim.targets ?? []).enumerated() {
            for (semantic, a) in target {
                try ref(a, "accessors", d.accessors.count, "\(at).targets[\(t)].\(semantic)")
                if let v = vertexCount, d.accessors[a].count != v {
                    throw GLTFError.invalidPrimitive(mesh: m, primitive: p, reason: "morph target \(t) \(semantic) has \(d.accessors[a].count) elements, the primitive has \(v) vertices")
                }
            }
        }
        if let pos = prim.attributes["POSITION"] {
            let values = try readFloats(accessor: pos)
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw GLTFError.nonFinitePosition(accessor: pos, element: bad / 3)
            }
        }
        if let ia = prim.indices {
            try ref(ia, "accessors", d.accessors.count, "\(at).indices")
            let indices = try readUInt32(accessor: ia)
            let n = vertexCount ?? 0
            if let bad = indices.firstIndex(where: { Int($0) >= n }) {
                throw GLTFError.indexOutOfRange(accessor: ia, element: bad, index: Int(indices[bad]), vertexCount: n)
            }
        }
    }

    private func ref(_ i: Int?, _ kind: String, _ count: Int, _ at: String) throws {
        if let i, i < 0 || i >= count { throw GLTFError.invalidReference(at: at, kind: kind, index: i) }
    }
}

extension GLTFAsset {
    /// glTF's node hierarchy must be a forest: no node is the child of two parents, none
    /// is its own child, and no chain of children leads back to where it started. Readers
    /// that walk the tree would otherwise loop or visit a subtree twice.
    /// - Throws: `GLTFError.invalidJSON` naming the node at fault.
    func checkNodeForest() throws {
        let nodes = document.nodes
        var parent = [Int](repeating: -1, count: nodes.count)
        for (n, node) in nodes.enumerated() {
            for c in node.children ?? [] {
                if c == n { throw GLTFError.invalidJSON("nodes[\(n)] lists itself among its children") }
                if parent[c] >= 0 {
                    throw GLTFError.invalidJSON("nodes[\(c)] is a child of both nodes[\(parent[c])] and nodes[\(n)]; the node tree must be a forest")
                }
                parent[c] = n
            }
        }
        // With one parent each, a cycle is a chain of parents that comes back to its start.
        var state = [UInt8](repeating: 0, count: nodes.count)   // 0 unvisited, 1 on the current chain, 2 done
        for start in nodes.indices where state[start] == 0 {
            var chain: [Int] = []
            var n = start
            while n >= 0 && state[n] == 0 { state[n] = 1; chain.append(n); n = parent[n] }
            if n >= 0 && state[n] == 1 {
                throw GLTFError.invalidJSON("nodes[\(n)] is its own ancestor (a cycle in the node tree)")
            }
            for c in chain { state[c] = 2 }
        }
    }
}
