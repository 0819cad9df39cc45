import Foundation
import Testing
import Geometry
import Rendering
@testable import Anchoring
import Imaging

/// A 0.5 × 1.8 × 0.3 m box standing on its base at the origin: a stand-in character.
func boxCharacter() -> Scene {
    var positions: [SIMD3<Float>] = []
    var indices: [UInt32] = []
    let lo = SIMD3<Float>(-0.25, 0, -0.15), hi = SIMD3<Float>(0.25, 1.8, 0.15)
    for i in 0..<8 { positions.append(SIMD3(i & 1 == 0 ? lo.x : hi.x, i & 2 == 0 ? lo.y : hi.y, i & 4 == 0 ? lo.z : hi.z)) }
    let faces: [[UInt32]] = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]]
    for f in faces { indices += [f[0], f[1], f[2], f[0], f[2], f[3]] }
    return Scene(meshes: [Mesh(positions: positions, indices: indices)], materials: [Material(baseColor: SIMD3(0.9, 0.2, 0.2), doubleSided: true)])
}

@Suite struct PreviewTests {
    let k = CameraIntrinsics(width: 320, height: 240, fx: 300, fy: 300, cx: 160, cy: 120)
    /// A camera 6 m in front of the origin (on +Z), at 1 m height, looking at (0, 1, 0).
    var cameraFromLandmark: Rigid3 {
        let c = Vec3(0, 1, 6), z = normalize(Vec3(0, 1, 0) - c)
        let x = normalize(cross(Vec3(0, -1, 0), z)), y = cross(z, x)
        return Rigid3(rotation: Matrix3(columns: x, y, z), translation: c).inverse
    }

    @Test func characterAppearsWhereItStands() throws {
        let frame = Image8(width: 320, height: 240, channels: 3, fill: 90)
        let r = try PreviewRenderer.render(frame: frame, intrinsics: k, cameraFromLandmark: cameraFromLandmark,
                                           landmarkFromAnchor: Rigid3.identity, character: boxCharacter(), occluder: nil)
        // The box spans x ∈ [−0.25, 0.25] m at ~6 m: about 25 px wide, centred on the image.
        let c = try #require(r.silhouetteCentroid)
        #expect(abs(c.x - 160) < 1.5)
        #expect(r.visiblePixels == r.silhouettePixels)
        #expect(r.silhouettePixels > 1500 && r.silhouettePixels < 6000)
        // Composited: red where the character is, the frame elsewhere.
        let i = Int(c.y) * 320 + Int(c.x)
        #expect(r.image.pixels[3 * i] > r.image.pixels[3 * i + 1])
        #expect(r.image.pixels[0] == 90)
    }

    @Test func aWallInFrontHidesTheFeet() throws {
        // A 0.8 m high wall at z = 1 between the camera and the character.
        let wall = Mesh(positions: [SIMD3(-3, 0, 1), SIMD3(3, 0, 1), SIMD3(3, 0.8, 1), SIMD3(-3, 0.8, 1)], indices: [0, 1, 2, 0, 2, 3])
        let frame = Image8(width: 320, height: 240, channels: 3, fill: 90)
        let r = try PreviewRenderer.render(frame: frame, intrinsics: k, cameraFromLandmark: cameraFromLandmark,
                                           landmarkFromAnchor: Rigid3.identity, character: boxCharacter(), occluder: .mesh(wall))
        #expect(r.visiblePixels < r.silhouettePixels * 8 / 10)
        #expect(r.visiblePixels > r.silhouettePixels / 4)
        // The lowest silhouette row is hidden, the top is visible.
        let rows = (0..<240).filter { y in (0..<320).contains { r.silhouetteMask.pixels[y * 320 + $0] != 0 } }
        let bottom = try #require(rows.last), top = try #require(rows.first)
        #expect(!(0..<320).contains { r.visibleMask.pixels[bottom * 320 + $0] != 0 })
        #expect((0..<320).contains { r.visibleMask.pixels[top * 320 + $0] != 0 })
    }

    @Test func anchorMovesTheCharacter() throws {
        let frame = Image8(width: 320, height: 240, channels: 3)
        let moved = Rigid3(rotation: Quaternion.identity, translation: Vec3(1, 0, 0))
        let r = try PreviewRenderer.render(frame: frame, intrinsics: k, cameraFromLandmark: cameraFromLandmark,
                                           landmarkFromAnchor: moved, character: boxCharacter(), occluder: nil)
        let c = try #require(r.silhouetteCentroid)
        #expect(c.x > 190 && c.x < 230)   // 1 m right at ~6 m ≈ 50 px
    }

    @Test func contactSheetTilesImages() {
        let tiles = (0..<5).map { Image8(width: 40, height: 30, channels: 3, fill: UInt8($0 * 40)) }
        let sheet = ContactSheet.make(tiles, columns: 3)
        #expect(sheet.width == 3 * 40 + 4 * 4 && sheet.height == 2 * 30 + 3 * 4)
        // Tile 4 sits in row 1, column 1.
        let x = 4 + 44 + 10, y = 4 + 34 + 10
        #expect(sheet.pixels[(y * sheet.width + x) * 3] == 160)
    }
}
