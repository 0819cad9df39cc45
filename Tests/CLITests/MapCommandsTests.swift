import ArgumentParser
import Foundation
import Geometry
import LandmarkMap
import Support
import Testing
@testable import landmark
import Synthetic

/// `landmark info`, `export`, `import colmap`: argument validation and output, in process.
@Suite struct MapCommandsTests {
    static func scratch() throws -> URL {
        try ScratchDirectory.make("MapCommandsTests")
    }

    @Test func infoTextSaysWhenNotMetric() throws {
        var map = SyntheticFeatureMap.make(seed: 1, keyframeCount: 4, pointCount: 10, observationsPerPoint: 2)
        map.metadata.isMetric = false
        map.metadata.alignment = nil
        let url = try Self.scratch().appendingPathComponent("gate.landmark")
        try LandmarkStore.write(map, to: url)
        let text = MapInfoText.text(try LandmarkStore.readMetadata(from: url), checked: false)
        #expect(text.contains("frame:         NOT metric"))
        #expect(text.contains("gravity:       none") && text.contains("scale:         none"))
        #expect(text.contains("observations:  20 (20 with descriptors)"))
        let json = try MapInfoText.json(try LandmarkStore.readMetadata(from: url), checked: false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["metric"] as? Bool == false && object["keyframes"] as? Int == 4 && object["points"] as? Int == 10)
        #expect((object["gravity"] as? [String: Any])?["source"] as? String == "none")
        #expect((object["scale"] as? [String: Any])?["source"] as? String == "none")
    }

    /// `landmark scale` in process on the synthetic building shrunk to map units and levelled
    /// (camera-up): the map becomes metric, `info` says how; bad arguments are refused.
    @Test func scaleMakesALevelledMapMetric() throws {
        var map = SyntheticFeatureMap.building(metric: false)
        map.transform(by: Sim3(scale: 0.25))
        map.metadata.frame = FrameProvenance(gravity: GravityEstimate(source: .cameraUp, cameraCount: 9, spreadDegrees: 20, uncertaintyDegrees: 0.1))
        let url = try Self.scratch().appendingPathComponent("box.landmark")
        try LandmarkStore.write(map, to: url)
        let before = MapInfoText.text(try LandmarkStore.readMetadata(from: url), checked: false)
        #expect(before.contains("frame:         NOT metric: Y up") && before.contains("gravity:       camera-up"))

        let k = map.cameras[0].intrinsics, pose = map.keyframes[0].cameraFromLandmark
        let a = try #require(k.project(pose * (Vec3(3, 12, 1) * 0.25))), b = try #require(k.project(pose * (Vec3(-4, 6, 5) * 0.25)))
        let metres = distance(Vec3(3, 12, 1), Vec3(-4, 6, 5))
        let between = ["--between", "0003.png", "\(a.x)", "\(a.y)", "0003.png", "\(b.x)", "\(b.y)"]
        for bad in [["--between", "0003.png", "1", "--metres", "2"], between + ["--metres", "0"], between + ["--metres", "-3"],
                    ["--between", "0003.png", "x", "1", "0003.png", "2", "3", "--metres", "2"]] {
            #expect(throws: (any Error).self, "\(bad)") { try Landmark.Scale.parse([url.path] + bad) }
        }
        try Landmark.Scale.parse([url.path] + between + ["--metres", "\(metres)"]).run()
        let scaled = try LandmarkStore.read(from: url)
        #expect(distance(scaled.keyframes[0].center, Vec3(0, 22, 25)) < 0.1)
        let summary = try LandmarkStore.readMetadata(from: url)
        let text = MapInfoText.text(summary, checked: false)
        #expect(text.contains("frame:         metric: metres, Y up") && text.contains("scale:         measured-distance"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try MapInfoText.json(summary, checked: false).utf8)) as? [String: Any])
        #expect(object["metric"] as? Bool == true && object["units"] as? String == "m")
        #expect((object["scale"] as? [String: Any])?["source"] as? String == "measured-distance")
        #expect((object["gravity"] as? [String: Any])?["source"] as? String == "camera-up")

        // An unknown image is refused and the file stays as it is.
        let bytes = try Data(contentsOf: url)
        #expect(throws: (any Error).self) {
            try Landmark.Scale.parse([url.path, "--between", "nope.png", "1", "1", "0003.png", "\(b.x)", "\(b.y)", "--metres", "3"]).run()
        }
        #expect(try Data(contentsOf: url) == bytes)
    }

    @Test func exportValidatesOutput() throws {
        let dir = try Self.scratch()
        #expect(throws: (any Error).self) {
            try Landmark.Export.parse(["gate.landmark", "--format", "ply", "--out", dir.path])
        }
        #expect(throws: (any Error).self) {
            try Landmark.Export.parse(["gate.landmark", "--format", "colmap", "--out", dir.path, "--ascii"])
        }
        #expect(throws: (any Error).self) { try Landmark.Export.parse(["gate.landmark", "--format", "obj", "--out", "x"]) }
        let ok = try Landmark.Export.parse(["gate.landmark", "--format", "colmap", "--out", dir.appendingPathComponent("model").path])
        #expect(ok.format == .colmap)
    }

    @Test func exportThenImportWithoutObservationsIsExact() throws {
        let dir = try Self.scratch()
        var map = SyntheticFeatureMap.make(seed: 2, keyframeCount: 3, pointCount: 0)
        map.metadata = MapMetadata(name: "gate")
        let url = dir.appendingPathComponent("gate.landmark")
        try LandmarkStore.write(map, to: url)
        let export = try Landmark.Export.parse([url.path, "--format", "colmap", "--out", dir.appendingPathComponent("model").path])
        try export.run()
        let importer = try Landmark.Import.Colmap.parse([dir.appendingPathComponent("model").path, "--images", dir.path,
                                                      "--out", dir.appendingPathComponent("back.landmark").path])
        try importer.run()
        let back = try LandmarkStore.read(from: dir.appendingPathComponent("back.landmark"))
        #expect(back.keyframes == map.keyframes && back.cameras == map.cameras)
        #expect(back.metadata.name == "back" && !back.metadata.isMetric)
    }

    @Test func importNeedsFolders() throws {
        #expect(throws: (any Error).self) {
            try Landmark.Import.Colmap.parse(["/no/such/model", "--images", "/tmp", "--out", "x.landmark"])
        }
        #expect(throws: (any Error).self) {
            try Landmark.Import.Colmap.parse(["/tmp", "--images", "/tmp", "--out", "x.db"])
        }
    }
}
