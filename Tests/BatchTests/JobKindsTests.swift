import Foundation
import Testing
import AssetPipeline
@testable import Batch
import GLTF

/// The real job kinds through the batch: `optimize` (AssetPipeline) and `retarget` (Motion),
/// on a hand-made grid and the package's demo character and clip.
@Suite struct JobKindsTests {
    /// The package root (…/Tests/BatchTests/JobKindsTests.swift → …).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// An n × n grid of unit squares in the XZ plane, two triangles each, as OBJ.
    static func gridOBJ(_ n: Int) -> String {
        var text = ""
        for r in 0...n { for c in 0...n { text += "v \(Double(c) / Double(n)) \(0.05 * sin(Double(r + c))) \(Double(r) / Double(n))\n" } }
        for r in 0..<n {
            for c in 0..<n {
                let a = r * (n + 1) + c + 1, b = a + 1, d = a + n + 1, e = d + 1
                text += "f \(a) \(d) \(b)\nf \(b) \(d) \(e)\n"
            }
        }
        return text
    }

    @Test func optimizeDecimatesAndCommitsLODFiles() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        try box.write("assets/grid.obj", JobKindsTests.gridOBJ(16))  // 512 triangles
        let manifest = try box.manifest("""
            jobs:
              - {kind: optimize, input: "assets/*.obj", output: "out/{stem}.glb", targets: {ratio: 0.25}, lods: 2}
              - {kind: optimize, name: atlas, input: assets/grid.obj, output: out/atlas.glb, targets: {ratio: 0.5}, atlas: true}
              - {kind: optimize, name: gltf, input: assets/grid.obj, output: out/grid.gltf, targets: {ratio: 0.5}}
            """)
        #expect(manifest.jobs[0].outputs == ["output": box.path("out/grid.glb"), "lod1": box.path("out/grid_lod1.glb"),
                                             "lod2": box.path("out/grid_lod2.glb")])
        #expect(manifest.jobs[2].invalidReason?.contains("field 'output': must end in .glb") == true)
        let store = try JobStore(path: box.path("jobs.sqlite"))
        let summary = try BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions()).run(manifest)
        #expect(summary.done == 2)
        let record = try #require(try store.records().first { $0.name.contains("atlas") == false })
        let metrics = record.metricsValue
        #expect(metrics["trianglesIn"]?.intValue == 512)
        let out = try #require(metrics["trianglesOut"]?.intValue)
        #expect(out <= 128 && out > 0)
        let lodValues = metrics["lodTriangles"]?.arrayValue ?? []
        let lods = lodValues.compactMap { $0.intValue }
        #expect(lods.count == 2 && lods[0] <= 64 && lods[1] <= 32)
        for name in ["grid.glb", "grid_lod1.glb", "grid_lod2.glb"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: box.path("out/" + name)))
            #expect(data.prefix(4) == Data("glTF".utf8))
        }
        #expect(record.outputBytes == ["grid.glb", "grid_lod1.glb", "grid_lod2.glb"].compactMap { fileSize(box.path("out/" + $0)) }.reduce(0, +))
        let all = try store.records()
        let atlas = try #require(all.first { $0.name.contains("atlas") })
        #expect(atlas.error == nil)
        #expect((atlas.metricsValue["atlasCharts"]?.intValue ?? 0) >= 1)
        let utilization = atlas.metricsValue["atlasUtilization"]?.numberValue ?? 0
        #expect(utilization > 0.3 && utilization <= 1)
        let unwrapped = try GLTFAsset(contentsOf: URL(fileURLWithPath: box.path("out/atlas.glb")))
        #expect(unwrapped.document.meshes.first?.primitives.first?.attributes["TEXCOORD_0"] != nil)
    }

    static let demoCharacter = packageRoot.appendingPathComponent("Assets/humanoid.glb").path
    static let demoClip = packageRoot.appendingPathComponent("Assets/walk.bvh").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: demoCharacter) && FileManager.default.fileExists(atPath: demoClip),
                   "needs Assets/humanoid.glb and Assets/walk.bvh"))
    func retargetWritesTheAnimatedCharacter() throws {
        let character = Self.demoCharacter, clip = Self.demoClip
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try box.manifest("""
            defaults:
              retarget: {character: \(character), fps: 24}
            jobs:
              - {kind: retarget, bvh: \(clip), output: "out/{stem}.glb", anchor: [2, 0.5, -1], ground: true}
              - {kind: retarget, bvh: \(clip), output: out/missing-character.glb, character: nobody.glb}
            """)
        let store = try JobStore(path: box.path("jobs.sqlite"))
        let summary = try BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions()).run(manifest)
        #expect(summary.done == 1 && summary.failed == 1)
        let records = try store.records()
        let metrics = records[0].metricsValue
        #expect(metrics["fps"] == 24)
        #expect(metrics["ground"] == 0.5)  // the anchor's height
        #expect((metrics["frames"]?.intValue ?? 0) > 1)
        let data = try Data(contentsOf: URL(fileURLWithPath: box.path("out/walk.glb")))
        #expect(data.prefix(4) == Data("glTF".utf8))
        #expect(records[1].error == "job jobs[1] (retarget), field 'character': input file '\(box.path("nobody.glb"))' does not exist")
    }
}
