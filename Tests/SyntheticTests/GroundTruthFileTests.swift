import Foundation
import Geometry
import Testing
@testable import Synthetic

@Suite struct GroundTruthFileTests {
    @Test func badFilesNameTheField() throws {
        let dir = FileManager.default.temporaryDirectory
        let url = dir.appendingPathComponent("gt-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"units":"m","up":[0,1,0],"images":[{"name":"a.png"}],"queries":[],"roof":{"point":[0,0,0],"normal":[0,1,0]}}"#.utf8).write(to: url)
        #expect(throws: GroundTruthFileError.invalid(path: url.path, field: "images.Index 0.fx", reason: "missing")) {
            try GroundTruthFile.read(from: url)
        }
        try Data(#"{"units":"ft","up":[0,1,0],"images":[],"queries":[],"roof":{"point":[0,0,0],"normal":[0,1,0]}}"#.utf8).write(to: url)
        #expect(throws: GroundTruthFileError.invalid(path: url.path, field: "units", reason: "expected \"m\", found \"ft\"")) {
            try GroundTruthFile.read(from: url)
        }
        #expect(throws: GroundTruthFileError.unreadable(path: "/nonexistent/gt.json")) {
            try GroundTruthFile.read(from: URL(fileURLWithPath: "/nonexistent/gt.json"))
        }
    }

    @Test func poseRoundTripsThroughJSON() throws {
        let pose = Rigid3(rotation: Quaternion(axis: Vec3(1, 2, 3), angle: 0.7), translation: Vec3(1, -2, 3.5))
        let k = CameraIntrinsics(width: 10, height: 8, fx: 9, fy: 9, cx: 4.5, cy: 3.5)
        let gt = GroundTruthFile(images: [.init(name: "images/0000.png", intrinsics: k, cameraFromWorld: pose)], queries: [],
                             roof: .init(point: Vec3(0, 12, 0), normal: .up))
        let back = try JSONDecoder().decode(GroundTruthFile.self, from: gt.encoded())
        #expect(back.images[0].cameraFromWorldRigid == pose && back.images[0].intrinsics == k)
        let text = String(decoding: try gt.encoded(), as: UTF8.self)
        #expect(text.contains("\"name\" : \"images/0000.png\""))
    }
}
