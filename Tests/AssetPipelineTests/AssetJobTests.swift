import Foundation
import Testing
@testable import AssetPipeline
import GLTF
import Support

/// `AssetJob`: the settings' checks, the mobile-ar preset, and what a run writes.
@Suite struct AssetJobTests {
    /// An n × n grid of unit squares, two triangles each, as OBJ (2n² triangles).
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

    func invalidSettingName(_ settings: AssetJob.Settings) -> String? {
        do { try settings.validate(); return nil } catch AssetJobError.invalidSetting(let name, _) { return name } catch { return "\(error)" }
    }

    @Test func validateNamesTheSettingOutOfRange() {
        #expect(invalidSettingName(AssetJob.Settings(targetRatio: 0.5)) == nil)
        #expect(invalidSettingName(AssetJob.Settings()) == "targetTriangles")  // no target and no preset
        #expect(invalidSettingName(AssetJob.Settings(targetRatio: 1.5)) == "targetRatio")
        #expect(invalidSettingName(AssetJob.Settings(maxError: -1)) == "maxError")
        var lods = AssetJob.Settings(targetRatio: 0.5)
        lods.lodRatios = [0.25, 0.5]
        #expect(invalidSettingName(lods) == "lodRatios")
        var atlas = AssetJob.Settings(targetRatio: 0.5)
        atlas.atlas = .init(sizeTexels: 4, bake: .never)
        #expect(invalidSettingName(atlas) == "atlas.sizeTexels")
        var jpeg = AssetJob.Settings(targetRatio: 0.5)
        jpeg.jpegQuality = 0
        #expect(invalidSettingName(jpeg) == "jpegQuality")
        var preset = AssetJob.Settings(targetTriangles: 200_000)
        preset.preset = .mobileAR
        #expect(invalidSettingName(preset) == "targetTriangles")
    }

    @Test func mobileARCapsTrianglesTexturesAndQuantizes() throws {
        var settings = AssetJob.Settings()
        settings.preset = .mobileAR
        settings.maxTextureSize = 4096
        var input = try AssetSummary(GLTFAsset(document: GLTFDocument()))
        input.triangles = 250_000
        input.materials = ["body", "face"]
        let applied = AssetJob.resolvingPreset(settings, input: input)
        #expect(applied.targetTriangles == AssetJob.Settings.mobileARTriangleCap)
        #expect(applied.atlas == .init(sizeTexels: 2048, bake: .always))  // two materials → one baked atlas
        #expect(applied.quantize && applied.textureFormat == .colorJPEG && applied.maxTextureSize == 2048)
        // A small asset keeps its triangles; without a preset nothing changes.
        input.triangles = 5000
        #expect(AssetJob.resolvingPreset(settings, input: input).targetTriangles == 5000)
        #expect(AssetJob.resolvingPreset(AssetJob.Settings(targetRatio: 0.5), input: input) == AssetJob.Settings(targetRatio: 0.5))
    }

    @Test func runWritesTheMainLevelAndItsLODs() throws {
        let folder = try ScratchDirectory.make("asset-job")
        let input = folder.appendingPathComponent("grid.obj")
        try Data(Self.gridOBJ(12).utf8).write(to: input)  // 288 triangles
        var settings = AssetJob.Settings(targetRatio: 0.5)
        settings.lodRatios = [0.25]
        let output = folder.appendingPathComponent("out/grid.glb")
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let (files, report) = try AssetJob.run(input: input, output: output, settings: settings)
        #expect(files.map(\.url.lastPathComponent) == ["grid.glb", "grid_lod1.glb"])
        for file in files {
            let data = try Data(contentsOf: file.url)
            #expect(data.count == file.bytes)
            #expect(try GLTFAsset(data: data, baseURL: nil).document.meshes.count == 1)
        }
        #expect(report.optimize.trianglesIn == 288)
        #expect(report.optimize.output.triangles <= 144 && report.optimize.lods.first.map { $0.triangles <= 72 } == true)
        #expect(report.inputBytes == (try FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int))
        #expect(report.engine.acmrAfter <= report.engine.acmrBefore)  // the engine-ready step ran
    }

    @Test func aFailingRunWritesNothing() throws {
        let folder = try ScratchDirectory.make("asset-job-fail")
        let input = folder.appendingPathComponent("grid.obj")
        try Data(Self.gridOBJ(4).utf8).write(to: input)
        #expect(throws: AssetJobError.unsupportedOutput(path: folder.appendingPathComponent("grid.fbx").path)) {
            try AssetJob.run(input: input, output: folder.appendingPathComponent("grid.fbx"), settings: AssetJob.Settings(targetRatio: 0.5))
        }
        #expect(throws: MeshError.self) {
            try AssetJob.run(input: folder.appendingPathComponent("none.obj"), output: folder.appendingPathComponent("grid.glb"),
                             settings: AssetJob.Settings(targetRatio: 0.5))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["grid.obj"])
    }
}
