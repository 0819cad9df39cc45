import Foundation
import Geometry
import Testing
@testable import Rendering
import Imaging

/// A camera at the world origin looking down +z (world = OpenCV camera axes).
private func camera(_ w: Int, _ h: Int, f: Double, cx: Double = 0, cy: Double = 0) -> CameraIntrinsics {
    CameraIntrinsics(width: w, height: h, fx: f, fy: f, cx: cx, cy: cy)
}

/// A quad at depth z spanning [x0, x1] × [y0, y1], front face toward the camera at the origin.
///
///     v0 (x0,y0) ── v3 (x1,y0)
///      │      ╲      │
///     v1 (x0,y1) ── v2 (x1,y1)
private func quad(_ x0: Float, _ y0: Float, _ x1: Float, _ y1: Float, z: Float, material: Int = 0) -> Mesh {
    Mesh(positions: [SIMD3(x0, y0, z), SIMD3(x0, y1, z), SIMD3(x1, y1, z), SIMD3(x1, y0, z)],
         uvs: [SIMD2(0, 0), SIMD2(0, 1), SIMD2(1, 1), SIMD2(1, 0)],
         indices: [0, 1, 2, 0, 2, 3], material: material)
}

private func options(threads: Int = 1) -> RenderOptions {
    var o = RenderOptions()
    o.threads = threads
    return o
}

@Suite struct RasterizerTests {
    @Test func quadCoversExactlyTheSamplesInsideIt() throws {
        // f = 10: the quad [0.25, 0.75] × [0.15, 0.45] at z = 1 projects to [2.5, 7.5] × [1.5, 4.5].
        let scene = Scene(meshes: [quad(0.25, 0.15, 0.75, 0.45, z: 1)])
        let r = try Rasterizer.render(scene, intrinsics: camera(10, 8, f: 10), cameraFromWorld: .identity, options: options())
        for y in 0..<8 { for x in 0..<10 {
            let inside = (3...7).contains(x) && (2...4).contains(y)
            #expect(r.isCovered(x: x, y: y) == inside, "pixel \(x),\(y)")
        } }
    }

    @Test func sharedAndOuterEdgesFollowTheTopLeftRule() throws {
        // f = 8: [0.25, 0.75] × [0.125, 0.5] at z = 1 projects to exactly [2, 6] × [1, 4]:
        // samples on the left and top edges are in, on the right and bottom edges out, and the
        // diagonal shared by the two triangles is covered exactly once (no gap).
        let scene = Scene(meshes: [quad(0.25, 0.125, 0.75, 0.5, z: 1)])
        let r = try Rasterizer.render(scene, intrinsics: camera(8, 6, f: 8), cameraFromWorld: .identity, options: options())
        var covered = 0
        for y in 0..<6 { for x in 0..<8 where r.isCovered(x: x, y: y) {
            covered += 1
            #expect((2...5).contains(x) && (1...3).contains(y), "pixel \(x),\(y)")
        } }
        #expect(covered == 12)
        // Each triangle alone: together exactly 12, so none is drawn twice.
        var one = scene; one.meshes[0].indices = [0, 1, 2]
        var two = scene; two.meshes[0].indices = [0, 2, 3]
        let c1 = try Rasterizer.render(one, intrinsics: camera(8, 6, f: 8), cameraFromWorld: .identity, options: options())
        let c2 = try Rasterizer.render(two, intrinsics: camera(8, 6, f: 8), cameraFromWorld: .identity, options: options())
        #expect(c1.instanceIDs.filter { $0 >= 0 }.count + c2.instanceIDs.filter { $0 >= 0 }.count == 12)
    }

    @Test func depthOfAFrontoParallelAndATiltedPlane() throws {
        let k = camera(64, 48, f: 50, cx: 31.5, cy: 23.5)
        // Fronto-parallel at 5 m, seen by a camera 2 m behind the world origin.
        let flat = Scene(meshes: [quad(-10, -10, 10, 10, z: 3)])
        let moved = Rigid3(translation: Vec3(0, 0, 2))
        let r = try Rasterizer.render(flat, intrinsics: k, cameraFromWorld: moved, options: options())
        #expect(r.depth.allSatisfy { $0 == 5 })
        // Tilted: z = 4 + 0.5 x. Along the ray (u, v, 1)·z: z = 4 / (1 − 0.5 u).
        let tilted = Scene(meshes: [Mesh(
            positions: [SIMD3(-4, -8, 2), SIMD3(-4, 8, 2), SIMD3(4, 8, 6), SIMD3(4, -8, 6)],
            indices: [0, 1, 2, 0, 2, 3])])
        let t = try Rasterizer.render(tilted, intrinsics: k, cameraFromWorld: .identity, options: options(threads: 3))
        var worst: Double = 0
        for y in 0..<48 { for x in 0..<64 {
            let u = (Double(x) - k.cx) / k.fx
            let expected = 4 / (1 - 0.5 * u)
            #expect(t.isCovered(x: x, y: y))
            worst = max(worst, abs(Double(t.depth[y * 64 + x]) - expected) / expected)
        } }
        #expect(worst < 1e-6)
    }

