import Foundation
import Geometry
import Testing
@testable import LandmarkMap

@Suite struct ColmapTextTests {
    /// What survives COLMAP's text model: everything but descriptors, keypoint sizes and angles.
    static func colmapPart(_ map: FeatureMap) -> FeatureMap {
        var m = map
        for p in m.points.indices {
            for o in m.points[p].observations.indices {
                m.points[p].observations[o].descriptor = []
                m.points[p].observations[o].size = 0
                m.points[p].observations[o].angle = 0
            }
        }
        m.anchors = []
        return m
    }

    @Test func roundTripIsExact() throws {
        let map = Self.colmapPart(Fixtures.map(seed: 50, keyframeCount: 8, pointCount: 300, observationsPerPoint: 4))
        let dir = try Fixtures.scratchDirectory().appendingPathComponent("model")
        try ColmapText.write(map, to: dir)
        #expect(try Fixtures.listing(dir) == ["cameras.txt", "images.txt", "points3D.txt"])
        let back = try ColmapText.read(from: dir, metadata: map.metadata)
        #expect(back == map)
        // Exporting the import gives the same bytes.
        let again = try ColmapText.export(back), first = try ColmapText.export(map)
        #expect(again.cameras == first.cameras && again.images == first.images && again.points3D == first.points3D)
    }

