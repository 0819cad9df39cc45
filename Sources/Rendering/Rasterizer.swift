import Dispatch
import Foundation
import Geometry
import Support
import Imaging

/// A directional light (the sun) plus ambient light. Colours are linear RGB multipliers.
public struct DirectionalLight: Sendable, Equatable {
    /// Unit direction from surfaces toward the light, in the world (landmark) frame.
    public var directionToLight: Vec3
    /// The light's colour × intensity; a surface facing the light gets `albedo × color`.
    public var color: SIMD3<Float>
    /// Light reaching every surface regardless of its normal.
    public var ambient: SIMD3<Float>

    public init(directionToLight: Vec3 = normalize(Vec3(0.4, 1, 0.6)),
                color: SIMD3<Float> = SIMD3(repeating: 0.75), ambient: SIMD3<Float> = SIMD3(repeating: 0.35)) {
        self.directionToLight = normalize(directionToLight); self.color = color; self.ambient = ambient
    }
}

/// Options of `Rasterizer.render`. The defaults suit a daylight landmark render.
public struct RenderOptions: Sendable {
    public var light = DirectionalLight()
    /// RGB of pixels no surface covers (and under depth-only surfaces).
    public var background: SIMD3<UInt8> = SIMD3(0, 0, 0)
    /// Surfaces nearer than this camera depth (metres) are clipped away. Must be > 0.
    public var nearPlane: Double = 0.05
    /// Surfaces farther than this camera depth (metres) are not drawn; infinity keeps all.
    public var farPlane: Double = .infinity
    /// Worker threads; 0 uses every active core, 1 renders on the calling thread.
    public var threads: Int = 0
    /// When false, only depth and ids are computed and `image` is the background.
    public var shade: Bool = true
    public init() {}
}

/// What a render produces, each buffer row-major with `width × height` entries.
public struct RenderResult: Sendable {
    public var width: Int
    public var height: Int
    /// The shaded RGB image.
    public var image: Image8
    /// Camera depth (the z coordinate in OpenCV camera axes, metres) of the visible surface;
    /// `+infinity` where nothing is drawn.
    public var depth: [Float]
    /// Index into the scene's effective instances of the visible surface; -1 where nothing.
    public var instanceIDs: [Int32]
    /// Index of the visible triangle within its mesh; -1 where nothing.
    public var triangleIDs: [Int32]
    /// Perspective-correct barycentrics (b1, b2) of the pixel on its visible triangle
    /// (b0 = 1 − b1 − b2), for interpolating any vertex attribute; zero where nothing.
    public var barycentrics: [SIMD2<Float>]

    /// Whether pixel (x, y) shows any surface.
    public func isCovered(x: Int, y: Int) -> Bool { instanceIDs[y * width + x] >= 0 }

    /// A 0/255 gray mask of the pixels where one of `instances` is the visible surface:
    /// a silhouette already occluded by everything else in the scene.
    public func mask(instances: Set<Int>) -> Image8 {
        var out = Image8(width: width, height: height, channels: 1)
        for i in 0..<(width * height) where instances.contains(Int(instanceIDs[i])) { out.pixels[i] = 255 }
        return out
    }

    /// An anti-aliased mask for a supersampled render: each output pixel is the fraction of
    /// its k×k samples where one of `instances` is visible, scaled to 0…255. Pair it with
    /// `image.downsampled(by: k)` of a render made with `intrinsics.scaled(by: k)`.
    /// - Parameter k: the supersampling factor, dividing both `width` and `height`.
    public func mask(instances: Set<Int>, downsampledBy k: Int) -> Image8 {
        precondition(k >= 1 && width % k == 0 && height % k == 0, "k must divide the render size")
        let w = width / k, h = height / k
        var out = Image8(width: w, height: h, channels: 1)
        for y in 0..<h { for x in 0..<w {
            var n = 0
            for dy in 0..<k { for dx in 0..<k where instances.contains(Int(instanceIDs[(y * k + dy) * width + x * k + dx])) { n += 1 } }
            out.pixels[y * w + x] = UInt8((n * 255 + k * k / 2) / (k * k))
        } }
        return out
    }
}

