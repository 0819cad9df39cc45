import AssetPipeline
import ArgumentParser
import Foundation
import Rendering
import GLTF

extension Landmark.Asset {
    /// `landmark asset compare A B [--render 6 [--size 512] [--renders-out DIR]] [--json]`:
    /// surface distance between two meshes and, on request, a render comparison.
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare",
            abstract: "Symmetric Hausdorff and RMS surface distance between two meshes, relative to A's bounding-box diagonal; with --render, PSNR of textured renders from fixed views.",
            discussion: """
            Same definition as ../shared/peers/mesh_baseline.py: area-weighted samples on each surface, exact nearest-point distances both ways.
            --render N draws both assets with the project's rasterizer from the first N of 6 fixed views (+X, -X, +Z, -Z, and 30° above the horizon from +X+Z and -X-Z), cameras fitted to A's bounding sphere, unlit base colour (factor × texture × vertex colour) unless --lit, and reports PSNR per view and their mean over the object's interior pixels (every supersample shows the object in both renders), and separately over every pixel either object touches.
            An OBJ/PLY without a texture gets one by convention (<stem>.png/.jpg beside it, else the only image in its folder) unless --texture names it.
            """
        )

        @Argument(help: "Reference mesh (sets the scale and the cameras).") var a: String
        @Argument(help: "Mesh to compare.") var b: String
        @Option(help: "Samples per surface.") var samples = 100_000
        @Option(help: "Render both from the first N of the 6 fixed views (1…6) and report PSNR.") var render: Int?
        @Option(help: "With --render: image side in pixels.") var size = 512
        @Option(help: "With --render: write A, B and difference images per view into this folder.") var rendersOut: String?
        @Flag(help: "With --render: light the surfaces (Lambert sun + ambient) instead of unlit base colour.") var lit = false
        @Option(help: "Base colour texture for an OBJ/PLY input (A and B) that names none.") var texture: String?
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard samples >= 100 else { throw ValidationError("--samples must be at least 100; got \(samples).") }
            if let render, !(1...6).contains(render) { throw ValidationError("--render takes 1…6 views, e.g. --render 6; got \(render).") }
            guard (16...4096).contains(size) else { throw ValidationError("--size must be 16…4096 pixels, e.g. 512; got \(size).") }
            if render == nil, rendersOut != nil || lit { throw ValidationError("--renders-out and --lit need --render N, e.g. --render 6.") }
            if let texture, !FileManager.default.fileExists(atPath: texture) {
                throw ValidationError("--texture \(texture) does not exist; give a PNG or JPEG file.")
            }
        }

        func run() async throws {
            let attach: AssetLoader.TextureAttachment = texture.map { .file(URL(fileURLWithPath: $0)) } ?? .convention
            for path in [a, b] { noteConventionalTexture(path) }
            let assetA = try AssetLoader.load(URL(fileURLWithPath: a), texture: attach)
            let assetB = try AssetLoader.load(URL(fileURLWithPath: b), texture: attach)
            let d = SurfaceDistance.measure(try AssetLoader.worldMesh(assetA), try AssetLoader.worldMesh(assetB), samples: samples, seed: global.seed(default: 0))
            var rendered: RenderComparisonReport?
            if let render {
                var options = RenderComparisonOptions()
                options.viewCount = render
                options.size = size
                options.lit = lit
                let (report, images) = try compareRenders(assetA, assetB, options: options)
                rendered = report
                if let rendersOut { try writeRenders(images, to: URL(fileURLWithPath: rendersOut)) }
            }
            let encoder = JSONEncoder(); encoder.outputFormatting = [.sortedKeys]
            if global.json, let rendered {
                struct Both: Encodable { var surface: SurfaceDistance; var render: RenderComparisonReport }
                print(String(decoding: try encoder.encode(Both(surface: d, render: rendered)), as: UTF8.self))
            } else if global.json {
                print(String(decoding: try encoder.encode(d), as: UTF8.self))
            } else {
                print(String(format: "hausdorff %.4g, rms %.4g, mean %.4g (relative to A's bbox diagonal %.4g); triangles %d vs %d",
                             d.hausdorff, d.rms, d.mean, d.diagonal, d.trianglesA, d.trianglesB))
                if let rendered {
                    for v in rendered.views {
                        print(String(format: "view %-18@ PSNR %6.2f dB over %d interior pixels; %6.2f dB over %d object pixels (%d silhouette mismatch)",
                                     v.view as NSString, v.psnr, v.pixels, v.psnrUnion, v.unionPixels, v.silhouetteMismatch))
                    }
                    print(String(format: "mean PSNR %.2f dB (min %.2f, pooled %.2f), %d×%d, %@; pixels: %@", rendered.meanPSNR,
                                 rendered.minPSNR, rendered.pooledPSNR, rendered.size, rendered.size, rendered.shading, rendered.pixelsCompared))
                }
            }
        }

        /// Says on stderr which texture an OBJ/PLY takes by convention.
        func noteConventionalTexture(_ path: String) {
            let url = URL(fileURLWithPath: path)
            guard texture == nil, ["obj", "ply"].contains(url.pathExtension.lowercased()),
                  let t = AssetLoader.conventionalTexture(for: url) else { return }
            FileHandle.standardError.write(Data("note: \(url.lastPathComponent) takes texture \(t.lastPathComponent) by convention if it names none (--texture to choose)\n".utf8))
        }

        /// `view_<tag>_a.png`, `_b.png` and `_diff.png` per view.
        func writeRenders(_ images: [RenderComparisonImages], to dir: URL) throws {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for r in images {
                for (suffix, img) in [("a", r.a), ("b", r.b), ("diff", r.difference)] {
                    let url = dir.appendingPathComponent("view_\(r.view.tag)_\(suffix).png")
                    try GLTFAsset.atomicWrite(try img.encoded(.png), to: url)
                }
            }
        }
    }
}
