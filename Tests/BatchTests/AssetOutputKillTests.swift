import Foundation
import Testing
@testable import Batch

/// A writer killed with SIGKILL while it writes its output leaves the old file or the new one,
/// complete: never none (a delete before the move) and never a partial one.
@Suite struct AssetOutputKillTests {
    @Test func aKilledAssetOptimizeLeavesTheOldOrTheNewFile() throws {
        guard let binary = landmarkBinary else { Issue.record("the landmark binary is not built next to the tests"); return }
        let box = try Sandbox()
        defer { box.cleanUp() }
        try box.write("assets/grid.obj", JobKindsTests.gridOBJ(160))  // 51 200 triangles: a few MB of GLB
        let arguments = ["asset", "optimize", "assets/grid.obj", "--ratio", "0.9", "--json", "--out"]
        try FileManager.default.createDirectory(at: box.url.appendingPathComponent("new"), withIntermediateDirectories: true)
        let finished = try runLandmark(binary, arguments + ["new/grid.glb"], in: box.url)
        #expect(finished.status == 0, "\(finished.output)")
        let newBytes = try Data(contentsOf: URL(fileURLWithPath: box.path("new/grid.glb")))
        let oldBytes = Data("the previous grid.glb, which the run replaces\n".utf8)
        let folder = box.url.appendingPathComponent("out")
        let target = folder.appendingPathComponent("grid.glb")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        var killedWhileTemporaryExisted = 0
        for _ in 0..<3 {
            try oldBytes.write(to: target)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments + ["out/grid.glb"]
            process.currentDirectoryURL = box.url
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill it the moment its temporary file appears: the new bytes are being written.
            while process.isRunning {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                if names.contains(where: { $0.contains(".tmp-") }) {
                    kill(process.processIdentifier, SIGKILL)
                    killedWhileTemporaryExisted += 1
                    break
                }
                usleep(100)
            }
            process.waitUntilExit()
            let left = FileManager.default.contents(atPath: target.path)
            #expect(left == oldBytes || left == newBytes, "after a kill the output must be the old or the new file, got \(left?.count ?? -1) bytes")
            for name in (try FileManager.default.contentsOfDirectory(atPath: folder.path)) where name.contains(".tmp-") {
                try FileManager.default.removeItem(at: folder.appendingPathComponent(name))  // a killed writer's leftover
            }
        }
        // Whether a kill lands before or after the rename depends on scheduling; both are checked above.
        print("killed \(killedWhileTemporaryExisted) of 3 runs while their temporary file existed")
    }
}
