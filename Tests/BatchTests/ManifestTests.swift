import Foundation
import Testing
@testable import Batch

@Suite struct ManifestTests {
    @Test func defaultsGlobsAndTemplates() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        try box.write("meshes/a.obj", "v 0 0 0\n")
        try box.write("meshes/b.obj", "v 1 0 0\n")
        try box.write("meshes/sub/c.obj", "v 2 0 0\n")
        try box.write("meshes/.hidden.obj", "v 3 0 0\n")
        try box.write("hero.glb", "glb")
        let manifest = try box.manifest("""
            version: 1
            defaults:
              optimize: {targets: {ratio: 0.25}, atlas: true}
            jobs:
              - kind: optimize
                input: meshes/**/*.obj
                output: out/{dir}/{stem}.glb
                targets: {triangles: 5000}
              - kind: retarget
                name: boxing
                bvh: meshes/a.obj
                character: hero.glb
                output: out/boxing.glb
                anchor: [0, 12.5, 3]
                ground: true
            """)
        #expect(manifest.jobs.count == 4)
        let optimize = manifest.jobs.filter { $0.kind == "optimize" }
        #expect(optimize.map { $0.outputs["output"]! } == ["a", "b", "sub/c"].map { box.path("out/\($0).glb") })
        // Defaults apply under the job's fields; a job's field replaces the default's as a whole.
        #expect(optimize[0].parameters["targets"] == ["triangles": 5000])
        #expect(optimize[0].parameters["atlas"] == true)
        #expect(optimize[0].inputs["input"] == box.path("meshes/a.obj"))
        #expect(optimize.allSatisfy { $0.invalidReason == nil })
        let retarget = try #require(manifest.jobs.last)
        #expect(retarget.name == "jobs[1] 'boxing' (retarget)")
        #expect(retarget.inputs == ["bvh": box.path("meshes/a.obj"), "character": box.path("hero.glb")])
        #expect(Set(manifest.jobs.map(\.id)).count == 4)
    }

    @Test func typoInKeyNamesJobFieldAndSuggestion() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try box.manifest("""
            jobs:
              - kind: copy
                input: a.txt
                output: b.txt
              - kind: optimize
                input: a.obj
                outptu: b.glb
              - kind: optimize
                input: a.obj
                output: c.glb
                targets: {ratoi: 0.5}
              - kind: optimise
                input: a.obj
            """)
        #expect(manifest.jobs.count == 4)
        #expect(manifest.jobs[0].invalidReason == nil)
        let typo = try #require(manifest.jobs[1].invalidReason)
        #expect(typo == "jobs.yaml:7: job jobs[1] (optimize), field 'outptu': unknown key (did you mean 'output'?); valid keys: input, output, targets, lods, atlas, preset, texture, uvWeight, textureDetail, lockBorders, quantize, textureFormat, maxTextureSize, jpegQuality, keepVertexOrder, kind, name")
        let nested = try #require(manifest.jobs[2].invalidReason)
        #expect(nested.hasPrefix("jobs.yaml:11: job jobs[2] (optimize), field 'targets.ratoi': unknown key (did you mean 'ratio'?)"))
        let kind = try #require(manifest.jobs[3].invalidReason)
        #expect(kind.contains("field 'kind': unknown job kind 'optimise' (did you mean 'optimize'?)"))
    }

    @Test func typesRangesAndRequiredFields() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try box.manifest("""
            jobs:
              - {kind: optimize, input: a.obj, output: a.glb, targets: {ratio: "half"}}
              - {kind: optimize, input: a.obj, output: b.glb, targets: {ratio: 1.5}}
              - {kind: optimize, input: a.obj}
              - {kind: retarget, bvh: a.bvh, character: c.glb, output: r.glb, anchor: [1, 2]}
              - {kind: optimize, input: a.obj, output: c.glb, atlas: {sise: 2048}}
            """)
        let reasons = manifest.jobs.map { $0.invalidReason ?? "" }
        #expect(reasons[0].contains("field 'targets.ratio': must be a number, got a string \"half\""))
        #expect(reasons[1].contains("field 'targets.ratio': must be in (0, 1], got 1.5"))
        #expect(reasons[2].contains("field 'output': missing"))
        #expect(reasons[3].contains("field 'anchor': a position needs 3 numbers"))
        #expect(reasons[4].contains("field 'atlas.sise': unknown key (did you mean 'size'?)"))
    }

    @Test func optimizeTakesTheAssetOptimizeOptions() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try box.manifest("""
            jobs:
              - {kind: optimize, input: a.obj, output: a.glb, preset: mobile-ar}
              - {kind: optimize, input: a.obj, output: b.glb, preset: desktop}
              - {kind: optimize, input: a.obj, output: c.glb, targets: {ratio: 0.5}, textureFormat: webp}
              - {kind: optimize, input: a.obj, output: d.glb, targets: {ratio: 0.5}, jpegQuality: 0}
              - {kind: optimize, input: a.obj, output: e.glb, targets: {ratio: 0.5}, atlas: {size: 4, bake: true}}
              - {kind: optimize, input: a.obj, output: f.glb, targets: {ratio: 0.5}, quantize: true, keepVertexOrder: true, lockBorders: true}
            """)
        let reasons = manifest.jobs.map { $0.invalidReason ?? "" }
        #expect(reasons[0] == "")  // a preset needs no targets
        #expect(reasons[1].contains("field 'preset': unknown preset 'desktop'; valid: mobile-ar"))
        #expect(reasons[2].contains("field 'textureFormat': unknown texture format 'webp'; valid: keep, png, jpeg, color-jpeg"))
        #expect(reasons[3].contains("field 'jpegQuality': must be 1…100, e.g. 90; got 0"))
        #expect(reasons[4].contains("field 'atlas.size': must be between 8 and 16384 texels"))
        #expect(reasons[5] == "")
    }

    @Test func manifestLevelErrorsRejectTheManifest() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        #expect(throws: BatchError.manifest(file: "jobs.yaml", line: 1,
                                            message: "unknown top-level key 'job' (did you mean 'jobs'?); expected version, defaults, jobs")) {
            try box.manifest("job:\n  - kind: copy\n")
        }
        do {
            _ = try box.manifest("defaults:\n  optimize: {atlass: true}\njobs: []\n")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "jobs.yaml:2: defaults for 'optimize', field 'atlass': unknown key (did you mean 'atlas'?); valid keys: input, output, targets, lods, atlas, preset, texture, uvWeight, textureDetail, lockBorders, quantize, textureFormat, maxTextureSize, jpegQuality, keepVertexOrder")
        }
        #expect(throws: BatchError.self) { try box.manifest("jobs: [unclosed\n") }
    }

    @Test func jsonManifestGivesTheSameJobsAsYAML() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let yaml = try box.manifest("jobs:\n  - {kind: checksum, input: a.txt, output: a.sha, rounds: 2}\n")
        let json = try Manifest.parse(#"{"jobs": [{"kind": "checksum", "input": "a.txt", "output": "a.sha", "rounds": 2}]}"#,
                                      fileName: "jobs.json", isJSON: true, baseDirectory: box.url)
        #expect(json.jobs == yaml.jobs)
    }

    @Test func idsAreStableAcrossMountPointsAndChangeWithParameters() throws {
        let text = "jobs:\n  - {kind: checksum, input: data/a.txt, output: out/a.sha}\n"
        let here = try Manifest.parse(text, baseDirectory: URL(fileURLWithPath: "/mnt/project"))
        let there = try Manifest.parse(text, baseDirectory: URL(fileURLWithPath: "/scratch/other/place"))
        #expect(here.jobs[0].id == there.jobs[0].id)
        #expect(here.jobs[0].id.count == 16)
        let changed = try Manifest.parse(text.replacingOccurrences(of: "}", with: ", rounds: 3}"),
                                         baseDirectory: URL(fileURLWithPath: "/mnt/project"))
        #expect(changed.jobs[0].id != here.jobs[0].id)
    }

    @Test func collidingOutputsAndEmptyGlobsAreJobErrors() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        try box.write("in/a.txt", "a")
        try box.write("in/b.txt", "b")
        let manifest = try box.manifest("""
            jobs:
              - {kind: copy, input: "in/*.txt", output: out/all.txt}
              - {kind: copy, input: "nothing/*.obj", output: "out/{stem}.obj"}
              - {kind: copy, input: "in/*.txt", output: "out/{stme}.txt"}
            """)
        let reasons = manifest.jobs.map { $0.invalidReason ?? "" }
        #expect(reasons[0] == "")
        #expect(reasons[1].contains("field 'output': output 'out/all.txt' is also written by job jobs[0] (copy) in/a.txt"))
        #expect(reasons[2].contains("field 'input': the pattern 'nothing/*.obj' matched no files"))
        #expect(reasons[3].contains("field 'output': unknown template '{stme}'"))
    }

    @Test func typoSuggestionsUseEditDistance() {
        #expect(closest(to: "ouptut", among: ["input", "output"]) == "output")
        #expect(closest(to: "fsp", among: ["fps", "ground"]) == "fps")
        #expect(closest(to: "banana", among: ["fps", "ground"]) == nil)
    }
}
