import Foundation
import Geometry
import struct Imaging.Image8
import struct Rendering.Scene
import struct Rendering.GLTFSceneOptions
import Synthetic
import Testing
@testable import AssetPipeline
import Imaging
import GLTF

@Suite struct EngineExportTests {
    /// An n×n grid (two triangles per cell) with its triangles in a scrambled order.
    func scrambledGrid(_ n: Int) -> Mesh {
        var positions: [SIMD3<Float>] = [], tris: [[UInt32]] = []
        for j in 0...n { for i in 0...n { positions.append(SIMD3(Float(i), 0, Float(j))) } }
        func v(_ i: Int, _ j: Int) -> UInt32 { UInt32(j * (n + 1) + i) }
        for j in 0..<n { for i in 0..<n { tris += [[v(i, j), v(i, j + 1), v(i + 1, j + 1)], [v(i, j), v(i + 1, j + 1), v(i + 1, j)]] } }
        var rng = SplitMix64(seed: 3)
        for k in stride(from: tris.count - 1, to: 0, by: -1) { tris.swapAt(k, Int(rng.next() % UInt64(k + 1))) }
        var mesh = Mesh(positions: positions, indices: tris.flatMap { $0 })
        mesh.uv0 = positions.map { SIMD2($0.x / Float(n), $0.z / Float(n)) }
        mesh.materialIDs = (0..<tris.count).map { Int32($0 % 3) }
        return mesh
    }

    /// Triangles as rotation-invariant tuples of corner positions and materials.
    func triangleSet(_ m: Mesh) -> [String] {
        (0..<m.triangleCount).map { t -> String in
            let c = (0..<3).map { m.positions[Int(m.indices[3 * t + $0])] }
            let names = c.map { "\($0)" }
            let k = (0..<3).min { names[$0] < names[$1] }!
            return "\(c[k]) \(c[(k + 1) % 3]) \(c[(k + 2) % 3]) m\(m.material(ofTriangle: t))"
        }.sorted()
    }

