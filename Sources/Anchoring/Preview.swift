import Foundation
import Geometry
import Rendering
import Imaging

/// What hides the character where the building is in front of it, in the landmark frame.
public enum PreviewOccluder: Sendable {
    /// The landmark's surface mesh (known for synthetic landmarks, or a reconstructed mesh).
    case mesh(Mesh)
    /// The map's points, drawn as small camera-facing squares of `radiusPixels` (sparse
    /// maps hide only where points are dense; documented as approximate).
    case points([Vec3], radiusPixels: Double)
}

/// The result of a preview render.
public struct PreviewResult: Sendable {
    /// The frame with the character composited over it.
    public var image: Image8
    /// 255 where the character is visible (after occlusion by the landmark).
    public var visibleMask: Image8
    /// 255 where the character would be without occlusion.
    public var silhouetteMask: Image8
    public var visiblePixels: Int
    public var silhouettePixels: Int
    /// The silhouette's centroid in pixels; nil when the character is out of view.
    public var silhouetteCentroid: Vec2?
}

public enum PreviewError: Error, CustomStringConvertible {
    case frameSizeMismatch(frame: (Int, Int), intrinsics: (Int, Int))
    case emptyCharacter

    public var description: String {
        switch self {
        case .frameSizeMismatch(let f, let k):
            "the frame is \(f.0)×\(f.1) but the intrinsics are for \(k.0)×\(k.1) (with a different aspect ratio)"
        case .emptyCharacter: "the character has no triangles to render"
        }
    }
}

/// Renders a character standing on an anchor into a real frame: the AR preview.
public enum PreviewRenderer {
    /// - Parameters:
    ///   - frame: the query photo, RGB.
    ///   - intrinsics: the frame's camera; rescaled when the frame is a resized copy.
    ///   - cameraFromLandmark: the frame's localized pose (OpenCV camera axes).
    ///   - landmarkFromAnchor: the anchor the character's root stands on.
    ///   - character: the posed character in its own frame (glTF: Y up, metres, facing +Z).
    ///   - occluder: the landmark geometry that hides the character; nil draws it on top.
    public static func render(frame: Image8, intrinsics: CameraIntrinsics, cameraFromLandmark: Rigid3,
                              landmarkFromAnchor: Rigid3, character: Scene,
                              occluder: PreviewOccluder?, light: DirectionalLight = DirectionalLight()) throws -> PreviewResult {
        guard character.triangleCount > 0 else { throw PreviewError.emptyCharacter }
        var k = intrinsics
        if frame.width != k.width || frame.height != k.height {
            let sx = Double(frame.width) / Double(k.width), sy = Double(frame.height) / Double(k.height)
            guard abs(sx - sy) < 0.01 * max(sx, sy) else {
                throw PreviewError.frameSizeMismatch(frame: (frame.width, frame.height), intrinsics: (k.width, k.height))
            }
            k = k.scaled(by: sx)
            k.width = frame.width; k.height = frame.height
        }
        // The character's instances, moved onto the anchor.
        var scene = character
        let anchorSim = Sim3(scale: 1, rotation: landmarkFromAnchor.rotation, translation: landmarkFromAnchor.translation)
        scene.instances = character.effectiveInstances.map {
            MeshInstance(mesh: $0.mesh, worldFromMesh: anchorSim * $0.worldFromMesh)
        }
        let characterInstances = Set(scene.instances.indices)
        var options = RenderOptions()
        options.light = light
        options.nearPlane = 0.05
        let unoccluded = try Rasterizer.render(scene, intrinsics: k, cameraFromWorld: cameraFromLandmark, options: options)
        let silhouette = unoccluded.mask(instances: characterInstances)

        var visible = silhouette
        var colour = unoccluded.image
        if let occluder {
            let occluderMesh = occluderMesh(occluder, intrinsics: k, cameraFromLandmark: cameraFromLandmark)
            if occluderMesh.triangleCount > 0 {
                var withOccluder = scene
                withOccluder.materials.append(Material(depthOnly: true))
                var m = occluderMesh
                m.material = withOccluder.materials.count - 1
                withOccluder.meshes.append(m)
                withOccluder.instances.append(MeshInstance(mesh: withOccluder.meshes.count - 1))
                let r = try Rasterizer.render(withOccluder, intrinsics: k, cameraFromWorld: cameraFromLandmark, options: options)
                visible = r.mask(instances: characterInstances)
                colour = r.image
            }
        }
        let image = Compositing.over(colour, photo: frame.channels == 3 ? frame : frame.asRGB(), mask: visible)
        var sum = Vec2.zero, count = 0
        for y in 0..<k.height { for x in 0..<k.width where silhouette.pixels[y * k.width + x] != 0 {
            sum += Vec2(Double(x), Double(y)); count += 1
        } }
        let visibleCount = visible.pixels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        return PreviewResult(image: image, visibleMask: visible, silhouetteMask: silhouette,
                             visiblePixels: visibleCount, silhouettePixels: count,
                             silhouetteCentroid: count > 0 ? sum / Double(count) : nil)
    }

