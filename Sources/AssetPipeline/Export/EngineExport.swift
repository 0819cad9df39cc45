// The engine-ready step of `asset optimize`: vertex cache and fetch order (meshoptimizer),
// optional KHR_mesh_quantization, unused materials/textures/images dropped, textures
// re-encoded as PNG or JPEG and capped in size. Skins, animations, morph targets, nodes and
// extensions are kept. KTX2: Debian ships no KTX2 encoder (`apt-cache search ktx` finds
// none), so textures stay PNG/JPEG; see docs/atlas.md.
import Foundation
import Rendering
import Imaging
import GLTF
import Geometry

/// How textures are written.
public enum TextureOutputFormat: String, Sendable, CaseIterable, Codable {
    /// Bytes unchanged (re-encoded in their own format only when resized).
    case keep
    /// Every texture PNG.
    case png
    /// Every texture JPEG.
    case jpeg
    /// Colour textures (base colour, emissive) JPEG; data textures (normal,
    /// metallic-roughness, occlusion) keep their format (PNG stays lossless, so baked normals
    /// and roughness get no block artefacts; a JPEG source stays JPEG rather than grow as PNG).
    case colorJPEG = "color-jpeg"
}

/// What `makeEngineReady` does. The defaults reorder vertices and change nothing else.
public struct EngineExportOptions: Sendable {
    /// Reorder triangles for the post-transform vertex cache and vertices for fetch locality.
    public var optimizeVertexOrder = true
    /// Store attributes as normalized integers (KHR_mesh_quantization, required extension).
    public var quantize = false
    public var textureFormat: TextureOutputFormat = .keep
    /// JPEG quality 1…100.
    public var jpegQuality = 90
    /// Textures larger than this on either side are downscaled (aspect kept); nil: no cap.
    public var maxTextureSize: Int?
    /// Drop materials no primitive uses, and textures, images and samplers nothing uses.
    public var pruneUnused = true
    public init() {}

    public func validate() throws {
        guard (1...100).contains(jpegQuality) else { throw EngineExportError.invalidOptions("JPEG quality must be 1…100, got \(jpegQuality)") }
        if let m = maxTextureSize, m < 1 { throw EngineExportError.invalidOptions("maximum texture size must be ≥ 1, got \(m)") }
    }
}

public enum EngineExportError: Error, CustomStringConvertible, Equatable {
    case invalidOptions(String)
    /// An image could not be decoded for re-encoding or resizing.
    case badImage(image: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOptions(let why): "engine export: \(why)"
        case .badImage(let image, let reason): "engine export: texture image \(image) is not a readable image: \(reason)"
        }
    }
}

/// What `makeEngineReady` did.
public struct EngineExportReport: Sendable, Codable, Equatable {
    public var primitivesRewritten = 0
    /// Vertices transformed per triangle (16-entry FIFO), triangle-weighted over the rewritten
    /// primitives, before and after reordering.
    public var acmrBefore = 0.0
    public var acmrAfter = 0.0
    public var quantizedPrimitives = 0
    /// Meshes whose positions stayed float (and why), when quantizing.
    public var floatPositions: [String] = []
    public var imagesReencoded = 0
    public var removedMaterials = 0
    public var removedTextures = 0
    public var removedImages = 0
    public var warnings: [String] = []
}

