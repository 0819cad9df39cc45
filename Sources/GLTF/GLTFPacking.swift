import Foundation

extension GLTFAsset {
    /// Extensions known not to reference accessors or buffer views, so unreferenced ones can
    /// be dropped safely when they are in use. With any other extension present, packing
    /// keeps every accessor and buffer view (it still merges buffers).
    static let pruneSafeExtensions: Set<String> = supportedRequiredExtensions.union([
        "KHR_lights_punctual", "KHR_materials_variants", "KHR_materials_iridescence",
        "KHR_materials_anisotropy", "KHR_materials_dispersion", "KHR_xmp_json_ld",
        "KHR_materials_pbrSpecularGlossiness",
    ])

    /// A copy with all buffers merged into one (buffer 0), unreferenced accessors and buffer
    /// views dropped (when safe, see `pruneSafeExtensions`), and, with `embedImages`, every
    /// URI image moved into a buffer view. Indices in the document are remapped.
    func packed(embedImages: Bool) throws -> GLTFAsset {
        var doc = document
        let canPrune = Set(doc.extensionsUsed).isSubset(of: Self.pruneSafeExtensions)

        // 1. Accessors referenced by meshes, skins and animations.
        var accessorMap = [Int](repeating: -1, count: doc.accessors.count)
        if canPrune {
            var used = [Bool](repeating: false, count: doc.accessors.count)
            func mark(_ i: Int?) { if let i, i >= 0, i < used.count { used[i] = true } }
            for m in doc.meshes { for p in m.primitives {
                p.attributes.values.forEach(mark); mark(p.indices)
                p.targets?.forEach { $0.values.forEach(mark) }
            } }
            for s in doc.skins { mark(s.inverseBindMatrices) }
            for a in doc.animations { for s in a.samplers { mark(s.input); mark(s.output) } }
            var next = 0
            for i in used.indices where used[i] { accessorMap[i] = next; next += 1 }
        } else {
            accessorMap = Array(doc.accessors.indices)
        }
        let accessors = doc.accessors.indices.filter { accessorMap[$0] >= 0 }.map { doc.accessors[$0] }
        func remapAccessor(_ i: Int?) -> Int? { i.map { accessorMap[$0] } }
        for m in doc.meshes.indices { for p in doc.meshes[m].primitives.indices {
            var prim = doc.meshes[m].primitives[p]
            prim.attributes = prim.attributes.mapValues { accessorMap[$0] }
            prim.indices = remapAccessor(prim.indices)
            prim.targets = prim.targets?.map { $0.mapValues { accessorMap[$0] } }
            doc.meshes[m].primitives[p] = prim
        } }
        for s in doc.skins.indices { doc.skins[s].inverseBindMatrices = remapAccessor(doc.skins[s].inverseBindMatrices) }
        for a in doc.animations.indices { for s in doc.animations[a].samplers.indices {
            doc.animations[a].samplers[s].input = accessorMap[doc.animations[a].samplers[s].input]
            doc.animations[a].samplers[s].output = accessorMap[doc.animations[a].samplers[s].output]
        } }
        doc.accessors = accessors

        // 2. Buffer views referenced by the kept accessors and by images.
        var viewUsed = [Bool](repeating: !canPrune, count: doc.bufferViews.count)
        func markView(_ i: Int?) { if let i, i >= 0, i < viewUsed.count { viewUsed[i] = true } }
        for a in doc.accessors { markView(a.bufferView); markView(a.sparse?.indices.bufferView); markView(a.sparse?.values.bufferView) }
        for im in doc.images { markView(im.bufferView) }

        // 3. Copy the kept views into one new buffer, 4-byte aligned.
        var bin = Data()
        var views: [GLTFBufferView] = []
        var viewMap = [Int](repeating: -1, count: doc.bufferViews.count)
        for (i, view) in doc.bufferViews.enumerated() where viewUsed[i] {
            guard view.buffer >= 0, view.buffer < buffers.count else {
                throw GLTFError.invalidReference(at: "bufferViews[\(i)]", kind: "buffers", index: view.buffer)
            }
            let source = buffers[view.buffer]
            let start = source.startIndex + (view.byteOffset ?? 0)
            guard start + view.byteLength <= source.endIndex else {
                throw GLTFError.bufferViewOutOfRange(bufferView: i, end: (view.byteOffset ?? 0) + view.byteLength, bufferLength: source.count)
            }
            while bin.count % 4 != 0 { bin.append(0) }
            var copy = view
            copy.buffer = 0
            copy.byteOffset = bin.count == 0 ? nil : bin.count
            bin.append(source[start ..< start + view.byteLength])
            viewMap[i] = views.count
            views.append(copy)
        }
        for a in doc.accessors.indices {
            if let v = doc.accessors[a].bufferView { doc.accessors[a].bufferView = viewMap[v] }
            if var sparse = doc.accessors[a].sparse {
                sparse.indices.bufferView = viewMap[sparse.indices.bufferView]
                sparse.values.bufferView = viewMap[sparse.values.bufferView]
                doc.accessors[a].sparse = sparse
            }
        }
        for i in doc.images.indices { if let v = doc.images[i].bufferView { doc.images[i].bufferView = viewMap[v] } }
        doc.bufferViews = views

        // 4. Images given by URI, embedded as buffer views when asked.
        var images = imageData
        if embedImages {
            for (i, image) in doc.images.enumerated() {
                guard let uri = image.uri, let bytes = imageData[i] else { continue }
                while bin.count % 4 != 0 { bin.append(0) }
                doc.bufferViews.append(GLTFBufferView(buffer: 0, byteOffset: bin.count, byteLength: bytes.count))
                bin.append(bytes)
                doc.images[i].bufferView = doc.bufferViews.count - 1
                doc.images[i].uri = nil
                if doc.images[i].mimeType == nil { doc.images[i].mimeType = Self.mimeType(uri: uri, bytes: bytes) }
                images[i] = nil
            }
        }
        let keepBuffer = !doc.bufferViews.isEmpty
        var firstBuffer = doc.buffers.first ?? GLTFBuffer(byteLength: 0)
        firstBuffer.byteLength = bin.count
        firstBuffer.uri = nil
        doc.buffers = keepBuffer ? [firstBuffer] : []
        return GLTFAsset(document: doc, buffers: keepBuffer ? [bin] : [], imageData: images)
    }

    package static func mimeType(uri: String, bytes: Data) -> String {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8]) { return "image/jpeg" }
        let ext = (uri as NSString).pathExtension.lowercased()
        switch ext {
        case "png": return "image/png"
        case "webp": return "image/webp"
        case "ktx2": return "image/ktx2"
        default: return "image/jpeg"
        }
    }
}
