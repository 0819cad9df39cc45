import Foundation
import Features
import Geometry
import GRDB
import Testing
@testable import LandmarkMap

@Suite struct LandmarkStoreTests {
    @Test func roundTripIsExact() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        for kind in FeatureKind.allCases {
            let map = Fixtures.map(seed: 3, kind: kind, anchors: [Fixtures.anchor("roof"), Fixtures.anchor("plaza", x: -2)])
            try LandmarkStore.write(map, to: url)
            let back = try LandmarkStore.read(from: url)
            #expect(back == map)
            #expect(try Fixtures.listing(dir) == ["gate.landmark"])
        }
    }

    @Test func roundTripKeepsTheORBLayer() throws {
        let url = try Fixtures.scratchDirectory().appendingPathComponent("gate.landmark")
        let map = Fixtures.map(seed: 8, orbPointCount: 25)
        #expect(map.orbPoints.count == 25 && map.orbPoints.allSatisfy { $0.observations.allSatisfy { $0.descriptor.count == 32 } })
        try LandmarkStore.write(map, to: url)
        #expect(try LandmarkStore.read(from: url) == map)
        try LandmarkStore.validate(url)
    }

    @Test func anORBPointWithASIFTSizedDescriptorIsRefused() throws {
        let url = try Fixtures.scratchDirectory().appendingPathComponent("gate.landmark")
        var map = Fixtures.map(seed: 9, orbPointCount: 5)
        map.orbPoints[2].observations[0].descriptor = [UInt8](repeating: 7, count: 128)
        #expect(throws: LandmarkStoreError.self) { try LandmarkStore.write(map, to: url) }
        do { try LandmarkStore.write(map, to: url) } catch {
            #expect("\(error)".contains("ORB point 3"), "the message names the layer and point: \(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func roundTripKeepsEmptyDescriptorsAndMinimalMaps() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("empty.landmark")
        let empty = FeatureMap(metadata: MapMetadata(name: "empty"))
        try LandmarkStore.write(empty, to: url)
        #expect(try LandmarkStore.read(from: url) == empty)

        var map = Fixtures.map(seed: 4)
        for p in map.points.indices {
            for o in map.points[p].observations.indices { map.points[p].observations[o].descriptor = [] }
        }
        try LandmarkStore.write(map, to: url)
        #expect(try LandmarkStore.read(from: url) == map)
        #expect(try LandmarkStore.readMetadata(from: url).descriptorCount == 0)
    }

    @Test func summaryCountsWithoutLoading() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        let map = Fixtures.map(seed: 5, keyframeCount: 7, pointCount: 33, observationsPerPoint: 4,
                               anchors: [Fixtures.anchor("roof")])
        try LandmarkStore.write(map, to: url)
        let summary = try LandmarkStore.readMetadata(from: url)
        #expect(summary.metadata == map.metadata)
        #expect(summary.schemaVersion == LandmarkStore.schemaVersion)
        #expect(summary.cameraCount == 2 && summary.keyframeCount == 7 && summary.pointCount == 33)
        #expect(summary.observationCount == 33 * 4 && summary.descriptorCount == 33 * 4)
        #expect(summary.anchorNames == ["roof"])
        #expect(summary.fileSizeBytes > 0)
        #expect(try LandmarkStore.validate(url) == summary)
    }

    @Test func overwriteReplacesThePreviousMap() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        try LandmarkStore.write(Fixtures.map(seed: 1, pointCount: 50), to: url)
        let second = Fixtures.map(seed: 2, pointCount: 10)
        try LandmarkStore.write(second, to: url)
        #expect(try LandmarkStore.read(from: url) == second)
        #expect(try Fixtures.listing(dir) == ["gate.landmark"])
    }

    @Test(arguments: [LandmarkStore.WriteStage.afterPoints, .beforeRename])
    func interruptedWriteLeavesOldFileIntact(stage: LandmarkStore.WriteStage) throws {
        struct Interrupted: Error {}
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        let old = Fixtures.map(seed: 10)
        try LandmarkStore.write(old, to: url)
        let oldBytes = try Data(contentsOf: url)

        let new = Fixtures.map(seed: 11, pointCount: 200)
        #expect(throws: LandmarkStoreError.self) {
            try LandmarkStore.write(new, to: url, faultInjection: { if $0 == stage { throw Interrupted() } })
        }
        #expect(try Data(contentsOf: url) == oldBytes)
        #expect(try LandmarkStore.read(from: url) == old)
        #expect(try Fixtures.listing(dir) == ["gate.landmark"], "no temporary file left behind")
    }

    @Test func failedFirstWriteLeavesNothing() throws {
        struct Interrupted: Error {}
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        #expect(throws: LandmarkStoreError.self) {
            try LandmarkStore.write(Fixtures.map(), to: url, faultInjection: { _ in throw Interrupted() })
        }
        #expect(try Fixtures.listing(dir).isEmpty)
    }

    @Test func invalidMapsAreRefusedBeforeWriting() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        let good = Fixtures.map(seed: 12)
        try LandmarkStore.write(good, to: url)

        var danglingCamera = good
        danglingCamera.keyframes[0].cameraID = 99
        var shortDescriptor = good
        shortDescriptor.points[0].observations[0].descriptor = [1, 2, 3]
        var duplicateKeypoint = good
        duplicateKeypoint.points[1].observations[0].keyframeID = good.points[0].observations[0].keyframeID
        duplicateKeypoint.points[1].observations[0].keypointIndex = good.points[0].observations[0].keypointIndex
        var nanPoint = good
        nanPoint.points[2].position.x = .nan
        var badQuaternion = good
        badQuaternion.keyframes[1].cameraFromLandmark.rotation.w += 0.5
        for (bad, fragment) in [(danglingCamera, "references camera 99"), (shortDescriptor, "3-byte descriptor"),
                                (duplicateKeypoint, "observes more than one point"), (nanPoint, "non-finite position"),
                                (badQuaternion, "non-unit quaternion")] {
            let error = #expect(throws: LandmarkStoreError.self) { try LandmarkStore.write(bad, to: url) }
            #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
        }
        #expect(try LandmarkStore.read(from: url) == good)
        #expect(try Fixtures.listing(dir) == ["gate.landmark"])
    }

    @Test func writeIntoMissingDirectoryFailsClearly() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("no/such/dir/gate.landmark")
        let error = #expect(throws: LandmarkStoreError.self) { try LandmarkStore.write(Fixtures.map(), to: url) }
        #expect(error?.description.contains("does not exist") == true)
    }

    // MARK: Anchors

    @Test func anchorsAddListRemove() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        let map = Fixtures.map(seed: 20)
        try LandmarkStore.write(map, to: url)
        #expect(try LandmarkStore.anchors(in: url).isEmpty)

        let roof = Fixtures.anchor("roof"), plaza = Fixtures.anchor("plaza", x: 4)
        try LandmarkStore.addAnchor(roof, to: url)
        try LandmarkStore.addAnchor(plaza, to: url)
        #expect(try LandmarkStore.anchors(in: url) == [roof, plaza])

        // An existing name is refused and leaves the file as it was.
        let before = try Data(contentsOf: url)
        let error = #expect(throws: LandmarkStoreError.self) {
            try LandmarkStore.addAnchor(Fixtures.anchor("roof", x: 9), to: url)
        }
        #expect(error == .anchorExists(path: url.path, name: "roof"))
        #expect(try Data(contentsOf: url) == before)

        try LandmarkStore.removeAnchor(named: "roof", from: url)
        #expect(try LandmarkStore.anchors(in: url) == [plaza])
        #expect(throws: LandmarkStoreError.anchorNotFound(path: url.path, name: "roof")) {
            try LandmarkStore.removeAnchor(named: "roof", from: url)
        }
        var expected = map
        expected.anchors = [plaza]
        #expect(try LandmarkStore.read(from: url) == expected)
        #expect(try Fixtures.listing(dir) == ["gate.landmark"], "no journal left behind")
        try LandmarkStore.validate(url)
    }

    @Test func invalidAnchorsAreRefused() throws {
        let dir = try Fixtures.scratchDirectory()
        let url = dir.appendingPathComponent("gate.landmark")
        try LandmarkStore.write(Fixtures.map(), to: url)
        var tilted = Fixtures.anchor("tilted")
        tilted.surfaceNormal = Vec3(0, 2, 0)
        for bad in [Fixtures.anchor(""), tilted] {
            #expect(throws: LandmarkStoreError.self) { try LandmarkStore.addAnchor(bad, to: url) }
        }
        #expect(try LandmarkStore.anchors(in: url).isEmpty)
    }

    @Test func anchorOnMissingFileNamesIt() throws {
        let url = try Fixtures.scratchDirectory().appendingPathComponent("nope.landmark")
        #expect(throws: LandmarkStoreError.fileNotFound(path: url.path)) {
            try LandmarkStore.addAnchor(Fixtures.anchor("roof"), to: url)
        }
    }
}
