import Dispatch
import Foundation
import Geometry
import Rendering
import Support
import Imaging

/// The synthetic landmark's geometry: boxes made of textured quads, landmark frame (Y up,
/// metres, ground at y = 0).
///
///   main block  x ∈ [−10, 10], z ∈ [−4, 4], walls to 13 m; roof surface at 12 m inside a
///               0.3 m thick, 1 m high parapet; on the roof a stair house, two AC units and a
///               billboard along the back edge
///   wing        x ∈ [1, 9], z ∈ [4, 10], 7 m, flat roof
///   plaza       100 m × 100 m ground, slabs within 18 m of the centre, asphalt beyond
///   props       a kiosk and two planters at 13–17 m from the centre
struct SyntheticModel {
    var scene: Scene
    var textureNames: [String]
    var solids: [(Vec3, Vec3)]

    /// A textured quad: texture u along `u`, v (down) along `v`; front side toward cross(v, u).
    struct Face {
        var name: String
        var origin: Vec3
        var u: Vec3
        var v: Vec3
        var kind: SurfaceKind
    }

    static func build(seed: UInt64, textureDetail: Float = 1) -> SyntheticModel {
        var faces: [Face] = []
        var solids: [(Vec3, Vec3)] = []
        let up = Vec3.up

        /// Walls of the box [x0, x1] × [z0, z1] from `y0` up `h` metres, facing out (or in).
        func walls(_ name: String, x0: Double, x1: Double, z0: Double, z1: Double, y0: Double, h: Double,
                   inward: Bool = false, skip: Set<String> = [], kind: (String, Double) -> SurfaceKind) {
            // Outward, each wall left → right as seen from outside.
            var edges: [(String, Vec3, Vec3)] = [
                ("front", Vec3(x0, y0, z1), Vec3(x1, y0, z1)), ("right", Vec3(x1, y0, z1), Vec3(x1, y0, z0)),
                ("back", Vec3(x1, y0, z0), Vec3(x0, y0, z0)), ("left", Vec3(x0, y0, z0), Vec3(x0, y0, z1)),
            ]
            if inward { edges = edges.map { ($0.0, $0.2, $0.1) } }
            for (side, a, b) in edges where !skip.contains(side) {
                faces.append(Face(name: "\(name)_\(side)", origin: a + up * h, u: b - a, v: -up * h, kind: kind(side, length(b - a))))
            }
        }
        func top(_ name: String, x0: Double, x1: Double, z0: Double, z1: Double, y: Double, kind: SurfaceKind) {
            faces.append(Face(name: name, origin: Vec3(x0, y, z0), u: Vec3(x1 - x0, 0, 0), v: Vec3(0, 0, z1 - z0), kind: kind))
        }
        func box(_ name: String, x0: Double, x1: Double, z0: Double, z1: Double, y0: Double, y1: Double,
                 walls wallKind: SurfaceKind, top topKind: SurfaceKind, front: SurfaceKind? = nil) {
            walls(name, x0: x0, x1: x1, z0: z0, z1: z1, y0: y0, h: y1 - y0) { side, _ in side == "front" ? (front ?? wallKind) : wallKind }
            top("\(name)_top", x0: x0, x1: x1, z0: z0, z1: z1, y: y1, kind: topKind)
            solids.append((Vec3(x0, y0, z0), Vec3(x1, y1, z1)))
        }

        // Main block: facades of different styles, shop fronts at the front.
        let roofY = SyntheticLandmark.roofHeight, wallTop = roofY + 1, p = 0.3
        let styles: [String: FacadeStyle] = ["front": .brick, "right": .plaster, "back": .stone, "left": .plaster]
        walls("main", x0: -10, x1: 10, z0: -4, z1: 4, y0: 0, h: wallTop) { side, _ in
            .facade(style: styles[side]!, floorHeight: 3, parapet: 1, shopFront: side == "front" || side == "left")
        }
        solids.append((Vec3(-10, 0, -4), Vec3(10, wallTop, 4)))
        top("main_roof", x0: -10 + p, x1: 10 - p, z0: -4 + p, z1: 4 - p, y: roofY, kind: .roof)
        walls("parapet_inner", x0: -10 + p, x1: 10 - p, z0: -4 + p, z1: 4 - p, y0: roofY, h: 1, inward: true) { _, _ in .coping }
        top("parapet_top_front", x0: -10, x1: 10, z0: 4 - p, z1: 4, y: wallTop, kind: .coping)
        top("parapet_top_back", x0: -10, x1: 10, z0: -4, z1: -4 + p, y: wallTop, kind: .coping)
        top("parapet_top_left", x0: -10, x1: -10 + p, z0: -4 + p, z1: 4 - p, y: wallTop, kind: .coping)
        top("parapet_top_right", x0: 10 - p, x1: 10, z0: -4 + p, z1: 4 - p, y: wallTop, kind: .coping)

        // Wing: a lower annex on the front, its back wall against the main block.
        walls("wing", x0: 1, x1: 9, z0: 4, z1: 10, y0: 0, h: 7, skip: ["back"]) { side, _ in
            .facade(style: side == "front" ? .stone : .brick, floorHeight: 3.2, parapet: 0.6, shopFront: side == "front")
        }
        solids.append((Vec3(1, 0, 4), Vec3(9, 7, 10)))
        top("wing_roof", x0: 1, x1: 9, z0: 4, z1: 10, y: 7, kind: .roof)

        // Roof structures: a stair house, two AC units, a billboard along the back.
        box("stairs", x0: -7, x1: -3.5, z0: -2.5, z1: 0.5, y0: roofY, y1: roofY + 2.8, walls: .metal, top: .roof)
        box("ac1", x0: 2.5, x1: 4.1, z0: -1.5, z1: -0.5, y0: roofY, y1: roofY + 1.2, walls: .metal, top: .metal)
        box("ac2", x0: 5.5, x1: 6.7, z0: 0.8, z1: 2.3, y0: roofY, y1: roofY + 1.0, walls: .metal, top: .metal)
        box("billboard", x0: 0, x1: 8, z0: -3.6, z1: -3.2, y0: roofY, y1: roofY + 3.2, walls: .metal, top: .metal, front: .billboard)

        // Street props.
        box("kiosk", x0: -16, x1: -13.5, z0: 8, z1: 10.5, y0: 0, y1: 2.6, walls: .metal, top: .metal, front: .billboard)
        box("planter1", x0: 12, x1: 14.5, z0: -9, z1: -7.8, y0: 0, y1: 0.9, walls: .coping, top: .roof)
        box("planter2", x0: 15, x1: 16.2, z0: 5, z1: 8, y0: 0, y1: 0.9, walls: .coping, top: .roof)

        // Ground.
        top("ground", x0: -50, x1: 50, z0: -50, z1: 50, y: 0, kind: .ground)

        // Paint every face's texture on all cores, each from its own seed.
        let images = UnsafeMutableBufferPointer<Image8>.allocate(capacity: faces.count)
        defer { images.deallocate() }
        let shared = SharedPointer(images.baseAddress!)
        let faceList = faces
        DispatchQueue.concurrentPerform(iterations: faces.count) { i in
            let f = faceList[i]
            let img = ProceduralTextures.paint(f.kind, widthMetres: length(f.u), heightMetres: length(f.v),
                                               seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(i) &* 0xD1B5_4A32_D192_ED03 &+ 1,
                                               detail: textureDetail)
            (shared.base + i).initialize(to: img)
        }

        var scene = Scene(materials: [])
        for (i, f) in faces.enumerated() {
            let t = scene.addTexture(Texture(image: images[i], wrap: .clamp))
            let m = scene.addMaterial(Material(texture: t))
            let n = SIMD3<Float>(normalize(cross(f.v, f.u)))
            let o = f.origin
            scene.addMesh(Mesh(positions: [o, o + f.u, o + f.u + f.v, o + f.v].map { SIMD3<Float>($0) },
                               normals: [n, n, n, n], uvs: [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1)],
                               indices: [0, 3, 2, 0, 2, 1], material: m))
        }
        _ = images.baseAddress.map { $0.deinitialize(count: faces.count) }
        return SyntheticModel(scene: scene, textureNames: faces.map(\.name), solids: solids)
    }
}
