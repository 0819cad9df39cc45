import Foundation
import Synthetic
import Testing
@testable import AssetPipeline
import GLTF

/// The engine-ready GLB read by independent readers: pygltflib and trimesh (Python, from
/// `LANDMARK_PEERS_PYTHON` or /tmp/peers-venv/bin/python), Debian's `assimp info` and
/// `gltfpack` reading it back. One test per reader, skipped when that reader is absent. Each
/// reads the checker sphere, plus CesiumMan and spot when ../shared/data holds them.
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

    /// Whether `python` exists and imports pygltflib and trimesh.
    static var pythonHasReaders: Bool {
        guard let python, let result = try? run(python, ["-c", "import pygltflib, trimesh"]) else { return false }
        return result.0 == 0
    }

    /// Runs a tool; returns its exit status and combined output.
    static func run(_ exe: URL, _ args: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = exe
        process.arguments = args
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString).txt")
        guard FileManager.default.createFile(atPath: out.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: out.path])
        }
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

    /// The GLBs to read, each with its triangle count: the checker sphere, plus CesiumMan and
    /// spot when ../shared/data holds them.
    func samples(in dir: URL) throws -> [(URL, Int)] {
        var files: [(URL, Int)] = [(try mobileGLB(try checkerSphereAsset(), name: "sphere.glb", in: dir), 1280)]
        if let cesium = SharedData.url("characters/CesiumMan.glb") {
            files.append((try mobileGLB(try GLTFAsset(contentsOf: cesium), name: "cesium.glb", in: dir), 4672))
        }
        if let spot = SharedData.url("meshes/spot/spot_triangulated.obj") {
            files.append((try mobileGLB(try AssetLoader.load(spot), name: "spot.glb", in: dir), 5856))
        }
        return files
    }

    @Test(.enabled(if: pythonHasReaders, "needs a Python with pygltflib and trimesh (LANDMARK_PEERS_PYTHON or /tmp/peers-venv)"))
    func quantizedGLBLoadsInPygltflibAndTrimesh() throws {
        let python = try #require(Self.python)
        let dir = try SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            import sys, pygltflib, trimesh
            g = pygltflib.GLTF2().load(sys.argv[1])
            assert "KHR_mesh_quantization" in g.extensionsRequired
            s = trimesh.load(sys.argv[1])
            geoms = list(s.geometry.values()) if hasattr(s, "geometry") else [s]
            print("faces", sum(len(m.faces) for m in geoms))
            """
        for (file, faces) in try samples(in: dir) {
            let (status, output) = try Self.run(python, ["-c", script, file.path])
            #expect(status == 0, "\(file.lastPathComponent): \(output)")
            #expect(output.contains("faces \(faces)"), "\(file.lastPathComponent): \(output)")
        }
    }

    @Test(.enabled(if: tool("assimp") != nil, "needs assimp on PATH"))
    func quantizedGLBLoadsInAssimp() throws {
        let assimp = try #require(Self.tool("assimp"))
        let dir = try SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (file, faces) in try samples(in: dir) {
            let (status, output) = try Self.run(assimp, ["info", file.path])
            #expect(status == 0, "\(file.lastPathComponent): \(output.suffix(500))")
            #expect(output.contains("Faces:") && output.contains("\(faces)"), "\(output.suffix(800))")
        }
    }

    @Test(.enabled(if: tool("gltfpack") != nil, "needs gltfpack on PATH"))
    func quantizedGLBLoadsInGltfpack() throws {
        let gltfpack = try #require(Self.tool("gltfpack"))
        let dir = try SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (file, _) in try samples(in: dir) {
            let back = dir.appendingPathComponent("back-" + file.lastPathComponent)
            let (status, output) = try Self.run(gltfpack, ["-i", file.path, "-o", back.path])
            #expect(status == 0, "\(file.lastPathComponent): \(output)")
            #expect(FileManager.default.fileExists(atPath: back.path))
        }
    }
}
