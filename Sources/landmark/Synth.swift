import ArgumentParser
import Foundation
import Rendering
import Support
import Synthetic

extension Landmark {
    /// `landmark synth`: a synthetic landmark with exact ground truth.
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a synthetic landmark (a textured building) with ground-truth cameras.",
            discussion: """
            Writes DIR/images/*.png (capture), DIR/queries/*.png (queries with other lighting, noise \
            and blur), DIR/intrinsics.json, DIR/model.obj (+ model.mtl, textures/) and \
            DIR/ground_truth.json (metres, Y up, cameraFromWorld poses in OpenCV axes, the roof plane). \
            The same seed always gives the same files.
            """)

        @OptionGroup var global: GlobalOptions
        /// `--seed`: every random choice (textures, cameras, lighting, noise); 7 is the built-in landmark.
        var seed: UInt64 { global.seed(default: 7) }
        @Option(help: "Output folder (created; must not exist or be empty unless --overwrite).")
        var out: String
        @Option(help: "Capture views around and above the building (at least 8).")
        var views: Int = 40
        @Option(help: "Query views from other positions with changed lighting, noise and blur.")
        var queries: Int = 20
        @Option(help: "Image width in pixels.")
        var width: Int = 1024
        @Option(help: "Image height in pixels.")
        var height: Int = 768
        @Flag(help: "Replace the output folder if it exists.")
        var overwrite = false

        var options: SyntheticOptions { SyntheticOptions(viewCount: views, queryCount: queries, width: width, height: height) }

        func validate() throws {
            if let problem = options.problem { throw ValidationError("\(problem.prefix(1).uppercased())\(problem.dropFirst()).") }
            let url = URL(fileURLWithPath: out)
            if !overwrite, let contents = try? FileManager.default.contentsOfDirectory(atPath: url.path), !contents.isEmpty {
                throw ValidationError("\(out) already exists and is not empty: choose another --out or pass --overwrite.")
            }
        }

        func run() throws {
            let start = Date()
            let landmark = try SyntheticLandmark.make(seed: seed, options: options)
            let modelTime = Date().timeIntervalSince(start)
            let total = landmark.views.count + landmark.queries.count
            let bar = ProgressBar("rendering", total: total)
            try landmark.write(to: URL(fileURLWithPath: out), overwrite: overwrite) { done in bar.update(done) }
            bar.finish()
            let elapsed = Date().timeIntervalSince(start)
            print(String(format: "synthetic landmark (seed %llu): %d views + %d queries at %d×%d, %d triangles → %@ in %.1f s (model %.1f s)",
                         seed, landmark.views.count, landmark.queries.count, width, height, landmark.scene.triangleCount,
                         out, elapsed, modelTime))
        }
    }
}