/// A software rasterizer: z-buffer, near-plane clipping, perspective-correct interpolation,
/// textured or vertex-coloured materials, Lambert + ambient shading.
///
/// The camera is a pinhole in OpenCV axes (x right, y down, z forward) given by
/// `CameraIntrinsics` (distortion is ignored: the render is the undistorted image) and
/// `cameraFromWorld` (`x_camera = R x_world + t`). Pixel (x, y) samples the projection point
/// (x, y) exactly (OpenCV's convention: pixel (0, 0)'s centre is at (0, 0)).
///
/// It works in two passes: visibility (depth, triangle, perspective-correct barycentrics per
/// pixel) and then shading of only the visible surfaces, each split into row bands on cores.
public enum Rasterizer {
    /// Renders `scene` as seen by the camera.
    /// - Parameters:
    ///   - scene: meshes, materials, textures, instances; validated first.
    ///   - intrinsics: the output size and pinhole (width, height > 0; fx, fy > 0).
    ///   - cameraFromWorld: the camera pose, world (landmark) frame to OpenCV camera axes.
    ///   - options: light, background, near/far planes, threads.
    /// - Returns: the image, the depth buffer and the instance/triangle id buffers.
    /// - Throws: `RenderError` for a malformed scene or camera.
    public static func render(_ scene: Scene, intrinsics: CameraIntrinsics, cameraFromWorld: Rigid3,
                              options: RenderOptions = RenderOptions()) throws -> RenderResult {
        guard intrinsics.isValid else { throw RenderError.invalidCamera("intrinsics \(intrinsics) are not valid") }
        guard options.nearPlane > 0, options.farPlane > options.nearPlane else {
            throw RenderError.invalidCamera("near plane \(options.nearPlane) must be > 0 and below far plane \(options.farPlane)")
        }
        try scene.validate()
        let setup = TriangleSetup(scene: scene, intrinsics: intrinsics, cameraFromWorld: cameraFromWorld,
                                  near: options.nearPlane)
        let w = intrinsics.width, h = intrinsics.height, n = w * h
        var depth = [Float](repeating: .infinity, count: n)
        var ids = [Int32](repeating: -1, count: n)
        var bary = [SIMD2<Float>](repeating: .zero, count: n)
        var image = Image8(width: w, height: h, channels: 3)
        let bg = options.background
        for i in 0..<n { image.pixels[3 * i] = bg.x; image.pixels[3 * i + 1] = bg.y; image.pixels[3 * i + 2] = bg.z }

        let threads = options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount
        let bandCount = threads <= 1 ? 1 : min(h, threads * 4)
        let far = Float(options.farPlane)
        depth.withUnsafeMutableBufferPointer { dp in
            ids.withUnsafeMutableBufferPointer { ip in
                bary.withUnsafeMutableBufferPointer { bp in
                    image.pixels.withUnsafeMutableBufferPointer { cp in
                        let d = SharedPointer(dp.baseAddress!), id = SharedPointer(ip.baseAddress!)
                        let b = SharedPointer(bp.baseAddress!), c = SharedPointer(cp.baseAddress!)
                        let work: @Sendable (Int) -> Void = { band in
                            let rows = (band * h / bandCount)..<((band + 1) * h / bandCount)
                            setup.rasterize(rows: rows, width: w, far: far, depth: d.base, ids: id.base, bary: b.base)
                            if options.shade {
                                setup.shade(rows: rows, width: w, ids: id.base, bary: b.base, light: options.light, rgb: c.base)
                            }
                        }
                        if bandCount == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: bandCount, execute: work) }
                    }
                }
            }
        }
        // Split the global triangle ids into instance and triangle-in-mesh ids.
        var instanceIDs = [Int32](repeating: -1, count: n)
        for i in 0..<n where ids[i] >= 0 {
            let g = Int(ids[i]), inst = Int(setup.triangleInstance[g])
            instanceIDs[i] = Int32(inst)
            ids[i] = Int32(g - setup.instanceTriangleOffset[inst])
        }
        return RenderResult(width: w, height: h, image: image, depth: depth, instanceIDs: instanceIDs, triangleIDs: ids,
                            barycentrics: bary)
    }
}

/// A triangle in pixel coordinates after clipping, ready for coverage.
struct ScreenTriangle {
    var x0, y0, x1, y1, x2, y2: Double
    /// 1 / camera depth at each vertex.
    var iz0, iz1, iz2: Double
    /// Barycentrics (b1, b2) of each vertex on the original, unclipped triangle.
    var o0, o1, o2: SIMD2<Double>
    /// Global triangle id (instances' triangles numbered one after another).
    var id: Int32
}

/// Per-render state: camera-space triangles clipped and projected, and what shading needs.
struct TriangleSetup {
    let scene: Scene
    let instances: [MeshInstance]
    var triangles: [ScreenTriangle] = []
    /// Global triangle id → instance.
    var triangleInstance: [Int32] = []
    /// Instance → its first global triangle id.
    var instanceTriangleOffset: [Int] = []
    /// Global triangle id → seen from behind (normals flip for double-sided materials).
    var backFacing: [Bool] = []
    /// Instance → world-from-mesh rotation (normals) as Float rows.
    var normalRotation: [(SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)] = []

