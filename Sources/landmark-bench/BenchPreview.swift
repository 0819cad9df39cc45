import Anchoring
import ArgumentParser
import AssetPipeline
import Foundation
import Support
import Geometry
import Motion
import Rendering
import GLTF
import Synthetic

/// `landmark-bench preview`: the AR preview's own cost (pose the skinned character, render it
/// over the frame with the building as occluder, composite), at a chosen frame size.
struct BenchPreview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Time the AR preview (posing, skinning, rendering, occlusion, compositing) at a frame size.",
        discussion: """
        The character (default: the project's procedural humanoid) is subdivided (midpoint, \
        skin weights merged) until it has at least 3/4 of --triangles, stands on the synthetic \
        landmark's roof, and is previewed over a frame of the landmark from a close and a \
        street view. Prints JSON: medians of wall and process CPU time (all threads) per stage.
        Example: landmark-bench preview --character ../shared/data/characters/CesiumMan.glb
        """)

    @Option(help: "The character (skinned glTF/GLB); default: the procedural humanoid.") var character: String?
    @Option(help: "Subdivide the character up to about this many triangles (0: as it is).") var triangles = 20000
    @Option(help: "Frame width in pixels.") var width = 1280
    @Option(help: "Frame height in pixels.") var height = 720
    @Option(help: "Previews per measurement (the median is reported).") var repeats = 7
    @Option(help: "Seed of the synthetic landmark.") var seed: UInt64 = 7

    func validate() throws {
        if width < 16 || height < 16 { throw ValidationError("--width and --height must be at least 16.") }
        if triangles < 0 { throw ValidationError("--triangles must be 0 or more.") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1.") }
        if let character, !FileManager.default.fileExists(atPath: character) {
            throw ValidationError("the character \(character) does not exist.")
        }
    }

    func run() throws {
        var asset = try character.map { try GLTFAsset(contentsOf: URL(fileURLWithPath: $0)) } ?? ProceduralHumanoid.characterAsset()
        let sourceTriangles = try AssetSummary(asset).triangles
        while triangles > 0, try AssetSummary(asset).triangles < triangles * 3 / 4 {
            try Self.subdivide(&asset)
        }
        let poser = try CharacterPoser(asset: asset, name: character.map { ($0 as NSString).lastPathComponent } ?? "humanoid")
        let animation: Int? = poser.animationCount > 0 ? 0 : nil
        let time = try animation.map { 0.5 * (try poser.duration(ofAnimation: $0)) } ?? 0

        // The frame: the synthetic landmark; its mesh occludes the character.
        let landmark = try SyntheticLandmark.make(seed: seed, options: SyntheticOptions(viewCount: 40, queryCount: 0))
        let k = CameraIntrinsics(width: width, height: height, fx: 0.86 * Double(width), fy: 0.86 * Double(width),
                                 cx: Double(width - 1) / 2, cy: Double(height - 1) / 2)
        var occluder = Rendering.Mesh(positions: [], indices: [])
        for instance in landmark.scene.effectiveInstances {
            var m = landmark.scene.meshes[instance.mesh]
            m.positions = m.positions.map { SIMD3<Float>(instance.worldFromMesh.apply(Vec3($0))) }
            occluder.append(Rendering.Mesh(positions: m.positions, indices: m.indices))
        }
        let roof = SyntheticLandmark.roofHeight
        let anchor = Rigid3(rotation: Quaternion.identity, translation: Vec3(0, roof, 0))
        let views: [(String, Rigid3)] = [
            ("close", Rigid3.cameraLookingAt(eye: Vec3(0, roof + 1.5, 5), target: Vec3(0, roof + 0.9, 0))),
            ("across the street", Rigid3.cameraLookingAt(eye: Vec3(10, roof + 2, 30), target: Vec3(0, roof + 0.9, 0))),
        ]

        var result: [String: Any] = [
            "size": "\(width)x\(height)", "repeats": repeats, "characterTriangles": try AssetSummary(asset).triangles,
            "sourceTriangles": sourceTriangles, "animated": animation != nil,
            "cores": ProcessInfo.processInfo.activeProcessorCount,
        ]
        for (name, pose) in views {
            let frame = try Rasterizer.render(landmark.scene, intrinsics: k, cameraFromWorld: pose).image
            var poseMs: [Double] = [], poseCPU: [Double] = [], renderMs: [Double] = [], renderCPU: [Double] = []
            var visible = 0
            for _ in 0..<repeats {
                var t0 = Date(), c0 = CPUClock.processSeconds()
                let scene = try poser.scene(animation: animation, time: time)
                poseMs.append(Date().timeIntervalSince(t0) * 1000); poseCPU.append((CPUClock.processSeconds() - c0) * 1000)
                t0 = Date(); c0 = CPUClock.processSeconds()
                let preview = try PreviewRenderer.render(frame: frame, intrinsics: k, cameraFromLandmark: pose,
                                                         landmarkFromAnchor: anchor, character: scene, occluder: .mesh(occluder))
                renderMs.append(Date().timeIntervalSince(t0) * 1000); renderCPU.append((CPUClock.processSeconds() - c0) * 1000)
                visible = preview.visiblePixels
            }
            result[name] = [
                "characterPixels": visible,
                "pose_ms": median(poseMs), "pose_cpu_ms": median(poseCPU),
                "renderComposite_ms": median(renderMs), "renderComposite_cpu_ms": median(renderCPU),
                "total_ms": median(zip(poseMs, renderMs).map(+)),
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }


    /// Replaces every triangle primitive with its midpoint subdivision (skin kept).
    static func subdivide(_ asset: inout GLTFAsset) throws {
        for m in asset.document.meshes.indices {
            for p in asset.document.meshes[m].primitives.indices {
                let template = asset.document.meshes[m].primitives[p]
                let mesh = try AssetPipeline.Mesh(gltf: asset, mesh: m, primitive: p).subdivided()
                asset.document.meshes[m].primitives[p] = asset.appendPrimitive(mesh, like: template)
            }
        }
    }
}
