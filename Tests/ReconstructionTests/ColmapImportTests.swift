import Foundation
import Geometry
import LandmarkMap
import Rendering
import Synthetic
import Testing
@testable import Reconstruction
import Imaging
import Features

@Suite struct ColmapImportTests {
    /// Two textured photos and a COLMAP model observing 6 points in them.
    static func fixture() throws -> (model: URL, images: URL, map: FeatureMap) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ColmapImportTests-\(UUID().uuidString)")
        let images = root.appendingPathComponent("photos"), model = root.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for (i, name) in ["a.png", "b.png"].enumerated() {
            try noiseTexture(width: 160, height: 120, seed: UInt64(10 + i)).write(to: images.appendingPathComponent(name))
        }
        var points: [MapPoint] = []
        for p in 0..<6 {
            points.append(MapPoint(id: Int64(p + 1), position: Vec3(Double(p), 0, 5), observations: [
                Observation(keyframeID: 1, keypointIndex: Int32(p), pixel: Vec2(20 + 20 * Double(p), 30)),
                Observation(keyframeID: 2, keypointIndex: Int32(p), pixel: Vec2(25 + 20 * Double(p), 80.25)),
            ]))
        }
        let map = FeatureMap(
            metadata: MapMetadata(name: "fixture"),
            cameras: [MapCamera(id: 1, intrinsics: CameraIntrinsics(width: 160, height: 120, fx: 150, fy: 150, cx: 79.5, cy: 59.5))],
            keyframes: [Keyframe(id: 1, name: "a.png", cameraID: 1, cameraFromLandmark: .identity),
                        Keyframe(id: 2, name: "b.png", cameraID: 1, cameraFromLandmark: Rigid3(translation: Vec3(-1, 0, 0)))],
            points: points)
        try ColmapText.write(map, to: model)
        return (model, images, map)
    }

    @Test func importComputesDescriptorsAtEveryObservation() throws {
        let f = try Self.fixture()
        let (map, report) = try ColmapImport.importModel(from: f.model, images: f.images, metadata: MapMetadata(name: "fixture"))
        #expect(report.images == 2 && report.observations == 12)
        // Geometry is the model's, exactly.
        #expect(map.cameras == f.map.cameras && map.keyframes == f.map.keyframes)
        #expect(map.points.map(\.position) == f.map.points.map(\.position))
        #expect(map.points.flatMap(\.observations).map(\.pixel) == f.map.points.flatMap(\.observations).map(\.pixel))
        // Descriptors equal a direct computation at the same keypoints.
        let photo = try Image8(contentsOf: f.images.appendingPathComponent("a.png"), channels: 1)
        let direct = try KeypointDescriptors.compute(on: photo, at: f.map.points.map { .init(pixel: $0.observations[0].pixel) })
        for (p, d) in zip(map.points, direct) {
            #expect(p.observations[0].descriptor == d.descriptor)
            #expect(p.observations[0].size == d.size && p.observations[0].size > 0)
        }
        // And the result is a valid landmark file.
        let url = f.model.deletingLastPathComponent().appendingPathComponent("fixture.landmark")
        try LandmarkStore.write(map, to: url)
        #expect(try LandmarkStore.validate(url).descriptorCount == 12)
    }

    @Test func missingOrMismatchedPhotosAreNamed() throws {
        let f = try Self.fixture()
        try FileManager.default.removeItem(at: f.images.appendingPathComponent("b.png"))
        let missing = #expect(throws: ColmapImportError.self) {
            try ColmapImport.importModel(from: f.model, images: f.images, metadata: MapMetadata(name: "x"))
        }
        #expect(missing?.description.contains("b.png") == true)

        try noiseTexture(width: 120, height: 160, seed: 1).write(to: f.images.appendingPathComponent("b.png"))
        let rotated = #expect(throws: ColmapImportError.self) {
            try ColmapImport.importModel(from: f.model, images: f.images, metadata: MapMetadata(name: "x"))
        }
        #expect(rotated?.description.contains("120×160 but its COLMAP camera is 160×120") == true, "\(String(describing: rotated))")
    }
}
