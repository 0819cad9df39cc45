import Foundation
import Testing
@testable import landmark

/// landmark.yaml parsing: the fields, both intrinsics forms, and errors that name the field.
@Suite struct LandmarkManifestTests {
    static let gate = """
        name: gate
        photos: capture/images
        intrinsics: capture/intrinsics.json
        priors: capture/ground_truth.json
        registration: {seed: 7, siftContrast: 0.02}
        anchors:
          - {name: roof, image: 0035.png, pixel: [504.5, 439]}
          - {name: plaza, point: [2.0, 0.0, -5.5], yaw: 180, upright: true}
        """

    @Test func readsEveryField() throws {
        let m = try LandmarkManifest.parse(Self.gate)
        #expect(m.name == "gate" && m.photos == "capture/images" && m.priors == "capture/ground_truth.json")
        #expect(m.intrinsics == .file("capture/intrinsics.json"))
        #expect(m.registration?.seed == 7 && m.registration?.siftContrast == 0.02 && m.registration?.features == nil)
        #expect(m.anchors?.count == 2)
        #expect(m.anchors?[0] == LandmarkManifest.AnchorSpec(name: "roof", image: "0035.png", pixel: [504.5, 439]))
        #expect(m.anchors?[1].point == [2, 0, -5.5] && m.anchors?[1].yaw == 180 && m.anchors?[1].upright == true)
    }

    @Test func intrinsicsAsValues() throws {
        let m = try LandmarkManifest.parse("name: a\nphotos: p\nintrinsics: {fx: 800, fy: 810, cx: 512, cy: 384}\n")
        #expect(m.intrinsics == .values(fx: 800, fy: 810, cx: 512, cy: 384))
        #expect(m.anchors == nil && m.registration == nil && m.priors == nil)
    }

    /// The field each bad manifest must name in its error.
    static let bad: [(yaml: String, field: String)] = [
        ("photos: p\n", "name"),
        ("name: a\n", "photos"),
        ("name: a\nphotos: p\nphoto: q\n", "photo"),
        ("name: a\nphotos: p\nregistration: {sift_contrast: 0.02}\n", "registration.sift_contrast"),
        ("name: a\nphotos: p\nregistration: {siftContrast: high}\n", "registration.siftContrast"),
        ("name: a\nphotos: p\nregistration: {siftContrast: 1.5}\n", "registration.siftContrast"),
        ("name: a\nphotos: p\nintrinsics: {fx: 800, fy: 800, cx: 512}\n", "intrinsics.cy"),
        ("name: a/b\nphotos: p\n", "name"),
        ("name: a\nphotos: p\nanchors: [{name: r, image: x.png}]\n", "anchors[0].pixel"),
        ("name: a\nphotos: p\nanchors: [{name: r, point: [1, 2]}]\n", "anchors[0].point"),
        ("name: a\nphotos: p\nanchors: [{name: r}]\n", "anchors[0]"),
        ("name: a\nphotos: p\nanchors: [{name: r, point: [1, 2, 3]}, {name: r, point: [1, 2, 3]}]\n", "anchors[1].name"),
        ("name: a\nphotos: p\nanchors: [{name: r, point: [1, 2, 3], colour: red}]\n", "anchors[0].colour"),
    ]

    @Test(arguments: 0..<LandmarkManifestTests.bad.count) func namesTheField(_ index: Int) {
        let (yaml, field) = Self.bad[index]
        do {
            _ = try LandmarkManifest.parse(yaml, path: "x/landmark.yaml")
            Issue.record("accepted: \(yaml)")
        } catch let error as LandmarkManifestError {
            guard case .invalid(let path, let named, _) = error else { Issue.record("\(error)"); return }
            #expect(path == "x/landmark.yaml")
            #expect(named == field, "\(error)")
            #expect(error.description.contains("field \(field)"))
        } catch {
            Issue.record("not a LandmarkManifestError: \(error)")
        }
    }

    @Test func notYAMLOrNotAMapping() {
        #expect(throws: LandmarkManifestError.self) { try LandmarkManifest.parse("name: [unclosed\n") }
        #expect(throws: LandmarkManifestError.self) { try LandmarkManifest.parse("- a\n- b\n") }
    }

    @Test func loadsFromTheFolderOrTheFile() throws {
        let dir = try CLI.scratch("manifest")
        try Data(Self.gate.utf8).write(to: dir.appendingPathComponent("landmark.yaml"))
        let (fromFolder, folder) = try LandmarkManifest.load(from: dir.path)
        let (fromFile, _) = try LandmarkManifest.load(from: dir.appendingPathComponent("landmark.yaml").path)
        #expect(fromFolder == fromFile && folder.standardizedFileURL == dir.standardizedFileURL)
        #expect(throws: LandmarkManifestError.unreadable(path: dir.appendingPathComponent("none/landmark.yaml").path)) {
            try LandmarkManifest.load(from: dir.appendingPathComponent("none/landmark.yaml").path)
        }
    }

    /// The registry's built-in landmark parses and points where `landmark synth --out Landmarks/gate/capture` writes.
    @Test func theBuiltInGateParses() throws {
        let (m, _) = try LandmarkManifest.load(from: CLI.packageRoot.appendingPathComponent("Landmarks/gate").path)
        #expect(m.name == "gate" && m.photos == "capture/images" && m.anchors?.first?.name == "roof")
    }
}
