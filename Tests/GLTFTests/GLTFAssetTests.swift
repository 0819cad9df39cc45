import Foundation
import Synthetic
import Testing
@testable import AssetPipeline
@testable import GLTF

/// A one-triangle asset built with the writer API (positions, indices, one material).
private func triangleAsset(positions: [Float] = [0, 0, 0, 1, 0, 0, 0, 1, 0], indices: [UInt32] = [0, 1, 2]) -> GLTFAsset {
    var asset = GLTFAsset()
    let pos = asset.appendAccessor(floats: positions, type: .vec3, target: .arrayBuffer, minMax: true)
    let idx = asset.appendAccessor(uints: indices, componentType: .unsignedShort, target: .elementArrayBuffer)
    asset.document.meshes = [GLTFMesh(primitives: [GLTFPrimitive(attributes: ["POSITION": pos], indices: idx)])]
    asset.document.nodes = [GLTFNode(name: "tri")]
    asset.document.nodes[0].mesh = 0
    asset.document.scenes = [GLTFScene(nodes: [0])]
    asset.document.scene = 0
    return asset
}

/// Replaces the JSON of a GLB by `edit(json object)` and returns new GLB bytes.
private func editJSON(_ asset: GLTFAsset, _ edit: (inout [String: Any]) -> Void) throws -> Data {
    let glb = try asset.glbData()
    let (json, bin) = try GLTFAsset.splitGLB(glb)
    var object = try JSONSerialization.jsonObject(with: json) as! [String: Any]
    edit(&object)
    return makeGLB(json: try JSONSerialization.data(withJSONObject: object), bin: bin)
}

private func makeGLB(json: Data, bin: Data?) -> Data {
    var j = json; while j.count % 4 != 0 { j.append(0x20) }
    var b = bin ?? Data(); while b.count % 4 != 0 { b.append(0) }
    var out = Data()
    func u32(_ v: Int) { var x = UInt32(v).littleEndian; withUnsafeBytes(of: &x) { out.append(contentsOf: $0) } }
    out.append(contentsOf: Array("glTF".utf8)); u32(2); u32(12 + 8 + j.count + (bin == nil ? 0 : 8 + b.count))
    u32(j.count); u32(0x4E4F_534A); out.append(j)
    if bin != nil { u32(b.count); u32(0x004E_4942); out.append(b) }
    return out
}

private func expectError(_ expected: GLTFError, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(expected), got no error")
    } catch let error as GLTFError {
        #expect(error == expected)
    } catch {
        Issue.record("expected \(expected), got \(error)")
    }
}

@Suite struct GLTFAssetTests {
    @Test func writerAndReaderAgreeOnATriangle() throws {
        let asset = triangleAsset()
        let back = try GLTFAsset(data: try asset.glbData(), baseURL: nil)
        #expect(try back.readFloats(accessor: 0) == [0, 0, 0, 1, 0, 0, 0, 1, 0])
        #expect(try back.readUInt32(accessor: 1) == [0, 1, 2])
        #expect(back.document.accessors[0].min == [0, 0, 0])
        #expect(back.document.accessors[0].max == [1, 1, 0])
        #expect(back.document.nodes == asset.document.nodes)
    }

    @Test func normalizedAndSparseAccessorsDecodeBySpec() throws {
        var asset = GLTFAsset()
        // UNSIGNED_BYTE normalized: 0, 51, 255 -> 0, 0.2, 1. BYTE normalized: -128 -> -1, 127 -> 1.
        let ub = asset.appendAccessor(uints: [0, 51, 255], componentType: .unsignedByte, normalized: true)
        let sb = asset.appendAccessor(uints: [UInt32(bitPattern: -128), UInt32(bitPattern: -64), 127], componentType: .byte, normalized: true)
        #expect(try asset.readFloats(accessor: ub) == [0, 0.2, 1])
        #expect(try asset.readFloats(accessor: sb) == [-1, Float(-64.0 / 127.0), 1])
        // Sparse: base [1,2,3,4] with element 2 replaced by 30 and element 0 by 10.
        let base = asset.appendAccessor(floats: [1, 2, 3, 4], type: .scalar)
        let idxView = asset.appendBufferView(Data([2, 0]))
        var vals = Data(); for v: Float in [30, 10] { var b = v.bitPattern.littleEndian; withUnsafeBytes(of: &b) { vals.append(contentsOf: $0) } }
        let valView = asset.appendBufferView(vals)
        asset.document.accessors[base].sparse = GLTFSparse(
            count: 2, indices: .init(bufferView: idxView, componentType: 5121), values: .init(bufferView: valView))
        #expect(try asset.readFloats(accessor: base) == [10, 2, 30, 4])
        // Sparse without a bufferView starts from zeros.
        var zeroBased = asset.document.accessors[base]; zeroBased.bufferView = nil
        asset.document.accessors.append(zeroBased)
        #expect(try asset.readFloats(accessor: asset.document.accessors.count - 1) == [10, 0, 30, 0])
    }