/// Makes `asset` ready for engines (see the file header and `EngineExportOptions`).
/// - Throws: `EngineExportError`, `GLTFError`/`MeshError` for unreadable primitives.
public func makeEngineReady(_ asset: GLTFAsset, options: EngineExportOptions = EngineExportOptions())
    throws -> (asset: GLTFAsset, report: EngineExportReport) {
    try options.validate()
    var out = asset
    var report = EngineExportReport()
    let doc = asset.document

    // 1. Which meshes can hold quantized positions, and how they are dequantized.
    enum Placement { case node, skin(Int) }
    var placement: [Int: Placement] = [:]
    if options.quantize {
        var users: [Int: [Int]] = [:]
        for (n, node) in doc.nodes.enumerated() { if let m = node.mesh { users[m, default: []].append(n) } }
        let morphAnimated = Set(doc.animations.flatMap { $0.channels.filter { $0.target.path == "weights" }.compactMap(\.target.node) })
        for m in doc.meshes.indices {
            let rewritable = doc.meshes[m].primitives.allSatisfy { isRewritable($0) }
            guard rewritable else { report.floatPositions.append("meshes[\(m)]: a primitive is not rewritable"); continue }
            guard let u = users[m], !u.isEmpty else { report.floatPositions.append("meshes[\(m)]: no node uses it"); continue }
            let skins = Set(u.map { doc.nodes[$0].skin ?? -1 })
            if skins == [-1] {
                if u.contains(where: morphAnimated.contains) {
                    report.floatPositions.append("meshes[\(m)]: its node's morph weights are animated"); continue
                }
                placement[m] = .node
            } else if skins.count == 1, let s = skins.first, s >= 0, s < doc.skins.count {
                placement[m] = .skin(s)
            } else {
                report.floatPositions.append("meshes[\(m)]: used with and without a skin or with several skins")
            }
        }
        // A skin's meshes share one dequantization (folded into its inverse bind matrices):
        // if any of them stays float, all do.
        var skinMeshes: [Int: [Int]] = [:]
        for (n, node) in doc.nodes.enumerated() where node.skin != nil && node.mesh != nil { _ = n; skinMeshes[node.skin!, default: []].append(node.mesh!) }
        for (s, meshes) in skinMeshes where meshes.contains(where: { m in if case .skin(s) = placement[m] { return false } else { return true } }) {
            for m in meshes where placement[m] != nil {
                placement[m] = nil
                report.floatPositions.append("meshes[\(m)]: shares skins[\(s)] with a mesh that stays float")
            }
        }
    }

    // 2. Read every rewritable primitive; dequantization cubes per mesh or per skin.
    var meshesRead: [Int: [Int: Mesh]] = [:]
    for (m, mesh) in doc.meshes.enumerated() {
        for (p, prim) in mesh.primitives.enumerated() {
            guard isRewritable(prim) else {
                report.warnings.append("meshes[\(m)].primitives[\(p)]: attributes or mode not handled, kept as is"); continue
            }
            meshesRead[m, default: [:]][p] = try Mesh(gltf: asset, mesh: m, primitive: p)
        }
    }
    var dequantization: [Int: PositionDequantization] = [:]
    var skinDequantization: [Int: PositionDequantization] = [:]
    if options.quantize {
        var skinPoints: [Int: [SIMD3<Float>]] = [:]
        for (m, place) in placement {
            let points = (meshesRead[m] ?? [:]).values.flatMap(\.positions)
            switch place {
            case .node: dequantization[m] = PositionDequantization(bounding: points)
            case .skin(let s): skinPoints[s, default: []] += points
            }
        }
        for (s, points) in skinPoints { skinDequantization[s] = PositionDequantization(bounding: points) }
        for (m, place) in placement { if case .skin(let s) = place { dequantization[m] = skinDequantization[s] } }
    }

    // 3. Rewrite primitives: vertex order, then quantized attributes.
    var acmrBefore = 0.0, acmrAfter = 0.0, triangles = 0
    for m in meshesRead.keys.sorted() {
        for (p, mesh) in meshesRead[m]!.sorted(by: { $0.key < $1.key }) {
            let original = doc.meshes[m].primitives[p]
            var written = mesh
            if options.optimizeVertexOrder {
                written = mesh.optimizedForVertexOrder()
                acmrBefore += vertexCacheStatistics(indices: mesh.indices, vertexCount: mesh.vertexCount).acmr * Double(mesh.triangleCount)
                acmrAfter += vertexCacheStatistics(indices: written.indices, vertexCount: written.vertexCount).acmr * Double(written.triangleCount)
                triangles += mesh.triangleCount
            }
            var prim = out.appendPrimitive(written, like: original)
            if options.quantize {
                prim = out.quantizeAttributes(of: prim, mesh: written, dequantization: dequantization[m])
                report.quantizedPrimitives += 1
            }
            out.document.meshes[m].primitives[p] = prim
            report.primitivesRewritten += 1
        }
    }
    if triangles > 0 { report.acmrBefore = acmrBefore / Double(triangles); report.acmrAfter = acmrAfter / Double(triangles) }

    // 4. Put the dequantization back: child nodes, or the skins' inverse bind matrices.
    if options.quantize, report.quantizedPrimitives > 0 {
        for n in doc.nodes.indices {
            guard let m = doc.nodes[n].mesh, case .node = placement[m], let dq = dequantization[m] else { continue }
            var child = GLTFNode(name: (doc.nodes[n].name ?? "node\(n)") + "_dequantize")
            child.mesh = m
            child.translation = [dq.centre.x, dq.centre.y, dq.centre.z]
            child.scale = [dq.scale, dq.scale, dq.scale]
            child.weights = doc.nodes[n].weights
            out.document.nodes.append(child)
            out.document.nodes[n].mesh = nil
            out.document.nodes[n].weights = nil
            out.document.nodes[n].children = (doc.nodes[n].children ?? []) + [out.document.nodes.count - 1]
        }
        for (s, dq) in skinDequantization.sorted(by: { $0.key < $1.key }) {
            let joints = doc.skins[s].joints.count
            let ibm = try doc.skins[s].inverseBindMatrices.map { try asset.readDoubles(accessor: $0) }
                ?? [Double](repeating: 0, count: 0)
            var values: [Float] = []
            for j in 0..<joints {
                let m = ibm.count >= 16 * (j + 1) ? Matrix4(columnMajor: Array(ibm[(16 * j)..<(16 * j + 16)])) : .identity
                values += (m * dq.matrix).columnMajor.map(Float.init)
            }
            out.document.skins[s].inverseBindMatrices = out.appendAccessor(floats: values, type: .mat4)
        }
        // Readers that ignore skinning (trimesh) draw the bind pose through the node's own
        // transform, which glTF ignores for skinned meshes: fold the dequantization into it
        // too when that moves nothing else (no children, not animated), as gltfpack does.
        let animatedNodes = Set(doc.animations.flatMap { $0.channels.compactMap(\.target.node) })
        for n in doc.nodes.indices {
            guard let m = doc.nodes[n].mesh, case .skin = placement[m], let dq = dequantization[m],
                  (doc.nodes[n].children ?? []).isEmpty, !animatedNodes.contains(n) else { continue }
            out.document.nodes[n].matrix = (doc.nodes[n].localMatrix * dq.matrix).columnMajor
            out.document.nodes[n].translation = nil
            out.document.nodes[n].rotation = nil
            out.document.nodes[n].scale = nil
        }
        for ext in ["KHR_mesh_quantization"] {
            if !out.document.extensionsUsed.contains(ext) { out.document.extensionsUsed.append(ext) }
            if !out.document.extensionsRequired.contains(ext) { out.document.extensionsRequired.append(ext) }
        }
    }

    // 5. Materials, textures, images.
    if options.pruneUnused { pruneUnusedMaterials(&out, report: &report) }
    try encodeTextures(&out, options: options, report: &report)
    return (out, report)
}

