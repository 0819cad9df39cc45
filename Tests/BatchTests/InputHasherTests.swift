import Foundation
import Testing
@testable import Batch

@Suite struct InputHasherTests {
    /// An OBJ's material library and its texture are inputs too: editing the texture changes
    /// the job's hash (so the job runs again), while the stamp lets unchanged files be skipped.
    @Test func referencedFilesCountAsInputs() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        try box.write("asset/mesh.obj", "# mesh\nmtllib mesh.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nusemtl skin\nf 1 2 3\n")
        try box.write("asset/mesh.mtl", "newmtl skin\n  map_Kd textures/skin.png\n")
        try box.write("asset/textures/skin.png", "png v1")
        let manifest = try box.manifest("jobs:\n  - {kind: copy, input: asset/mesh.obj, output: out/mesh.obj}\n")
        let job = manifest.jobs[0]
        let files = InputHasher.files(of: job)
        #expect(files == ["asset/mesh.mtl", "asset/mesh.obj", "asset/textures/skin.png"].map { box.path($0) })
        let before = InputHasher.hash(of: files, base: box.url.path)
        #expect(InputHasher.hash(of: files, base: box.url.path) == before)
        try box.write("asset/textures/skin.png", "png v2")
        #expect(InputHasher.hash(of: files, base: box.url.path) != before)
    }

    @Test func gltfBuffersAndImagesCountAsInputs() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        try box.write("a/scene.gltf", #"{"asset": {"version": "2.0"}, "buffers": [{"uri": "scene.bin", "byteLength": 4}], "images": [{"uri": "tex%20one.png"}, {"uri": "data:image/png;base64,AAAA"}]}"#)
        let manifest = try box.manifest("jobs:\n  - {kind: copy, input: a/scene.gltf, output: out/scene.gltf}\n")
        #expect(InputHasher.files(of: manifest.jobs[0]) == ["a/scene.bin", "a/scene.gltf", "a/tex one.png"].map { box.path($0) })
        // Missing referenced files are part of the hash as "missing": their appearance changes it.
        let files = InputHasher.files(of: manifest.jobs[0])
        let before = InputHasher.hash(of: files, base: box.url.path)
        try box.write("a/scene.bin", "1234")
        #expect(InputHasher.hash(of: files, base: box.url.path) != before)
    }
}