    @Test func nearerSurfaceWinsWhateverTheDrawingOrder() throws {
        let near = quad(-1, -1, 1, 1, z: 2), far = quad(-1, -1, 1, 1, z: 4)
        for meshes in [[near, far], [far, near]] {
            let r = try Rasterizer.render(Scene(meshes: meshes), intrinsics: camera(9, 9, f: 4, cx: 4, cy: 4),
                                          cameraFromWorld: .identity, options: options())
            let nearIndex = Int32(meshes[0] == near ? 0 : 1)
            #expect(r.depth[4 * 9 + 4] == 2)
            #expect(r.instanceIDs[4 * 9 + 4] == nearIndex)
        }
    }

    @Test func perspectiveCorrectTextureCoordinatesOnAFloor() throws {
        // A floor y = 1 from z = 1 to z = 9 with u across and v along depth; camera at origin.
        let floor = Mesh(positions: [SIMD3(-4, 1, 1), SIMD3(-4, 1, 9), SIMD3(4, 1, 9), SIMD3(4, 1, 1)],
                         uvs: [SIMD2(0, 0), SIMD2(0, 1), SIMD2(1, 1), SIMD2(1, 0)],
                         indices: [0, 2, 1, 0, 3, 2])
        let k = camera(101, 101, f: 50, cx: 50, cy: 50)
        let r = try Rasterizer.render(Scene(meshes: [floor], materials: [Material(doubleSided: true)]),
                                      intrinsics: k, cameraFromWorld: .identity, options: options())
        // Pixel (70, 60): ray (0.4, 0.2, 1) hits y = 1 at z = 5, x = 2 → u = 0.75, v = 0.5.
        // (Affine interpolation would give v ≈ 0.83 here.)
        let i = 60 * 101 + 70
        #expect(r.depth[i] == 5)
        let tri = Int(r.triangleIDs[i]), b = r.barycentrics[i]
        let idx = floor.indices[(3 * tri)..<(3 * tri + 3)].map { floor.uvs[Int($0)] }
        let uv = idx[0] * (1 - b.x - b.y) + idx[1] * b.x + idx[2] * b.y
        #expect(abs(uv.x - 0.75) < 1e-5 && abs(uv.y - 0.5) < 1e-5)
    }

