import Foundation
import Geometry
import Testing
@testable import Rendering
import Imaging

@Suite struct PrimitivesTests {
    @Test func boxFacesOutwardWithExactDepth() throws {
        var scene = Scene(materials: [])
        let m = scene.addMaterial(Material())
        scene.addMesh(Mesh.box(min: SIMD3(-1, 0, -1), max: SIMD3(1, 2, 1), material: m))
        let k = CameraIntrinsics(width: 101, height: 81, fx: 100, fy: 100, cx: 50, cy: 40)
        let pose = Rigid3.cameraLookingAt(eye: Vec3(0, 1.6, 6), target: Vec3(0, 1, 0))
        let r = try Rasterizer.render(scene, intrinsics: k, cameraFromWorld: pose)
        // The optical axis meets the front face z = 1 at (0, 1.1, 1), 5.0249 m away.
        let centre = 40 * 101 + 50
        #expect(r.instanceIDs[centre] == 0)
        #expect(abs(Double(r.depth[centre]) - (0.25 + 25).squareRoot()) < 1e-5)
        #expect(Mesh.box(min: .zero, max: SIMD3(repeating: 1)).triangleCount == 12)
    }

    @Test func sphereSilhouetteMatchesItsProjection() throws {
        let sphere = Mesh.uvSphere(radius: 1, segments: 64, rings: 64)
        #expect(sphere.triangleCount == 2 * 64 * 63)
        let k = CameraIntrinsics(width: 201, height: 201, fx: 200, fy: 200, cx: 100, cy: 100)
        let r = try Rasterizer.render(Scene(meshes: [sphere]), intrinsics: k,
                                      cameraFromWorld: Rigid3(translation: Vec3(0, 0, 5)))
        // Seen from 5 m, a unit sphere's silhouette is a disc of radius f·r/√(d² − r²) pixels.
        let radius = 200 / (24.0).squareRoot()
        let area = Double(r.instanceIDs.filter { $0 == 0 }.count)
        #expect(abs(area / (Double.pi * radius * radius) - 1) < 0.01)
        // The nearest point is 4 m away.
        #expect(abs(r.depth[100 * 201 + 100] - 4) < 1e-3)
    }
}

@Suite struct PointSplatterTests {
    @Test func pointsOccludeTheMaskWhereNearer() throws {
        // A quad at 4 m filling a 21×21 view; one point at 2 m in front of its centre, one at
        // 6 m behind it (hidden: no effect), one behind the camera (skipped).
        let k = CameraIntrinsics(width: 21, height: 21, fx: 10, fy: 10, cx: 10, cy: 10)
        let quad = Mesh(positions: [SIMD3(-9, -9, 4), SIMD3(-9, 9, 4), SIMD3(9, 9, 4), SIMD3(9, -9, 4)], indices: [0, 1, 2, 0, 2, 3])
        let r = try Rasterizer.render(Scene(meshes: [quad]), intrinsics: k, cameraFromWorld: .identity)
        let d = PointSplatter.depth(points: [Vec3(0, 0, 2), Vec3(1.2, 0, 6), Vec3(0, 0, -1)], intrinsics: k,
                                    cameraFromWorld: .identity, radiusPixels: 1)
        #expect(d[10 * 21 + 10] == 2 && d[10 * 21 + 12] == 6 && d[9 * 21 + 9] == 2)
        #expect(d.filter { $0.isFinite }.count == 15)   // two 3×3 squares sharing column 11
        let m = r.mask(instances: [0], occluderDepth: d)
        #expect(m.pixels.filter { $0 == 0 }.count == 9)   // the 3×3 square of the near point
        #expect(m.pixels[10 * 21 + 10] == 0 && m.pixels[10 * 21 + 12] == 255)
    }
}

@Suite struct CompositingTests {
    @Test func renderOverPhotoThroughMask() {
        let photo = Image8(width: 2, height: 1, channels: 3, pixels: [100, 100, 100, 100, 100, 100])
        let render = Image8(width: 2, height: 1, channels: 3, pixels: [200, 0, 50, 200, 0, 50])
        let mask = Image8(width: 2, height: 1, channels: 1, pixels: [255, 51])
        let out = Compositing.over(render, photo: photo, mask: mask)
        // Pixel 0 fully the render; pixel 1: 100·(204/255) + v·(51/255), rounded.
        #expect(Array(out.pixels[0..<3]) == [200, 0, 50])
        #expect(Array(out.pixels[3..<6]) == [120, 80, 90])
        let rgba = Compositing.rgba(render, alpha: mask)
        #expect(rgba.pixels == [200, 0, 50, 255, 200, 0, 50, 51])
        #expect(Compositing.over(rgba, photo: photo) == out)
    }

    @Test func supersampledMaskIsTheCoveredFraction() throws {
        // f = 8 at z = 1: the quad [0.25, 0.75] × [0.125, 0.5] covers samples x 2…5, y 1…3 of 8×6;
        // reduced by 2, pixel (1, 0) has 2 of its 4 samples covered (x 2, 3 at y 1), pixel (1, 1)
        // all 4 (y 2, 3), pixel (1, 2) none (y 4, 5).
        let m = Mesh(positions: [SIMD3(0.25, 0.125, 1), SIMD3(0.25, 0.5, 1), SIMD3(0.75, 0.5, 1), SIMD3(0.75, 0.125, 1)],
                     indices: [0, 1, 2, 0, 2, 3])
        let r = try Rasterizer.render(Scene(meshes: [m]), intrinsics: CameraIntrinsics(width: 8, height: 6, fx: 8, fy: 8, cx: 0, cy: 0),
                                      cameraFromWorld: .identity)
        let mask = r.mask(instances: [0], downsampledBy: 2)
        #expect(mask.width == 4 && mask.height == 3)
        #expect(mask.pixels == [0, 128, 128, 0,
                                0, 255, 255, 0,
                                0, 0, 0, 0])
    }

    @Test func downsamplingAveragesBlocks() {
        let img = Image8(width: 2, height: 2, channels: 3, pixels: [0, 0, 0, 10, 20, 30, 20, 40, 60, 30, 60, 90])
        #expect(img.downsampled(by: 2).pixels == [15, 30, 45])
    }
}