/// A triangle primitive whose attributes a `Mesh` carries completely.
private func isRewritable(_ prim: GLTFPrimitive) -> Bool {
    [.triangles, .triangleStrip, .triangleFan].contains(prim.topology) && Set(prim.attributes.keys).isSubset(of: meshCarriedSemantics)
        && prim.attributes["POSITION"] != nil
}

/// Drops materials no primitive uses; then (when no material or texture carries extensions,
/// which could reference textures or images) textures, images and samplers nothing uses.
private func pruneUnusedMaterials(_ asset: inout GLTFAsset, report: inout EngineExportReport) {
    var doc = asset.document
    var materialUsed = [Bool](repeating: false, count: doc.materials.count)
    for mesh in doc.meshes { for p in mesh.primitives { if let m = p.material, m >= 0, m < materialUsed.count { materialUsed[m] = true } } }
    var materialMap = [Int](repeating: -1, count: doc.materials.count)
    var kept: [GLTFMaterial] = []
    for (i, m) in doc.materials.enumerated() where materialUsed[i] { materialMap[i] = kept.count; kept.append(m) }
    report.removedMaterials = doc.materials.count - kept.count
    doc.materials = kept
    for m in doc.meshes.indices { for p in doc.meshes[m].primitives.indices {
        if let old = doc.meshes[m].primitives[p].material, old >= 0, old < materialMap.count {
            doc.meshes[m].primitives[p].material = materialMap[old]
        }
    } }
    // Variants and other material extensions may name materials or textures: stop here.
    let materialExtensions = doc.materials.contains { !($0.extensions ?? [:]).isEmpty }
    let textureExtensions = doc.textures.contains { !($0.extensions ?? [:]).isEmpty }
    if materialExtensions || textureExtensions || doc.extensionsUsed.contains("KHR_materials_variants") {
        asset.document = doc; return
    }
    var textureUsed = [Bool](repeating: false, count: doc.textures.count)
    func infos(_ m: GLTFMaterial) -> [GLTFTextureInfo?] {
        [m.pbrMetallicRoughness?.baseColorTexture, m.pbrMetallicRoughness?.metallicRoughnessTexture, m.normalTexture,
         m.occlusionTexture, m.emissiveTexture]
    }
    for m in doc.materials { for case let info? in infos(m) where info.index >= 0 && info.index < textureUsed.count { textureUsed[info.index] = true } }
    var textureMap = [Int](repeating: -1, count: doc.textures.count)
    var textures: [GLTFTexture] = []
    for (i, t) in doc.textures.enumerated() where textureUsed[i] { textureMap[i] = textures.count; textures.append(t) }
    func remap(_ info: GLTFTextureInfo?) -> GLTFTextureInfo? {
        guard var info else { return nil }
        if info.index >= 0, info.index < textureMap.count { info.index = textureMap[info.index] }
        return info
    }
    for i in doc.materials.indices {
        var m = doc.materials[i]
        if var pbr = m.pbrMetallicRoughness {
            pbr.baseColorTexture = remap(pbr.baseColorTexture)
            pbr.metallicRoughnessTexture = remap(pbr.metallicRoughnessTexture)
            m.pbrMetallicRoughness = pbr
        }
        m.normalTexture = remap(m.normalTexture)
        m.occlusionTexture = remap(m.occlusionTexture)
        m.emissiveTexture = remap(m.emissiveTexture)
        doc.materials[i] = m
    }
    report.removedTextures = doc.textures.count - textures.count
    doc.textures = textures
    var imageUsed = [Bool](repeating: false, count: doc.images.count)
    var samplerUsed = [Bool](repeating: false, count: doc.samplers.count)
    for t in doc.textures {
        if let s = t.source, s >= 0, s < imageUsed.count { imageUsed[s] = true }
        if let s = t.sampler, s >= 0, s < samplerUsed.count { samplerUsed[s] = true }
    }
    var imageMap = [Int](repeating: -1, count: doc.images.count)
    var images: [GLTFImage] = []
    var imageData: [Int: Data] = [:]
    for (i, im) in doc.images.enumerated() where imageUsed[i] {
        imageMap[i] = images.count
        if let bytes = asset.imageData[i] { imageData[images.count] = bytes }
        images.append(im)
    }
    var samplerMap = [Int](repeating: -1, count: doc.samplers.count)
    var samplers: [GLTFSampler] = []
    for (i, s) in doc.samplers.enumerated() where samplerUsed[i] { samplerMap[i] = samplers.count; samplers.append(s) }
    for i in doc.textures.indices {
        if let s = doc.textures[i].source, s >= 0, s < imageMap.count { doc.textures[i].source = imageMap[s] }
        if let s = doc.textures[i].sampler, s >= 0, s < samplerMap.count { doc.textures[i].sampler = samplerMap[s] }
    }
    report.removedImages = doc.images.count - images.count
    doc.images = images
    doc.samplers = samplers
    asset.document = doc
    asset.imageData = imageData
}