    @Test func texturedUnlitPixelIsTheBilinearSample() throws {
        // A 2×1 clamped texture, red | blue, on a quad filling the view; unlit.
        let tex = Texture(image: Image8(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 0, 0, 255]), wrap: .clamp)
        let scene = Scene(meshes: [quad(-1, -1, 1, 1, z: 1)], materials: [Material(texture: 0, unlit: true)], textures: [tex])
        // f = 4, cx = 4: pixel x ↦ world x = (x − 4) / 4 ↦ u = (x/4 − 1 + 1) / 2 = x / 8.
        let r = try Rasterizer.render(scene, intrinsics: camera(9, 9, f: 4, cx: 4, cy: 4), cameraFromWorld: .identity,
                                      options: options())
        for x in 0...7 {  // x = 8 lies on the quad's right edge (not covered)
            // Texel coordinate s = u·2 − 0.5, clamped weights between texel 0 (red) and 1 (blue).
            let t = min(1, max(0, Double(x) / 8 * 2 - 0.5))
            let red = r.image.pixels[3 * (4 * 9 + x)], blue = r.image.pixels[3 * (4 * 9 + x) + 2]
            #expect(abs(Double(red) - 255 * (1 - t)) <= 1 && abs(Double(blue) - 255 * t) <= 1, "x = \(x)")
        }
    }

    @Test func lambertShadingOfAQuadFacingTheLight() throws {
        var o = options()
        o.light = DirectionalLight(directionToLight: Vec3(0, 0, -1), color: SIMD3(repeating: 0.5), ambient: SIMD3(repeating: 0.25))
        let scene = Scene(meshes: [quad(-1, -1, 1, 1, z: 1)], materials: [Material(baseColor: SIMD3(1, 0.5, 0))])
        let r = try Rasterizer.render(scene, intrinsics: camera(3, 3, f: 1, cx: 1, cy: 1), cameraFromWorld: .identity, options: o)
        // Facing the light fully: albedo × (0.25 + 0.5) = (0.75, 0.375, 0) → (191, 96, 0).
        #expect(Array(r.image.pixels[12..<15]) == [191, 96, 0])
    }

    @Test func triangleCrossingTheNearPlaneIsClipped() throws {
        // A floor triangle y = 1 with one vertex behind the camera: only its part at z ≥ near
        // is drawn, with exact depth.
        let a = SIMD3<Double>(-3, 1, -2), b = SIMD3<Double>(3, 1, 6), c = SIMD3<Double>(-3, 1, 6)
        let mesh = Mesh(positions: [a, b, c].map { SIMD3<Float>($0) }, indices: [0, 1, 2])
        let k = camera(80, 60, f: 20, cx: 40, cy: 10)
        var o = options()
        o.nearPlane = 0.5
        let r = try Rasterizer.render(Scene(meshes: [mesh], materials: [Material(doubleSided: true)]),
                                      intrinsics: k, cameraFromWorld: .identity, options: o)
        var covered = 0
        for y in 0..<60 { for x in 0..<80 {
            let ray = Vec2((Double(x) - k.cx) / k.fx, (Double(y) - k.cy) / k.fy)
            // Where the ray meets y = 1, and whether that lies in the triangle (x ≥ -3, z ≤ 6, z ≥ x + 1 side).
            guard ray.y > 0 else { #expect(!r.isCovered(x: x, y: y)); continue }
            let z = 1 / ray.y, px = ray.x * z
            // Inside: px ≥ −3, z ≤ 6, and left of the edge a→b (z − 6 ≥ (px − 3)·(8/6)).
            let margins = [px + 3, 6 - z, (z - 6) - (px - 3) * 8 / 6, z - o.nearPlane]
            if margins.contains(where: { abs($0) < 1e-3 }) { continue }
            let inside = margins.allSatisfy { $0 > 0 }
            #expect(r.isCovered(x: x, y: y) == inside, "pixel \(x),\(y)")
            if inside {
                covered += 1
                #expect(abs(Double(r.depth[y * 80 + x]) - z) < 1e-5 * z)
            }
        } }
        #expect(covered > 500)
        #expect(r.depth.allSatisfy { $0 >= 0.5 })
    }

    @Test func backFacesAreCulledUnlessDoubleSided() throws {
        // Reverse the winding: the quad faces away.
        var m = quad(-3, -3, 3, 3, z: 2)
        m.indices = [0, 2, 1, 0, 3, 2]
        let k = camera(5, 5, f: 2, cx: 2, cy: 2)
        let culled = try Rasterizer.render(Scene(meshes: [m]), intrinsics: k, cameraFromWorld: .identity, options: options())
        #expect(culled.instanceIDs.allSatisfy { $0 == -1 })
        let drawn = try Rasterizer.render(Scene(meshes: [m], materials: [Material(doubleSided: true)]),
                                          intrinsics: k, cameraFromWorld: .identity, options: options())
        #expect(drawn.instanceIDs.allSatisfy { $0 == 0 })
    }

    @Test func instancesPlaceMeshesAndMasksSeparateThem() throws {
        // One 1 m quad drawn twice: left at 2 m, right scaled ×2 at 4 m (same apparent size).
        let m = quad(-0.5, -0.5, 0.5, 0.5, z: 0)
        let scene = Scene(meshes: [m], instances: [
            MeshInstance(mesh: 0, worldFromMesh: Sim3(translation: Vec3(-1, 0, 2))),
            MeshInstance(mesh: 0, worldFromMesh: Sim3(scale: 2, translation: Vec3(2, 0, 4))),
        ])
        let r = try Rasterizer.render(scene, intrinsics: camera(41, 21, f: 10, cx: 20, cy: 10),
                                      cameraFromWorld: .identity, options: options())
        let left = r.mask(instances: [0]), right = r.mask(instances: [1])
        #expect(left.pixels.filter { $0 == 255 }.count == right.pixels.filter { $0 == 255 }.count)
        #expect(r.instanceIDs[10 * 41 + 15] == 0 && r.depth[10 * 41 + 15] == 2)
        #expect(r.instanceIDs[10 * 41 + 25] == 1 && r.depth[10 * 41 + 25] == 4)
    }

    @Test func malformedScenesAreRefused() {
        let bad = Scene(meshes: [Mesh(positions: [.zero], indices: [0, 1, 2])])
        #expect(throws: RenderError.invalidMesh(mesh: 0, "index 1 out of range for 1 vertices")) {
            try Rasterizer.render(bad, intrinsics: camera(4, 4, f: 1), cameraFromWorld: .identity)
        }
    }
}
