import ArgumentParser
import Foundation
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
        #expect(text.contains("observations:  20 (20 with descriptors)"))
        let json = try MapInfoText.json(try LandmarkStore.readMetadata(from: url), checked: false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["metric"] as? Bool == false && object["keyframes"] as? Int == 4 && object["points"] as? Int == 10)
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
