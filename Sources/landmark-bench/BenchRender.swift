import ArgumentParser
import Foundation
import Support
import Geometry
import Rendering
import Synthetic

/// `landmark-bench render`: rasterizer timings at preview size.
struct BenchRender: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Time the software rasterizer on the synthetic landmark and on a character-sized mesh.")

    @Option(help: "Image width in pixels.") var width = 1280
    @Option(help: "Image height in pixels.") var height = 720
    @Option(help: "Triangles of the character-sized sphere (approximately).") var triangles = 20000
    @Option(help: "Renders per measurement (the median is reported).") var repeats = 5
    @Option(help: "Seed of the synthetic landmark.") var seed: UInt64 = 7

    func validate() throws {
        if width < 16 || height < 16 { throw ValidationError("--width and --height must be at least 16.") }
        if triangles < 100 { throw ValidationError("--triangles must be at least 100.") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1.") }
    }

    func run() throws {
        let landmark = try SyntheticLandmark.make(seed: seed, options: SyntheticOptions(viewCount: 40, queryCount: 0))
        let k = CameraIntrinsics(width: width, height: height, fx: 0.86 * Double(width), fy: 0.86 * Double(width),
                                 cx: Double(width - 1) / 2, cy: Double(height - 1) / 2)
        let street = Rigid3.cameraLookingAt(eye: Vec3(8, 1.6, 24), target: Vec3(0, 6, 0))
        // A character-sized sphere (1.8 m) on the roof, the building as a depth-only occluder.
        let seg = max(8, Int((Double(triangles) / 2).squareRoot()))
        var scene = landmark.scene
        let occluder = scene.addMaterial(Material(depthOnly: true))
        for i in scene.meshes.indices { scene.meshes[i].material = occluder }
        let body = scene.addMaterial(Material(baseColor: SIMD3(0.8, 0.4, 0.3)))
        let sphere = scene.addMesh(Mesh.uvSphere(radius: 0.9, segments: seg, rings: seg, material: body))
        scene.instances = scene.meshes.indices.map {
            MeshInstance(mesh: $0, worldFromMesh: $0 == sphere ? Sim3(translation: Vec3(0, 12.9, 0)) : .identity)
        }
        let close = Rigid3.cameraLookingAt(eye: Vec3(0, 13.5, 4.5), target: Vec3(0, 12.9, 0))

        /// Median wall time in ms, or with `cpu` the calling thread's CPU time (single-threaded
        /// renders only), which a machine shared with other jobs inflates less.
        func time(_ s: Scene, _ pose: Rigid3, threads: Int, cpu: Bool = false) throws -> Double {
            var o = RenderOptions(); o.threads = threads
            var samples: [Double] = []
            for _ in 0..<repeats {
                let t0 = Date(), c0 = CPUClock.threadSeconds()
                _ = try Rasterizer.render(s, intrinsics: k, cameraFromWorld: pose, options: o)
                samples.append((cpu ? CPUClock.threadSeconds() - c0 : Date().timeIntervalSince(t0)) * 1000)
            }
            return samples.sorted()[samples.count / 2]
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let result: [String: Any] = [
            "size": "\(width)x\(height)", "cores": cores, "repeats": repeats,
            "landmarkTriangles": landmark.scene.triangleCount,
            "characterTriangles": scene.meshes[sphere].triangleCount,
            "landmarkStreetView_ms_1thread": try time(landmark.scene, street, threads: 1),
            "landmarkStreetView_cpu_ms_1thread": try time(landmark.scene, street, threads: 1, cpu: true),
            "characterOverOccluder_cpu_ms_1thread": try time(scene, close, threads: 1, cpu: true),
            "landmarkStreetView_ms_allThreads": try time(landmark.scene, street, threads: 0),
            "characterOverOccluder_ms_1thread": try time(scene, close, threads: 1),
            "characterOverOccluder_ms_allThreads": try time(scene, close, threads: 0),
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