    init(scene: Scene, intrinsics k: CameraIntrinsics, cameraFromWorld: Rigid3, near: Double) {
        self.scene = scene
        instances = scene.effectiveInstances
        let total = scene.triangleCount
        triangleInstance.reserveCapacity(total)
        backFacing = [Bool](repeating: false, count: total)
        triangles.reserveCapacity(total)
        let rc = cameraFromWorld.rotation.matrix
        var camera: [Vec3] = []
        var offset = 0
        for (instIndex, inst) in instances.enumerated() {
            let mesh = scene.meshes[inst.mesh]
            let material = scene.materials[mesh.material]
            instanceTriangleOffset.append(offset)
            let rw = inst.worldFromMesh.rotation.matrix
            let rows = rw.rows
            normalRotation.append((SIMD3<Float>(rows.0), SIMD3<Float>(rows.1), SIMD3<Float>(rows.2)))
            // cameraFromMesh: x_c = Rc (s Rw x + tw) + tc.
            let r = rc * rw * inst.worldFromMesh.scale
            let t = rc * inst.worldFromMesh.translation + cameraFromWorld.translation
            camera.removeAll(keepingCapacity: true)
            for p in mesh.positions { camera.append(r * Vec3(p) + t) }
            triangleInstance.append(contentsOf: repeatElement(Int32(instIndex), count: mesh.triangleCount))
            for tri in 0..<mesh.triangleCount {
                let g = offset + tri
                let c0 = camera[Int(mesh.indices[3 * tri])], c1 = camera[Int(mesh.indices[3 * tri + 1])]
                let c2 = camera[Int(mesh.indices[3 * tri + 2])]
                // Facing from the camera-space geometric normal (CCW front): back when the
                // normal points away from the camera at the origin.
                let back = dot(cross(c1 - c0, c2 - c0), c0) > 0
                backFacing[g] = back
                if back && !material.doubleSided { continue }
                clipAndProject(c0, c1, c2, id: Int32(g), near: near, k: k)
            }
            offset += mesh.triangleCount
        }
    }

    /// Clips a camera-space triangle against z = near (Sutherland–Hodgman) and appends its
    /// projected pieces, carrying the original barycentrics.
    private mutating func clipAndProject(_ c0: Vec3, _ c1: Vec3, _ c2: Vec3, id: Int32, near: Double, k: CameraIntrinsics) {
        let inside0 = c0.z >= near, inside1 = c1.z >= near, inside2 = c2.z >= near
        if !inside0 && !inside1 && !inside2 { return }
        var poly: [(Vec3, SIMD2<Double>)] = []
        if inside0 && inside1 && inside2 {
            poly = [(c0, SIMD2(0, 0)), (c1, SIMD2(1, 0)), (c2, SIMD2(0, 1))]
        } else {
            let verts: [(Vec3, SIMD2<Double>)] = [(c0, SIMD2(0, 0)), (c1, SIMD2(1, 0)), (c2, SIMD2(0, 1))]
            for i in 0..<3 {
                let (p, bp) = verts[i], (q, bq) = verts[(i + 1) % 3]
                let pin = p.z >= near, qin = q.z >= near
                if pin { poly.append((p, bp)) }
                if pin != qin {
                    let s = (near - p.z) / (q.z - p.z)
                    var x = p + (q - p) * s
                    x.z = near
                    poly.append((x, bp + (bq - bp) * s))
                }
            }
        }
        guard poly.count >= 3 else { return }
        let projected = poly.map { (c, b) -> (Double, Double, Double, SIMD2<Double>) in
            (k.fx * c.x / c.z + k.cx, k.fy * c.y / c.z + k.cy, 1 / c.z, b)
        }
        // Reject pieces entirely off screen.
        let xs = projected.map(\.0), ys = projected.map(\.1)
        if xs.max()! < -0.5 || xs.min()! > Double(k.width) - 0.5 || ys.max()! < -0.5 || ys.min()! > Double(k.height) - 0.5 { return }
        for i in 1..<(projected.count - 1) {
            let a = projected[0], b = projected[i], c = projected[i + 1]
            triangles.append(ScreenTriangle(x0: a.0, y0: a.1, x1: b.0, y1: b.1, x2: c.0, y2: c.1,
                                            iz0: a.2, iz1: b.2, iz2: c.2, o0: a.3, o1: b.3, o2: c.3, id: id))
        }
    }

