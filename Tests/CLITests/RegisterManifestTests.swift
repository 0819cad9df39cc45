import Foundation
import Testing
import Synthetic

/// `landmark register FOLDER` with a landmark.yaml: the map is built beside the yaml under
/// its name, with the manifest's anchor placed; bad manifests fail naming the field.
@Suite struct RegisterManifestTests {
    @Test func buildsTheMapAndPlacesTheAnchors() async throws {
        let fx = try await SyntheticFixture.get()
        let dir = try CLI.scratch("registry").appendingPathComponent("tiny")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("capture"), withDestinationURL: fx.synth)
        let roof = try EndToEndTests.roofPixel(fx.groundTruth)
        let yaml = """
            name: tiny
            photos: capture/images
            intrinsics: capture/intrinsics.json
            priors: capture/ground_truth.json
            registration: {seed: 3, maxImageSize: 800}
            anchors:
              - {name: roof, image: \(roof.view.name), pixel: [\(roof.u), \(roof.v)]}
            """
        try Data(yaml.utf8).write(to: dir.appendingPathComponent("landmark.yaml"))
        let run = try CLI.ok(["register", dir.path])
        #expect(run.stdout.contains("registered "), "\(run.summary)")
        #expect(run.stdout.contains("anchor 'roof' at"), "\(run.summary)")
        let map = dir.appendingPathComponent("tiny.landmark")
        let listed = try CLI.ok(["anchor", "list", map.path, "--json"])
        let anchors = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(anchors.map { $0["name"] as? String } == ["roof"])
        let position = try #require(CLI.doubles((anchors[0]["landmarkFromAnchor"] as? [String: Any])?["translation"]))
        let offset = (0..<3).map { (position[$0] - fx.groundTruth.roof.point[$0]) * fx.groundTruth.roof.normal[$0] }.reduce(0, +)
        #expect(abs(offset) < 0.05, "the manifest's anchor is on the roof plane: \(offset) m off")
        let info = try CLI.ok(["info", map.path, "--json"])
        #expect(try CLI.jsonObject(info.stdout)["name"] as? String == "tiny")
    }

    @Test func aBadManifestNamesTheField() throws {
        let dir = try CLI.scratch("bad-manifest")
        try Data("name: gate\nphotos: capture/images\nregistration: {siftContrast: -1}\n".utf8)
            .write(to: dir.appendingPathComponent("landmark.yaml"))
        let run = try CLI.run(["register", dir.path])
        #expect(run.status != 0 && run.stderr.contains("registration.siftContrast"), "\(run.summary)")
        let missing = try CLI.run(["register", dir.appendingPathComponent("landmark.yaml").path, "--seed", "1"])
        #expect(missing.status != 0, "\(missing.summary)")
        try Data("name: gate\nphotos: nowhere\n".utf8).write(to: dir.appendingPathComponent("landmark.yaml"))
        let noPhotos = try CLI.run(["register", dir.path])
        #expect(noPhotos.status != 0 && noPhotos.stderr.contains("photos") && noPhotos.stderr.contains("nowhere"), "\(noPhotos.summary)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("gate.landmark").path))
    }
}