    /// The occluder as triangles in the landmark frame; points become camera-facing squares.
    static func occluderMesh(_ occluder: PreviewOccluder, intrinsics k: CameraIntrinsics, cameraFromLandmark: Rigid3) -> Mesh {
        switch occluder {
        case .mesh(let mesh):
            return mesh
        case .points(let points, let radiusPixels):
            let landmarkFromCamera = cameraFromLandmark.inverse
            let right = landmarkFromCamera.rotation * Vec3(1, 0, 0), down = landmarkFromCamera.rotation * Vec3(0, 1, 0)
            var positions: [SIMD3<Float>] = []
            var indices: [UInt32] = []
            positions.reserveCapacity(points.count * 4)
            for p in points {
                let depth = (cameraFromLandmark * p).z
                guard depth > 0.05 else { continue }
                let r = radiusPixels * depth / k.fx
                let base = UInt32(positions.count)
                for (a, b) in [(-1.0, -1.0), (1, -1), (1, 1), (-1, 1)] {
                    let q = p + right * (a * r) + down * (b * r)
                    positions.append(SIMD3<Float>(Float(q.x), Float(q.y), Float(q.z)))
                }
                indices += [base, base + 1, base + 2, base, base + 2, base + 3]
            }
            return Mesh(positions: positions, indices: indices)
        }
    }
}

extension Image8 {
    /// An RGB copy (gray replicated, alpha dropped).
    func asRGB() -> Image8 {
        if channels == 3 { return self }
        var out = Image8(width: width, height: height, channels: 3)
        for i in 0..<(width * height) {
            for c in 0..<3 { out.pixels[3 * i + c] = pixels[i * channels + (channels == 1 ? 0 : c)] }
        }
        return out
    }
}

/// Lays out images in a grid (one PNG for review across an animation).
public enum ContactSheet {
    /// - Parameters:
    ///   - images: RGB images of one size.
    ///   - columns: images per row; 0 picks a near-square grid.
    ///   - maxWidth: the sheet's width at most; tiles are scaled down to fit.
    public static func make(_ images: [Image8], columns: Int = 0, maxWidth: Int = 2048) -> Image8 {
        guard let first = images.first else { return Image8(width: 1, height: 1, channels: 3) }
        let cols = columns > 0 ? columns : Int(Double(images.count).squareRoot().rounded(.up))
        let rows = (images.count + cols - 1) / cols
        let scale = min(1, Double(maxWidth) / Double(first.width * cols))
        let tw = max(1, Int(Double(first.width) * scale)), th = max(1, Int(Double(first.height) * scale))
        let gap = 4
        var sheet = Image8(width: cols * tw + (cols + 1) * gap, height: rows * th + (rows + 1) * gap, channels: 3, fill: 32)
        for (i, img) in images.enumerated() {
            let tile = (img.width == tw && img.height == th ? img : img.resized(width: tw, height: th)).asRGB()
            let ox = gap + (i % cols) * (tw + gap), oy = gap + (i / cols) * (th + gap)
            for y in 0..<th {
                let src = y * tw * 3, dst = ((oy + y) * sheet.width + ox) * 3
                sheet.pixels.replaceSubrange(dst..<(dst + tw * 3), with: tile.pixels[src..<(src + tw * 3)])
            }
        }
        return sheet
    }
}