    @Test func unknownFieldsExtensionsAndExtrasSurvive() throws {
        var asset = triangleAsset()
        asset.document.extensionsUsed = ["VENDOR_custom"]
        asset.document.extras = .object(["author": .string("x")])
        asset.document.nodes[0].extensions = ["VENDOR_custom": .object(["k": .array([.number(1), .bool(true), .null])])]
        asset.document.meshes[0].primitives[0].extras = .object(["lod": .number(0)])
        asset.document.unknown["vendorRoot"] = .number(3.5)
        let back = try GLTFAsset(data: try asset.glbData(), baseURL: nil)
        #expect(back.document.extras == asset.document.extras)
        #expect(back.document.nodes[0].extensions == asset.document.nodes[0].extensions)
        #expect(back.document.meshes[0].primitives[0].extras == asset.document.meshes[0].primitives[0].extras)
        #expect(back.document.unknown["vendorRoot"] == .number(3.5))
        #expect(back.document.extensionsUsed == ["VENDOR_custom"])
    }

    @Test func badJSONIsNamed() {
        do {
            _ = try GLTFAsset(data: Data("{\"asset\": {\"version\": \"2.0\"}, \"nodes\": [ {\"mesh\": \"x\"} ]}".utf8), baseURL: nil)
            Issue.record("no error")
        } catch let GLTFError.invalidJSON(message) {
            #expect(message.contains("nodes[0].mesh"))
        } catch { Issue.record("unexpected \(error)") }
        expectError(.invalidJSON("The given data was not valid JSON. at root")) {
            _ = try GLTFAsset(data: Data("{not json".utf8), baseURL: nil)
        }
    }