    /// Visibility for rows `rows`: nearest depth, its triangle and barycentrics per pixel.
    func rasterize(rows: Range<Int>, width: Int, far: Float, depth: UnsafeMutablePointer<Float>,
                   ids: UnsafeMutablePointer<Int32>, bary: UnsafeMutablePointer<SIMD2<Float>>) {
        guard !rows.isEmpty else { return }
        let lowY = Double(rows.lowerBound) - 0.5, highY = Double(rows.upperBound) - 0.5
        triangles.withUnsafeBufferPointer { tris in
            for t in tris {
                if max(t.y0, t.y1, t.y2) < lowY || min(t.y0, t.y1, t.y2) > highY { continue }
                forEachCoveredSample(t.x0, t.y0, t.x1, t.y1, t.x2, t.y2, rows: rows, width: width) { x, y, w0, w1, w2 in
                    let invZ = w0 * t.iz0 + w1 * t.iz1 + w2 * t.iz2
                    let z = Float(1 / invZ)
                    let i = y * width + x
                    guard z < depth[i], z <= far else { return }
                    depth[i] = z
                    ids[i] = t.id
                    // Perspective-correct weights, mapped onto the original triangle.
                    let p0 = w0 * t.iz0, p1 = w1 * t.iz1, p2 = w2 * t.iz2
                    let o = (t.o0 * p0 + t.o1 * p1 + t.o2 * p2) / invZ
                    bary[i] = SIMD2<Float>(o)
                }
            }
        }
    }

    /// Shades the visible surface of every pixel in `rows` into `rgb` (3 bytes per pixel).
    func shade(rows: Range<Int>, width: Int, ids: UnsafeMutablePointer<Int32>, bary: UnsafeMutablePointer<SIMD2<Float>>,
               light: DirectionalLight, rgb: UnsafeMutablePointer<UInt8>) {
        let l = SIMD3<Float>(light.directionToLight)
        var lastInstance = -1
        var mesh = Mesh(positions: [], indices: []), material = Material(), texture: Texture? = nil
        var rot = normalRotation.first ?? (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))
        var triOffset = 0
        for i in (rows.lowerBound * width)..<(rows.upperBound * width) {
            let g = Int(ids[i])
            if g < 0 { continue }
            let inst = Int(triangleInstance[g])
            if inst != lastInstance {
                lastInstance = inst
                mesh = scene.meshes[instances[inst].mesh]
                material = scene.materials[mesh.material]
                texture = material.texture.map { scene.textures[$0] }
                rot = normalRotation[inst]
                triOffset = instanceTriangleOffset[inst]
            }
            if material.depthOnly { continue }
            let tri = g - triOffset
            let i0 = Int(mesh.indices[3 * tri]), i1 = Int(mesh.indices[3 * tri + 1]), i2 = Int(mesh.indices[3 * tri + 2])
            let b = bary[i]
            let b0 = 1 - b.x - b.y, b1 = b.x, b2 = b.y
            var albedo = material.baseColor
            if !mesh.colors.isEmpty { albedo *= mesh.colors[i0] * b0 + mesh.colors[i1] * b1 + mesh.colors[i2] * b2 }
            if let texture, !mesh.uvs.isEmpty {
                albedo *= texture.sample(mesh.uvs[i0] * b0 + mesh.uvs[i1] * b1 + mesh.uvs[i2] * b2)
            }
            var color = albedo
            if !material.unlit {
                var n: SIMD3<Float>
                if mesh.normals.isEmpty {
                    let p0 = mesh.positions[i0]
                    n = simdCross(mesh.positions[i1] - p0, mesh.positions[i2] - p0)
                } else {
                    n = mesh.normals[i0] * b0 + mesh.normals[i1] * b1 + mesh.normals[i2] * b2
                }
                n = SIMD3((rot.0 * n).sum(), (rot.1 * n).sum(), (rot.2 * n).sum())
                let len = (n * n).sum().squareRoot()
                if len > 0 { n /= len }
                if backFacing[g] { n = -n }
                color = albedo * (light.ambient + light.color * max(0, (n * l).sum()))
            }
            let c = (simd_clamp01(color) * 255).rounded(.toNearestOrAwayFromZero)
            rgb[3 * i] = UInt8(c.x); rgb[3 * i + 1] = UInt8(c.y); rgb[3 * i + 2] = UInt8(c.z)
        }
    }
}

@inline(__always) func simdCross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inline(__always) package func simd_clamp01(_ v: SIMD3<Float>) -> SIMD3<Float> {
    v.replacing(with: 0, where: .!(v .>= 0)).replacing(with: 1, where: v .> 1)
}
