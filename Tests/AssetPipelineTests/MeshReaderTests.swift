import Foundation
import Synthetic
import Testing
@testable import AssetPipeline

@Suite struct MeshReaderTests {
    @Test func objQuadWithTexcoordsNormalsAndMaterials() throws {
        let text = """
        # a quad split into two materials
        v 0 0 0
        v 1 0 0
        v 1 1 0
        v 0 1 0
        vt 0 0
        vt 1 0
        vt 1 1
        vt 0 1
        vn 0 0 1
        usemtl red
        f 1/1/1 2/2/1 3/3/1
        usemtl blue
        f -4/-4/-1 -2/-2/-1 -1/-1/-1
        """
        let (mesh, materials) = try OBJReader.parse(Data(text.utf8), name: "quad.obj", baseURL: nil)
        #expect(mesh.triangleCount == 2)
        #expect(mesh.vertexCount == 4)
        #expect(mesh.indices == [0, 1, 2, 0, 2, 3])
        #expect(materials.map(\.name) == ["red", "blue"])
        #expect(mesh.materialIDs == [0, 1])
        #expect(mesh.uv0![2] == SIMD2(1, 0))   // v flipped to glTF's top-left origin
        #expect(mesh.normals![0] == SIMD3(0, 0, 1))
    }

    @Test func objErrorsNameTheLine() {
        let text = "v 0 0 0\nv 1 0 0\nf 1 2 9\n"
        #expect(throws: MeshError.parse(file: "bad.obj", line: 3, reason: "vertex index 9 is out of range (2 defined)")) {
            _ = try OBJReader.parse(Data(text.utf8), name: "bad.obj", baseURL: nil)
        }
    }

    @Test func plyAsciiAndBinaryAgree() throws {
        let header = { (format: String) in """
        ply
        format \(format) 1.0
        element vertex 4
        property float x
        property float y
        property float z
        property uchar red
        property uchar green
        property uchar blue
        element face 1
        property list uchar int vertex_indices
        end_header

        """ }
        let ascii = header("ascii") + "0 0 0 255 0 0\n1 0 0 0 255 0\n1 1 0 0 0 255\n0 1 0 255 255 255\n4 0 1 2 3\n"
        let a = try PLYReader.parse(Data(ascii.utf8), name: "a.ply")
        var binary = Data(header("binary_little_endian").utf8)
        let verts: [(Float, Float, Float, UInt8, UInt8, UInt8)] = [(0, 0, 0, 255, 0, 0), (1, 0, 0, 0, 255, 0), (1, 1, 0, 0, 0, 255), (0, 1, 0, 255, 255, 255)]
        for v in verts {
            for f in [v.0, v.1, v.2] { var b = f.bitPattern.littleEndian; withUnsafeBytes(of: &b) { binary.append(contentsOf: $0) } }
            binary.append(contentsOf: [v.3, v.4, v.5])
        }
        binary.append(4)
        for i: Int32 in [0, 1, 2, 3] { var b = i.littleEndian; withUnsafeBytes(of: &b) { binary.append(contentsOf: $0) } }
        let b = try PLYReader.parse(binary, name: "b.ply")
        #expect(a == b)
        #expect(a.indices == [0, 1, 2, 0, 2, 3])
        #expect(a.colors![1] == SIMD4(0, 1, 0, 1))
        // Truncated binary body is named.
        #expect(throws: MeshError.self) { _ = try PLYReader.parse(binary.prefix(binary.count - 3), name: "b.ply") }
    }

    @Test(.enabled(if: SharedData.has("meshes/stanford-bunny.obj") && SharedData.has("meshes/spot/spot_triangulated.obj"),
                   "needs ../shared/data/meshes (stanford-bunny.obj, spot)"))
    func sharedMeshesLoad() throws {
        let bunny = try #require(SharedData.url("meshes/stanford-bunny.obj"))
        let spot = try #require(SharedData.url("meshes/spot/spot_triangulated.obj"))
        let b = try AssetLoader.worldMesh(AssetLoader.load(bunny))
        #expect(b.triangleCount == 69451)
        // spot has UVs but no MTL file (its texture sits beside it, unreferenced).
        let s = try AssetLoader.load(spot)
        #expect(s.document.meshes[0].primitives[0].attributes["TEXCOORD_0"] != nil)
        #expect(try AssetSummary(s).triangles == 5856)
    }
}