    /// A hand-written model: the exact numbers, the model choice and the half-pixel shift.
    @Test func exportWritesColmapConventions() throws {
        let pose = Rigid3(rotation: Quaternion(w: 0.5, x: 0.5, y: -0.5, z: 0.5), translation: Vec3(1, -2, 3.25))
        let map = FeatureMap(
            metadata: MapMetadata(name: "tiny"),
            cameras: [MapCamera(id: 1, intrinsics: CameraIntrinsics(width: 640, height: 480, fx: 500, fy: 501, cx: 319.5, cy: 239.5)),
                      MapCamera(id: 2, intrinsics: CameraIntrinsics(width: 800, height: 600, fx: 700, fy: 700, cx: 400, cy: 300,
                                                                    k1: -0.1, k2: 0.01, p1: 0.001, p2: -0.002))],
            keyframes: [Keyframe(id: 1, name: "a.png", cameraID: 1, cameraFromLandmark: pose),
                        Keyframe(id: 2, name: "b.png", cameraID: 2, cameraFromLandmark: .identity),
                        Keyframe(id: 3, name: "c.png", cameraID: 1, cameraFromLandmark: .identity)],
            points: [MapPoint(id: 7, position: Vec3(0.5, 1.5, -2), color: SIMD3(255, 0, 10), reprojectionError: 0.25,
                              observations: [Observation(keyframeID: 1, keypointIndex: 1, pixel: Vec2(10, 20)),
                                             Observation(keyframeID: 2, keypointIndex: 0, pixel: Vec2(-0.5, 0))]),
                     MapPoint(id: 9, position: Vec3(1, 2, 3), color: SIMD3(1, 2, 3), reprojectionError: 0,
                              observations: [Observation(keyframeID: 1, keypointIndex: 0, pixel: Vec2(100.25, 200.75))])])
        let t = try ColmapText.export(map)
        let data = { (s: String) in s.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") } }
        #expect(data(t.cameras) == ["1 PINHOLE 640 480 500.0 501.0 320 240",
                                    "2 OPENCV 800 600 700.0 700.0 400.5 300.5 -0.1 0.01 0.001 -0.002", ""])
        #expect(data(t.images) == ["1 0.5 0.5 -0.5 0.5 1.0 -2.0 3.25 1 a.png", "100.75 201.25 9 10.5 20.5 7",
                                   "2 1.0 0.0 0.0 0.0 0.0 0.0 0.0 2 b.png", "0 0.5 7",
                                   "3 1.0 0.0 0.0 0.0 0.0 0.0 0.0 1 c.png", "", ""])
        #expect(data(t.points3D) == ["7 0.5 1.5 -2.0 255 0 10 0.25 1 1 2 0", "9 1.0 2.0 3.0 1 2 3 0.0 1 0", ""])
        let dir = try Fixtures.scratchDirectory()
        try ColmapText.write(map, to: dir)
        #expect(try ColmapText.read(from: dir, metadata: map.metadata) == map)
    }

    @Test func importToleratesCommentsBlankLinesAndOtherModels() throws {
        let dir = try Fixtures.scratchDirectory()
        try "# comment\r\n\r\n1 SIMPLE_RADIAL 100 80 90 50 40 0.01\r\n\n2 SIMPLE_PINHOLE 10 10 5 5 5\n"
            .write(to: dir.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        try """
            # Image list
            \n
            5 1 0 0 0 0 0 1 1 left.jpg
            1.5 2.5 -1 3.5 4.5 3
            6 0 1 0 0 1 2 3 2 right.jpg

            """.write(to: dir.appendingPathComponent("images.txt"), atomically: true, encoding: .utf8)
        try "# points\n\n3 1 2 3 4 5 6 0.5 5 1\n\n".write(to: dir.appendingPathComponent("points3D.txt"), atomically: true, encoding: .utf8)
        let map = try ColmapText.read(from: dir, metadata: MapMetadata(name: "x"))
        #expect(map.cameras.map(\.intrinsics) == [
            CameraIntrinsics(width: 100, height: 80, fx: 90, fy: 90, cx: 49.5, cy: 39.5, k1: 0.01),
            CameraIntrinsics(width: 10, height: 10, fx: 5, fy: 5, cx: 4.5, cy: 4.5)])
        #expect(map.keyframes.map(\.name) == ["left.jpg", "right.jpg"])
        #expect(map.keyframes[1].cameraFromLandmark.rotation == Quaternion(w: 0, x: 1, y: 0, z: 0))
        #expect(map.points == [MapPoint(id: 3, position: Vec3(1, 2, 3), color: SIMD3(4, 5, 6), reprojectionError: 0.5,
                                        observations: [Observation(keyframeID: 5, keypointIndex: 1, pixel: Vec2(3, 4))])])
    }

    @Test func importErrorsNameFileAndLine() throws {
        let good = Self.colmapPart(Fixtures.map(seed: 51, keyframeCount: 3, pointCount: 5, observationsPerPoint: 2))
        let cases: [(file: String, mutate: (String) -> String, expected: String)] = [
            ("cameras.txt", { $0.replacingOccurrences(of: "PINHOLE", with: "FISHEYE") }, "cameras.txt:4: camera model FISHEYE is not supported"),
            ("cameras.txt", { $0 + "3 PINHOLE 10 10 1 2\n" }, "cameras.txt:6: PINHOLE has 4 parameters, found 2"),
            ("images.txt", { $0.replacingOccurrences(of: "images/0001.png", with: "images/0000.png") }, "is used twice"),
            ("points3D.txt", { $0.replacingOccurrences(of: "\n1 ", with: "\n1 x") }, "points3D.txt:4: 'x"),
            ("points3D.txt", { $0 + "99 0 0 0 1 1 1 0 1 999\n" }, "points3D.txt:9: track references keypoint 999 of image 1"),
            ("points3D.txt", { $0 + "99 0 0 0 1 1 1 0 42 0\n" }, "track references image 42"),
        ]
        for c in cases {
            let dir = try Fixtures.scratchDirectory()
            try ColmapText.write(good, to: dir)
            let url = dir.appendingPathComponent(c.file)
            try c.mutate(String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
            let error = #expect(throws: ColmapError.self) { try ColmapText.read(from: dir, metadata: good.metadata) }
            #expect(error?.description.contains(c.expected) == true, "\(error?.description ?? "no error")")
            #expect(error?.description.contains(dir.path) == true)
        }
        let empty = try Fixtures.scratchDirectory()
        #expect(throws: ColmapError.missingFile(path: empty.appendingPathComponent("cameras.txt").path)) {
            try ColmapText.read(from: empty, metadata: good.metadata)
        }
    }

    @Test func exportRefusesNamesWithSpaces() throws {
        var map = Fixtures.map(seed: 52, keyframeCount: 2, pointCount: 2)
        map.keyframes[0].name = "my photo.jpg"
        #expect(throws: ColmapError.self) { try ColmapText.export(map) }
    }
}