    @Test func vertexOrderKeepsTrianglesAndHelpsTheCache() {
        let mesh = scrambledGrid(24)
        let out = mesh.optimizedForVertexOrder()
        #expect(triangleSet(out) == triangleSet(mesh))
        #expect(out.vertexCount == mesh.vertexCount)
        let before = vertexCacheStatistics(indices: mesh.indices, vertexCount: mesh.vertexCount)
        let after = vertexCacheStatistics(indices: out.indices, vertexCount: out.vertexCount)
        #expect(after.acmr < 0.8 && before.acmr > 1.5, "ACMR \(before.acmr) → \(after.acmr)")
        // Fetch order: vertices are numbered in first use.
        var next: UInt32 = 0
        for i in out.indices where i >= next { #expect(i == next); next = i + 1 }
        // UVs moved with their vertices.
        for (v, p) in out.positions.enumerated() { #expect(out.uv0![v] == SIMD2(p.x / 24, p.z / 24)) }
    }

    @Test func quantizedAssetReadsBackWithinTheGrid() throws {
        let asset = try checkerSphereAsset()
        var options = EngineExportOptions()
        options.quantize = true
        let (out, report) = try makeEngineReady(asset, options: options)
        #expect(report.quantizedPrimitives == 1 && report.floatPositions.isEmpty)
        let back = try GLTFAsset(data: try out.glbData(), baseURL: nil)
        #expect(back.document.extensionsRequired.contains("KHR_mesh_quantization"))
        let prim = back.document.meshes[0].primitives[0]
        #expect(back.document.accessors[prim.attributes["POSITION"]!].componentType == GLTFComponentType.unsignedShort.rawValue)
        if let n = prim.attributes["NORMAL"] { #expect(back.document.accessors[n].componentType == GLTFComponentType.byte.rawValue) }
        #expect(back.document.accessors[prim.attributes["TEXCOORD_0"]!].componentType == GLTFComponentType.unsignedShort.rawValue)
        // World-space surface (node transforms applied): the same up to the 16-bit grid.
        let a = try AssetLoader.worldMesh(asset), b = try AssetLoader.worldMesh(back)
        #expect(triangleSetCount(a) == triangleSetCount(b))
        let tolerance = Float(a.boundsDiagonal / 16383)
        let d = SurfaceDistance.measure(a, b, samples: 2000, seed: 1)
        #expect(d.hausdorff * d.diagonal < Double(tolerance) * 2)
        let scene = try Scene(gltf: back, options: GLTFSceneOptions(unlit: true))
        #expect(scene.meshes.count == 1 && scene.textures.count == 1)
    }

    func triangleSetCount(_ m: Mesh) -> Int { m.triangleCount }

    @Test(.enabled(if: SharedData.has("characters/CesiumMan.glb"), "needs ../shared/data/characters/CesiumMan.glb"))
    func skinnedQuantizationKeepsTheBindPose() throws {
        let url = try #require(SharedData.url("characters/CesiumMan.glb"))
        let asset = try GLTFAsset(contentsOf: url)
        var options = EngineExportOptions()
        options.quantize = true
        let (out, report) = try makeEngineReady(asset, options: options)
        #expect(report.floatPositions.isEmpty)
        let back = try GLTFAsset(data: try out.glbData(), baseURL: nil)
        #expect(back.document.animations.count == asset.document.animations.count)
        #expect(back.document.skins.map(\.joints) == asset.document.skins.map(\.joints))
        let before = try skinnedBindPose(asset), after = try skinnedBindPose(back)
        // Vertices were reordered: the largest distance from a vertex to its nearest counterpart.
        #expect(before.count == after.count)
        let lo = before.map { $0.y }.min()!, hi = before.map { $0.y }.max()!
        #expect(hi - lo > 1)                       // metres: CesiumMan is ~1.5 m tall
        var worst = 0.0
        for p in before {
            var best = Double.infinity
            for q in after { let d = p - q; best = min(best, (d * d).sum()) }
            worst = max(worst, best.squareRoot())
        }
        #expect(worst < 2e-4, "largest bind-pose difference \(worst) m")
    }

    /// Σ w_j · world(joint_j) · IBM_j · p for every vertex of mesh 0, primitive 0, at rest.
    func skinnedBindPose(_ asset: GLTFAsset) throws -> [SIMD3<Double>] {
        let doc = asset.document
        var parent = [Int](repeating: -1, count: doc.nodes.count)
        for (i, n) in doc.nodes.enumerated() { for c in n.children ?? [] { parent[c] = i } }
        func world(_ n: Int) -> Matrix4 {
            parent[n] >= 0 ? world(parent[n]) * doc.nodes[n].localMatrix : doc.nodes[n].localMatrix
        }
        let skin = doc.skins[0]
        let ibm = try asset.readDoubles(accessor: skin.inverseBindMatrices!)
        let joints = skin.joints.enumerated().map { j, node in (world(node) * Matrix4(columnMajor: Array(ibm[(16 * j)..<(16 * j + 16)]))).columnMajor }
        let prim = doc.meshes[0].primitives[0]
        let p = try asset.readDoubles(accessor: prim.attributes["POSITION"]!)
        let jn = try asset.readUInt32(accessor: prim.attributes["JOINTS_0"]!)
        let w = try asset.readDoubles(accessor: prim.attributes["WEIGHTS_0"]!)
        var out: [SIMD3<Double>] = []
        for v in 0..<(p.count / 3) {
            var q = SIMD3<Double>.zero
            let x = p[3 * v], y = p[3 * v + 1], z = p[3 * v + 2]
            for k in 0..<4 where w[4 * v + k] > 0 {
                let m = joints[Int(jn[4 * v + k])]
                let px: Double = m[0] * x + m[4] * y + m[8] * z + m[12]
                let py: Double = m[1] * x + m[5] * y + m[9] * z + m[13]
                let pz: Double = m[2] * x + m[6] * y + m[10] * z + m[14]
                q += w[4 * v + k] * SIMD3(px, py, pz)
            }
            out.append(q)
        }
        return out
    }

    @Test func unusedMaterialsAndImagesAreDroppedAndTexturesReencoded() throws {
        var asset = try checkerSphereAsset()
        asset.document.materials.append(GLTFMaterial(name: "unused"))
        asset.document.images.append(GLTFImage(uri: "orphan.png", mimeType: "image/png"))
        asset.imageData[1] = asset.imageData[0]
        var options = EngineExportOptions()
        options.textureFormat = .jpeg
        options.maxTextureSize = 32
        let (out, report) = try makeEngineReady(asset, options: options)
        #expect(report.removedMaterials == 1 && report.removedImages == 1)
        #expect(out.document.materials.map(\.name) == ["checker"])
        #expect(out.document.images.count == 1 && out.document.images[0].mimeType == "image/jpeg")
        let bytes = try #require(out.imageBytes(0))
        #expect(bytes.starts(with: [0xFF, 0xD8]))
        let size = try Image8.probeSize(bytes)
        #expect(size.width == 32 && size.height == 32)
    }

    @Test func aTextureThatIsNotAnImageFailsReencoding() throws {
        var asset = try checkerSphereAsset()
        asset.imageData[0] = Data("<html>not an image</html>".utf8)
        var options = EngineExportOptions()
        options.textureFormat = .jpeg
        #expect { _ = try makeEngineReady(asset, options: options) } throws: { "\($0)".contains("checker.png") }
    }
}
