import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import Synthetic
import Imaging

/// A small, quick landmark: 10 views, 3 queries, 160×120, coarse textures.
private let small = SyntheticOptions(viewCount: 10, queryCount: 3, width: 160, height: 120, supersampling: 1, textureDetail: 0.25)

@Suite struct SyntheticLandmarkTests {
    @Test func sameSeedSameLandmarkOtherSeedOther() throws {
        let a = try SyntheticLandmark.make(seed: 7, options: small), b = try SyntheticLandmark.make(seed: 7, options: small)
        let c = try SyntheticLandmark.make(seed: 8, options: small)
        #expect(a.groundTruth() == b.groundTruth())
        #expect(a.scene.textures == b.scene.textures)
        #expect(try a.render(view: a.queries[1]) == b.render(view: b.queries[1], threads: 1))
        #expect(a.scene.textures != c.scene.textures)
        #expect(a.groundTruth().queries != c.groundTruth().queries)
    }

    @Test func captureLayoutRingsAndDroneViews() throws {
        let lm = try SyntheticLandmark.make(seed: 7, options: SyntheticOptions(viewCount: 40, queryCount: 20, textureDetail: 0.25))
        #expect(lm.views.count == 40 && lm.queries.count == 20)
        #expect(lm.views.map(\.name).first == "images/0000.png" && lm.queries.map(\.name).last == "queries/0019.png")
        let heights = lm.views.map { $0.cameraFromWorld.centerOfTargetInSource.y }
        #expect(heights.filter { abs($0 - 1.6) < 1e-9 }.count == 26)           // street level
        #expect(heights.filter { $0 > SyntheticLandmark.roofHeight + 10 }.count == 14)  // drone, above the roof
        for v in lm.views + lm.queries {
            #expect(!lm.isInsideModel(v.cameraFromWorld.centerOfTargetInSource))
        }
    }

    @Test func lookAtPutsTheTargetAtThePrincipalPointWithUpUp() {
        let k = CameraIntrinsics(width: 100, height: 80, fx: 90, fy: 90, cx: 49.5, cy: 39.5)
        let pose = Rigid3.cameraLookingAt(eye: Vec3(3, 2, 20), target: Vec3(-1, 6, 0))
        let p = k.project(pose * Vec3(-1, 6, 0))!
        #expect(abs(p.x - 49.5) < 1e-9 && abs(p.y - 39.5) < 1e-9)
        // A point above the target appears higher in the image (smaller y).
        #expect(k.project(pose * Vec3(-1, 7, 0))!.y < p.y)
        #expect(abs(pose.rotation.norm - 1) < 1e-12)
    }

    /// The ground truth, after a JSON round trip, agrees with the rendered geometry: roof
    /// pixels seen from the drone back-project onto the roof plane y = 12.
    @Test func groundTruthPosesAgreeWithTheRenderedRoof() throws {
        let lm = try SyntheticLandmark.make(seed: 3, options: small)
        let gt = try JSONDecoder().decode(GroundTruthFile.self, from: try lm.groundTruth().encoded())
        let roofMesh = try #require(lm.textureNames.firstIndex(of: "main_roof"))
        for view in gt.images where view.center.y > 20 {
            let k = view.intrinsics, pose = view.cameraFromWorldRigid
            let r = try Rasterizer.render(lm.scene, intrinsics: k, cameraFromWorld: pose)
            let worldFromCamera = pose.inverse
            var roofPixels = 0, worst = 0.0
            for y in 0..<k.height { for x in 0..<k.width where r.instanceIDs[y * k.width + x] == Int32(roofMesh) {
                roofPixels += 1
                let p = worldFromCamera * (k.ray(through: Vec2(Double(x), Double(y))) * Double(r.depth[y * k.width + x]))
                worst = max(worst, abs(gt.roof.signedDistance(p)))
            } }
            #expect(roofPixels > k.width * k.height / 20, "\(view.name) sees the roof")
            #expect(worst < 1e-3, "\(view.name): roof pixels off the plane by \(worst) m")
        }
    }

    @Test func everyViewSeesTheBuilding() throws {
        let lm = try SyntheticLandmark.make(seed: 7, options: small)
        let ground = try #require(lm.textureNames.firstIndex(of: "ground"))
        for v in lm.views + lm.queries {
            let r = try Rasterizer.render(lm.scene, intrinsics: v.intrinsics, cameraFromWorld: v.cameraFromWorld)
            let building = r.instanceIDs.filter { $0 >= 0 && $0 != Int32(ground) }.count
            #expect(building > r.width * r.height / 10, "\(v.name) shows the building on \(building) pixels")
        }
    }

    @Test func writesTheFolderAndRefusesToClobber() throws {
        let lm = try SyntheticLandmark.make(seed: 5, options: SyntheticOptions(viewCount: 8, queryCount: 2, width: 96, height: 72,
                                                                                supersampling: 1, textureDetail: 0.25))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synth-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try lm.write(to: dir)
        let fm = FileManager.default
        for f in ["images/0000.png", "images/0007.png", "queries/0001.png", "intrinsics.json", "model.obj", "model.mtl",
                  "ground_truth.json", "textures/main_roof.png"] {
            #expect(fm.fileExists(atPath: dir.appendingPathComponent(f).path), "\(f)")
        }
        let gt = try GroundTruthFile.read(from: dir.appendingPathComponent("ground_truth.json"))
        #expect(gt == lm.groundTruth())
        #expect(gt.roof.pointVector == Vec3(0, 12, 0) && gt.roof.normalVector == Vec3(0, 1, 0))
        let intr = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("intrinsics.json"))) as! [String: Double]
        #expect(intr["fx"] == lm.intrinsics.fx && intr["width"] == 96 && intr["cy"] == 35.5)
        #expect(intr["k1"] == 0 && intr["k2"] == 0 && intr["p1"] == 0 && intr["p2"] == 0)   // a stated pinhole
        let img = try Image8(contentsOf: dir.appendingPathComponent("queries/0001.png"))
        #expect(img.width == 96 && img.height == 72)
        // A second write without overwrite fails and leaves the folder as it was.
        #expect(throws: SyntheticError.outputExists(path: dir.standardizedFileURL.path)) { try lm.write(to: dir) }
        #expect(try GroundTruthFile.read(from: dir.appendingPathComponent("ground_truth.json")) == gt)
        let leftovers = try fm.contentsOfDirectory(atPath: dir.deletingLastPathComponent().path).filter { $0.contains(".partial-") && $0.contains(dir.lastPathComponent) }
        #expect(leftovers.isEmpty)
    }

    @Test func invalidOptionsAreRefused() {
        #expect(throws: SyntheticError.invalidOptions("at least 8 capture views are needed, got 3")) {
            try SyntheticLandmark.make(seed: 1, options: SyntheticOptions(viewCount: 3))
        }
    }
}

