import Foundation
import Testing
@testable import Batch

/// `landmark asset optimize` and a batch `optimize` job run one recipe (`AssetJob`): with the
/// same settings they write the same bytes, wherever the files live (no path is embedded).
@Suite struct AssetJobParityTests {
    /// The CLI's flags and the manifest's fields for the same settings.
    static let flags = ["--ratio", "0.5", "--lods", "0.25", "--atlas", "64", "--quantize", "--texture-format", "png"]
    static let fields = "targets: {ratio: 0.5}, lods: [0.25], atlas: {size: 64, bake: false}, quantize: true, textureFormat: png"
    static let outputs = ["grid.glb", "grid_lod1.glb"]

    /// Runs both in `folder`: the CLI writes cli/, the batch writes batch/.
    func runBoth(in folder: Sandbox, binary: String) throws -> (cli: [Data], batch: [Data]) {
        try folder.write("assets/grid.obj", JobKindsTests.gridOBJ(12))
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("cli"), withIntermediateDirectories: true)
        let cli = try runLandmark(binary, ["asset", "optimize", "assets/grid.obj", "--out", "cli/grid.glb", "--json"] + Self.flags,
                                  in: folder.url)
        #expect(cli.status == 0, "\(cli.output)")
        let manifest = try folder.manifest("jobs:\n  - {kind: optimize, input: assets/grid.obj, output: batch/grid.glb, \(Self.fields)}\n")
        let store = try JobStore(path: folder.path("jobs.sqlite"))
        let summary = try BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions()).run(manifest)
        let errors = try store.records().compactMap(\.error)
        #expect(summary.done == 1, "\(errors)")
        func read(_ sub: String) throws -> [Data] {
            try Self.outputs.map { try Data(contentsOf: folder.url.appendingPathComponent("\(sub)/\($0)")) }
        }
        return (try read("cli"), try read("batch"))
    }

    @Test func cliAndBatchWriteTheSameBytesFromAnyFolder() throws {
        guard let binary = landmarkBinary else { Issue.record("the landmark binary is not built next to the tests"); return }
        let first = try Sandbox(), second = try Sandbox()
        defer { first.cleanUp(); second.cleanUp() }
        // The second run sits deeper, under another name: any embedded path would differ.
        let deeper = try Sandbox(inside: second, "some/deeper/folder")
        let a = try runBoth(in: first, binary: binary)
        let b = try runBoth(in: deeper, binary: binary)
        #expect(a.cli.allSatisfy { $0.prefix(4) == Data("glTF".utf8) })
        #expect(a.cli == a.batch)
        #expect(a.cli == b.cli)
        #expect(a.batch == b.batch)
    }
}
