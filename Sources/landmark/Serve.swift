import Anchoring
import ArgumentParser
import AssetPipeline
import Foundation
import Hummingbird
import Localization
import Logging
import Motion
import PoseServer
import GLTF
import Synthetic

extension Landmark {
    /// `landmark serve --landmarks DIR --port 8080 [--host 127.0.0.1] [--keys keys.json]`.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve pose queries over HTTP for every .landmark in a folder.",
            discussion: """
            Keys: --keys FILE with {"query":[...],"admin":[...]}, plus LANDMARK_QUERY_KEYS and \
            LANDMARK_ADMIN_KEYS (comma-separated). Without any key, query routes are open and \
            admin routes (PUT/DELETE) are refused. The API is at GET /openapi.yaml.
            """)

        @Option(help: "Folder of .landmark files to serve (uploads are stored here), e.g. the registry Landmarks/ (its NAME/NAME.landmark too).")
        var landmarks: String

        @OptionGroup var global: GlobalOptions

        @Option(help: "Interface to bind.")
        var host: String = "127.0.0.1"

        @Option(help: "TCP port.")
        var port: Int = 8080

        @Option(help: "API keys file: {\"query\":[…],\"admin\":[…]}.")
        var keys: String?

        @Option(help: "Largest localize body in bytes.")
        var maxBodyBytes: Int = 10 * 1024 * 1024

        @Option(help: "Largest frame in pixels (checked from the header before decoding).")
        var maxImagePixels: Int = 16_000_000

        @Option(help: "Queries computed at once (default: one per core).")
        var concurrency: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

        @Option(help: "Queries allowed to wait; beyond it the answer is 503 with Retry-After.")
        var queue: Int = 16

        @Option(help: "Per-request deadline in seconds.")
        var deadline: Double = 5

        @Option(help: "The character POST …/preview renders (glTF/GLB); default: the project's procedural humanoid, walking.")
        var character: String?

        @Option(help: "A glTF/GLB whose first animation drives --character (by joint name); default: the character's own.")
        var animation: String?

        @Flag(help: "Ignore the map's ORB query layer (maps registered with --orb-layer, whose queries try it first: about 5× faster at 640×480 with SIFT's accuracy; see docs/localization.md).")
        var siftOnly = false

        @Flag(help: "Leave glibc's allocator untuned (for comparison; see docs/server.md on memory).")
        var noAllocatorTuning = false

        func validate() throws {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: landmarks, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("\(landmarks) is not a folder; give the folder of .landmark files to serve.")
            }
            guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535.") }
            if let keys, !FileManager.default.fileExists(atPath: keys) {
                throw ValidationError("the keys file \(keys) does not exist.")
            }
            for (flag, path) in [("--character", character), ("--animation", animation)] {
                if let path, !FileManager.default.fileExists(atPath: path) { throw ValidationError("\(flag) \(path) does not exist.") }
            }
            if animation != nil, character == nil {
                throw ValidationError("--animation needs --character (the default character walks on its own).")
            }
            guard concurrency >= 1, queue >= 0, deadline > 0, maxBodyBytes > 0, maxImagePixels > 0 else {
                throw ValidationError("--concurrency ≥ 1, --queue ≥ 0, and --deadline, --max-body-bytes, --max-image-pixels > 0.")
            }
        }

        func run() async throws {
            if !noAllocatorTuning { AllocatorTuning().apply() }
            var configuration = PoseServerConfiguration(landmarksDirectory: URL(fileURLWithPath: landmarks))
            configuration.host = host
            configuration.port = port
            var apiKeys = APIKeys.fromEnvironment()
            if let keys { apiKeys = try APIKeys.load(from: URL(fileURLWithPath: keys)).merged(with: apiKeys) }
            configuration.keys = apiKeys
            configuration.maxBodyBytes = maxBodyBytes
            configuration.maxImagePixels = maxImagePixels
            configuration.maxConcurrentQueries = concurrency
            configuration.maxQueuedQueries = queue
            configuration.requestDeadlineSeconds = deadline
            configuration.previewCharacter = try Self.previewCharacter(character: character, animation: animation)
            let logger = Logger(label: "landmark.server")
            if apiKeys.isEmpty { logger.warning("no API keys: query routes are open, admin routes refused") }
            var options = LocalizationOptions()
            options.maxImagePixels = maxImagePixels
            options.useORBLayer = !siftOnly
            let app = try buildApplication(configuration, loader: .standard(options: options), logger: logger)
            try await app.runService()
        }

        /// `--character` (with `--animation`), or the procedural humanoid with the procedural walk
        /// retargeted onto it (as `landmark demo` does), built in a temporary folder.
        static func previewCharacter(character: String?, animation: String?) throws -> PreviewCharacter {
            if let character {
                let poser = try CharacterPoser(asset: try AssetLoader.load(URL(fileURLWithPath: character)), name: character)
                let source = try animation.map { try CharacterPoser(asset: try AssetLoader.load(URL(fileURLWithPath: $0)), name: $0) }
                return try PreviewCharacter(character: poser, animation: source)
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("landmark-serve-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let characterPath = folder.appendingPathComponent("humanoid.glb").path
            let clipPath = folder.appendingPathComponent("walk.bvh").path
            let animatedPath = folder.appendingPathComponent("humanoid_walk.glb").path
            try ProceduralHumanoid.writeCharacter(to: characterPath)
            try BVHWriter.write(ProceduralHumanoid.walkClip(), to: clipPath)
            var options = RetargetOptions()
            options.ground = 0
            _ = try RetargetJob.run(bvhPath: clipPath, characterPath: characterPath, outPath: animatedPath, options: options)
            let poser = try CharacterPoser(asset: try GLTFAsset(contentsOf: URL(fileURLWithPath: animatedPath)), name: "humanoid_walk.glb")
            return try PreviewCharacter(character: poser)
        }
    }
}