/// Re-encodes and caps textures as `options` say. Images used as the base colour of a
/// non-opaque material keep their bytes (the decoder reads RGB only, and alpha must stay).
private func encodeTextures(_ asset: inout GLTFAsset, options: EngineExportOptions, report: inout EngineExportReport) throws {
    let doc = asset.document
    var roles: [Int: Set<Int>] = [:]          // image → roles (0 colour, 1 data, 2 alpha)
    func mark(_ info: GLTFTextureInfo?, _ role: Int) {
        guard let info, info.index >= 0, info.index < doc.textures.count, let s = doc.textures[info.index].source else { return }
        roles[s, default: []].insert(role)
    }
    for m in doc.materials {
        let opaque = (m.alphaMode ?? "OPAQUE") == "OPAQUE"
        mark(m.pbrMetallicRoughness?.baseColorTexture, opaque ? 0 : 2)
        mark(m.emissiveTexture, 0)
        mark(m.pbrMetallicRoughness?.metallicRoughnessTexture, 1)
        mark(m.normalTexture, 1)
        mark(m.occlusionTexture, 1)
    }
    for i in doc.images.indices {
        let r = roles[i] ?? []
        guard !r.contains(2), let bytes = asset.imageBytes(i) else { continue }
        let isJPEG = bytes.starts(with: [0xFF, 0xD8])
        let wantJPEG: Bool
        switch options.textureFormat {
        case .keep: wantJPEG = isJPEG
        case .png: wantJPEG = false
        case .jpeg: wantJPEG = true
        case .colorJPEG: wantJPEG = r == [0] || isJPEG
        }
        var size: (width: Int, height: Int)
        do { size = try Image8.probeSize(bytes) } catch {
            throw EngineExportError.badImage(image: asset.imageName(i), reason: "\(error)")
        }
        let tooLarge = options.maxTextureSize.map { size.width > $0 || size.height > $0 } ?? false
        guard tooLarge || wantJPEG != isJPEG else { continue }
        var image: Image8
        do { image = try Image8(decoding: bytes, channels: 3, name: asset.imageName(i)) } catch {
            throw EngineExportError.badImage(image: asset.imageName(i), reason: "\(error)")
        }
        if let cap = options.maxTextureSize, tooLarge {
            let s = Double(cap) / Double(max(image.width, image.height))
            image = image.resized(width: max(1, Int((Double(image.width) * s).rounded())), height: max(1, Int((Double(image.height) * s).rounded())))
        }
        let encoded = try image.encoded(wantJPEG ? .jpeg : .png, quality: options.jpegQuality)
        let stem = doc.images[i].uri.flatMap { $0.hasPrefix("data:") ? nil : URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            ?? "image\(i)"
        asset.document.images[i].uri = stem + (wantJPEG ? ".jpg" : ".png")
        asset.document.images[i].bufferView = nil
        asset.document.images[i].mimeType = wantJPEG ? "image/jpeg" : "image/png"
        asset.imageData[i] = encoded
        report.imagesReencoded += 1
    }
}
