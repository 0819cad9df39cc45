import Foundation
import Synthetic
import Testing
@testable import AssetPipeline
import GLTF

/// The engine-ready GLB read by independent readers: pygltflib and trimesh (Python, from
/// `LANDMARK_PEERS_PYTHON` or /tmp/peers-venv/bin/python), Debian's `assimp info` and
/// `gltfpack` reading it back. Each reader that is absent is skipped with a message.
@Suite struct ReaderInteropTests {
    static func tool(_ name: String) -> URL? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    static var python: URL? {
        let path = ProcessInfo.processInfo.environment["LANDMARK_PEERS_PYTHON"] ?? "/tmp/peers-venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
    }

    /// Runs a tool; returns its exit status and combined output.
    static func run(_ exe: URL, _ args: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = exe
        process.arguments = args
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString).txt")
        try #require(FileManager.default.createFile(atPath: out.path, contents: nil), "cannot create \(out.path)")
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self))
    }

    /// The mobile-ar treatment of `asset` (quantized, vertex order, JPEG colour), as GLB.
    func mobileGLB(_ asset: GLTFAsset, name: String, in dir: URL) throws -> URL {
        var options = EngineExportOptions()
        options.quantize = true
        options.textureFormat = .colorJPEG
        options.maxTextureSize = 2048
        let url = dir.appendingPathComponent(name)
        try makeEngineReady(asset, options: options).asset.write(to: url)
        return url
    }

    @Test func quantizedGLBLoadsInIndependentReaders() throws {
        let dir = try SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [(URL, Int)] = [(try mobileGLB(try checkerSphereAsset(), name: "sphere.glb", in: dir), 1280)]
        if let cesium = SharedData.url("characters/CesiumMan.glb") {
            files.append((try mobileGLB(try GLTFAsset(contentsOf: cesium), name: "cesium.glb", in: dir), 4672))
        }
        if let spot = SharedData.url("meshes/spot/spot_triangulated.obj") {
            files.append((try mobileGLB(try AssetLoader.load(spot), name: "spot.glb", in: dir), 5856))
        }
        var ran = 0
        for (file, faces) in files {
            if let python = Self.python {
                let script = """
                import sys, pygltflib, trimesh
                g = pygltflib.GLTF2().load(sys.argv[1])
                assert "KHR_mesh_quantization" in g.extensionsRequired
                s = trimesh.load(sys.argv[1])
                geoms = list(s.geometry.values()) if hasattr(s, "geometry") else [s]
                print("faces", sum(len(m.faces) for m in geoms))
                """
                let (status, output) = try Self.run(python, ["-c", script, file.path])
                if output.contains("No module named") { print("skipped: pygltflib/trimesh not installed for \(python.path)") } else {
                    #expect(status == 0, "\(file.lastPathComponent): \(output)")
                    #expect(output.contains("faces \(faces)"), "\(file.lastPathComponent): \(output)")
                    ran += 1
                }
            } else { print("skipped: no Python with pygltflib/trimesh (set LANDMARK_PEERS_PYTHON)") }
            if let assimp = Self.tool("assimp") {
                let (status, output) = try Self.run(assimp, ["info", file.path])
                #expect(status == 0, "\(file.lastPathComponent): \(output.suffix(500))")
                #expect(output.contains("Faces:") && output.contains("\(faces)"), "\(output.suffix(800))")
                ran += 1
            } else { print("skipped: assimp is not installed") }
            if let gltfpack = Self.tool("gltfpack") {
                let back = dir.appendingPathComponent("back-" + file.lastPathComponent)
                let (status, output) = try Self.run(gltfpack, ["-i", file.path, "-o", back.path])
                #expect(status == 0, "\(file.lastPathComponent): \(output)")
                #expect(FileManager.default.fileExists(atPath: back.path))
                ran += 1
            } else { print("skipped: gltfpack is not installed") }
        }
        if ran == 0 { print("skipped: no independent glTF reader found") }
    }
}