    /// A node graph that is not a forest is refused with the node named: a self-child, a
    /// node with two parents, and a three-node cycle that no scene root reaches.
    @Test(arguments: [
        ("[{\"children\":[0]}]", "nodes[0] lists itself"),
        ("[{\"children\":[2]},{\"children\":[2]},{}]", "nodes[2] is a child of both nodes[0] and nodes[1]"),
        ("[{},{\"children\":[2]},{\"children\":[3]},{\"children\":[1]}]", "is its own ancestor"),
    ])
    func nodeGraphThatIsNotAForestIsRefused(nodes: String, expected: String) {
        let json = "{\"asset\": {\"version\": \"2.0\"}, \"scenes\": [{\"nodes\": [0]}], \"nodes\": \(nodes)}"
        do {
            _ = try GLTFAsset(data: Data(json.utf8), baseURL: nil)
            Issue.record("accepted \(nodes)")
        } catch let GLTFError.invalidJSON(message) {
            #expect(message.contains(expected), "\(message)")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func accessorPastItsBufferViewIsNamed() throws {
        let glb = try editJSON(triangleAsset()) { json in
            var accessors = json["accessors"] as! [[String: Any]]
            accessors[0]["count"] = 10
            json["accessors"] = accessors
        }
        expectError(.accessorOutOfRange(accessor: 0, count: 10)) { _ = try GLTFAsset(data: glb, baseURL: nil) }
    }

    @Test func bufferShorterThanDeclaredIsNamed() throws {
        let glb = try editJSON(triangleAsset()) { json in
            var buffers = json["buffers"] as! [[String: Any]]
            buffers[0]["byteLength"] = 4096
            json["buffers"] = buffers
        }
        expectError(.bufferTooShort(buffer: 0, byteLength: 4096, actual: 44)) { _ = try GLTFAsset(data: glb, baseURL: nil) }
    }

    @Test func indexOutOfRangeIsNamed() throws {
        let asset = triangleAsset(indices: [0, 1, 7])
        expectError(.indexOutOfRange(accessor: 1, element: 2, index: 7, vertexCount: 3)) {
            _ = try GLTFAsset(data: try asset.glbData(), baseURL: nil)
        }
    }

    @Test func nanPositionIsNamed() throws {
        let asset = triangleAsset(positions: [0, 0, 0, 1, 0, 0, 0, .nan, 0])
        expectError(.nonFinitePosition(accessor: 0, element: 2)) {
            _ = try GLTFAsset(data: try asset.glbData(), baseURL: nil)
        }
    }

    @Test func missingTextureFileIsNamed() throws {
        var asset = triangleAsset()
        asset.document.images = [GLTFImage(uri: "albedo.png")]
        let json = try GLTFAsset.encodeJSON(asset.document, pretty: false)
        let dir = try SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try GLTFAsset(data: makeGLB(json: json, bin: asset.buffers[0]), baseURL: dir)
            Issue.record("no error")
        } catch let GLTFError.missingFile(uri, _) {
            #expect(uri == "albedo.png")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func unsupportedRequiredExtensionIsNamed() throws {
        var asset = triangleAsset()
        asset.document.extensionsUsed = ["KHR_draco_mesh_compression"]
        asset.document.extensionsRequired = ["KHR_draco_mesh_compression"]
        let glb = makeGLB(json: try GLTFAsset.encodeJSON(asset.document, pretty: false), bin: asset.buffers[0])
        expectError(.unsupportedRequiredExtension("KHR_draco_mesh_compression")) { _ = try GLTFAsset(data: glb, baseURL: nil) }
    }

    @Test func truncatedGLBIsNamed() throws {
        let glb = try triangleAsset().glbData()
        #expect(throws: GLTFError.self) { _ = try GLTFAsset(data: glb.prefix(glb.count - 8), baseURL: nil) }
        expectError(.invalidGLB("file is 10 bytes, shorter than a GLB header")) { _ = try GLTFAsset(data: glb.prefix(10), baseURL: nil) }
    }

    @Test func writingDropsUnreferencedAccessors() throws {
        var asset = triangleAsset()
        asset.appendAccessor(floats: [Float](repeating: 1, count: 3000), type: .vec3)
        let glb = try asset.glbData()
        let back = try GLTFAsset(data: glb, baseURL: nil)
        #expect(back.document.accessors.count == 2)
        #expect(glb.count < 1000)  // the dropped accessor alone was 12 kB
    }

    // MARK: Round trips on the shared data

    static let roundTripFiles = [
        "characters/CesiumMan.glb", "characters/robot.glb", "characters/rigged_figure.glb",
        "meshes/Barrel/barrel.glb", "meshes/DamagedHelmet/glTF/DamagedHelmet.gltf",
    ]

    @Test(.enabled(if: roundTripFiles.allSatisfy { SharedData.has($0) }, "needs the characters and meshes under ../shared/data"),
          arguments: roundTripFiles, ["glb", "gltf"])
    func roundTripLosesNothing(file: String, format: String) throws {
        let url = try #require(SharedData.url(file))
        let original = try GLTFAsset(contentsOf: url)
        let dir = try SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("copy.\(format)")
        try original.write(to: out)
        let back = try GLTFAsset(contentsOf: out)
        let a = original.document, b = back.document
        #expect(a.accessors.count == b.accessors.count)
        #expect(a.nodes == b.nodes)
        #expect(a.meshes == b.meshes)
        #expect(a.skins == b.skins)
        #expect(a.animations == b.animations)
        #expect(a.materials == b.materials)
        #expect(a.textures == b.textures)
        #expect(a.samplers == b.samplers)
        #expect(a.scenes == b.scenes)
        #expect(a.images.count == b.images.count)
        #expect(a.extras == b.extras && a.extensions == b.extensions)
        for i in a.accessors.indices {
            #expect(try original.readFloats(accessor: i) == back.readFloats(accessor: i), "accessor \(i)")
            #expect(a.accessors[i].componentType == b.accessors[i].componentType)
            #expect(a.accessors[i].normalized == b.accessors[i].normalized)
        }
        for i in a.images.indices {
            let bytesA = try imageBytes(original, i), bytesB = try imageBytes(back, i)
            #expect(bytesA == bytesB, "image \(i)")
        }
    }

    private func imageBytes(_ asset: GLTFAsset, _ i: Int) throws -> Data {
        if let d = asset.imageData[i] { return d }
        let view = asset.document.bufferViews[try #require(asset.document.images[i].bufferView)]
        let buffer = asset.buffers[view.buffer]
        let start = buffer.startIndex + (view.byteOffset ?? 0)
        return buffer[start ..< start + view.byteLength]
    }
}
