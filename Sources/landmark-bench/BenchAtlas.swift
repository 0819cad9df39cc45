import ArgumentParser
import AssetPipeline
import Foundation
import Support
import Geometry
import Rendering
import Imaging

/// `landmark-bench atlas MESH`: UV atlas generation timed on one mesh, figures as JSON.
struct BenchAtlas: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas",
        abstract: "Time UV atlas generation (segmentation, LSCM, packing) on a mesh and print JSON."
    )

    @Argument(help: "A triangle mesh (.obj), read with the asset pipeline's OBJ reader.")
    var mesh: String

    @Option(help: "Atlas width and height in texels.")
    var resolution = 1024

    @Option(help: "Empty texels around each chart.")
    var gutter = 2

    @Option(help: "Normal cone half-angle of a chart, in degrees (AtlasOptions.maxNormalDeviationDegrees).")
    var maxDeviation: Double?

    @Option(help: "Merge charts with fewer triangles into a neighbour (AtlasOptions.mergeChartsBelowTriangles).")
    var mergeBelow: Int?

    @Option(help: "Split charts whose L2 stretch exceeds this (AtlasOptions.maxChartStretch).")
    var maxStretch: Double?

    @Option(help: "Split every triangle into four this many times first (scale test).")
    var subdivide = 0

    @Flag(help: "Ignore the mesh's own UVs (no UV seams).")
    var ignoreUVs = false

    @Option(help: "Also bake this base-colour texture (PNG/JPEG, the mesh's own UVs) onto the atlas and report the round-trip PSNR.")
    var texture: String?

    @Option(help: "Write the mesh with its new UVs as OBJ here (for ../shared/peers/eval/uv_eval.py).")
    var objOut: String?

    func validate() throws {
        guard FileManager.default.fileExists(atPath: mesh) else { throw ValidationError("No mesh at \(mesh): give the path of an .obj file.") }
        guard (0...5).contains(subdivide) else { throw ValidationError("--subdivide must be between 0 and 5.") }
    }

    func run() throws {
        let (obj, _) = try OBJReader.read(contentsOf: URL(fileURLWithPath: mesh))
        var input = AtlasInputMesh(positions: obj.positions, indices: obj.indices, uvs: obj.uv0,
                                   materialOfTriangle: obj.materialIDs)
        if ignoreUVs { input.uvs = nil }
        for _ in 0..<subdivide { input = BenchOBJ.subdivide(input) }
        var options = AtlasOptions()
        options.resolution = resolution
        options.gutterTexels = gutter
        if let maxDeviation { options.maxNormalDeviationDegrees = maxDeviation }
        if let mergeBelow { options.mergeChartsBelowTriangles = mergeBelow }
        if let maxStretch { options.maxChartStretch = maxStretch }
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = CPUClock.processSeconds()
        let atlas = try generateUVAtlas(input, options: options)
        let cpuSeconds = CPUClock.processSeconds() - cpuStart
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let check = measureAtlasCoverage(uvs: atlas.uvs, indices: atlas.indices, chartOfTriangle: atlas.chartOfTriangle,
                                         resolution: resolution)
        if let objOut { try BenchOBJ.write(atlas, positions: input.positions, to: URL(fileURLWithPath: objOut)) }
        let r = atlas.report
        var bakeFigures: [String: Any] = [:]
        if let texture, let oldUVs = input.uvs {
            let image = try Image8(contentsOf: URL(fileURLWithPath: texture))
            let bakeStart = clock.now
            let source = BakeSource(positions: input.positions, indices: input.indices, uvs: oldUVs,
                                    materials: [BakeMaterial(baseColor: image)])
            let target = BakeTarget(positions: atlas.vertexSource.map { input.positions[Int($0)] }, indices: atlas.indices, uvs: atlas.uvs)
            var bakeOptions = BakeOptions()
            bakeOptions.resolution = resolution
            bakeOptions.bakeMetallicRoughness = false; bakeOptions.bakeEmissive = false; bakeOptions.bakeNormal = false
            let baked = try bakeTextures(source: source, target: target, options: bakeOptions)
            let bakeElapsed = clock.now - bakeStart
            bakeFigures = ["bakeSeconds": Double(bakeElapsed.components.seconds) + Double(bakeElapsed.components.attoseconds) * 1e-18,
                           "bakeRoundTripPSNR": roundTripPSNR(original: image, baked: baked.baseColor!, oldUVs: oldUVs, input: input, atlas: atlas),
                           "bakeRayHits": baked.rayHits, "bakeClosestPointFallbacks": baked.closestPointFallbacks]
        }
        var json: [String: Any] = [
            "mesh": mesh, "triangles": r.triangles, "charts": r.charts, "resolution": resolution, "gutter": gutter,
            "utilization": r.utilization, "l2Stretch": r.l2Stretch, "maxChartStretch": r.maxChartStretch,
            "flips": check.flippedTriangles, "overlapTexels": check.overlapTexels, "selfOverlapTexels": check.selfOverlapTexels, "seconds": seconds, "cpuSeconds": cpuSeconds,
            "secondsSegmentation": r.secondsSegmentation, "secondsParameterization": r.secondsParameterization,
            "secondsPacking": r.secondsPacking, "flipSplits": r.flipSplits, "stretchSplits": r.stretchSplits, "overlapSplits": r.overlapSplits,
            "zeroAreaTriangles": r.skippedZeroAreaTriangles, "warnings": r.warnings,
        ]
        json.merge(bakeFigures) { a, _ in a }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// Subdivision for the scale test and an OBJ writer for `uv_eval.py` (the reader is the asset
/// pipeline's `OBJReader`).
enum BenchOBJ {
    /// Splits every triangle into four at its edge midpoints (shared midpoints welded).
    static func subdivide(_ m: AtlasInputMesh) -> AtlasInputMesh {
        var positions = m.positions
        var uvs = m.uvs
        var mid: [SIMD2<UInt32>: UInt32] = [:]
        func midpoint(_ a: UInt32, _ b: UInt32) -> UInt32 {
            let k = SIMD2(min(a, b), max(a, b))
            if let e = mid[k] { return e }
            let i = UInt32(positions.count)
            positions.append((m.positions[Int(a)] + m.positions[Int(b)]) / 2)
            if uvs != nil { uvs!.append((m.uvs![Int(a)] + m.uvs![Int(b)]) / 2) }
            mid[k] = i
            return i
        }
        var indices: [UInt32] = []
        indices.reserveCapacity(m.indices.count * 4)
        for t in 0..<m.triangleCount {
            let a = m.indices[3 * t], b = m.indices[3 * t + 1], c = m.indices[3 * t + 2]
            let ab = midpoint(a, b), bc = midpoint(b, c), ca = midpoint(c, a)
            indices += [a, ab, ca, ab, b, bc, ca, bc, c, ab, bc, ca]
        }
        return AtlasInputMesh(positions: positions, indices: indices, uvs: uvs)
    }

    /// Writes positions and the atlas' UVs (OBJ's v-up convention) as OBJ.
    static func write(_ atlas: UVAtlas, positions: [Vec3], to url: URL) throws {
        var s = ""
        s.reserveCapacity(atlas.uvs.count * 60)
        for src in atlas.vertexSource { let p = positions[Int(src)]; s += "v \(p.x) \(p.y) \(p.z)\n" }
        for uv in atlas.uvs { s += "vt \(uv.x) \(1 - uv.y)\n" }
        for t in 0..<(atlas.indices.count / 3) {
            let a = atlas.indices[3 * t] + 1, b = atlas.indices[3 * t + 1] + 1, c = atlas.indices[3 * t + 2] + 1
            s += "f \(a)/\(a) \(b)/\(b) \(c)/\(c)\n"
        }
        let tmp = url.appendingPathExtension("tmp")
        try s.write(to: tmp, atomically: false, encoding: .utf8)
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: tmp, to: url)
    }
}

/// PSNR (dB, RGB) between the original texture and the baked atlas sampled back at the same
/// surface points, over the original texels inside the mesh's own UV triangles.
private func roundTripPSNR(original: Image8, baked: Image8, oldUVs: [SIMD2<Double>], input: AtlasInputMesh, atlas: UVAtlas) -> Double {
    let w = original.width, h = original.height
    var seen = [Bool](repeating: false, count: w * h)
    var se = 0.0, count = 0
    for t in 0..<input.triangleCount {
        let o = (0..<3).map { oldUVs[Int(input.indices[3 * t + $0])] * SIMD2(Double(w), Double(h)) }
        let n = (0..<3).map { atlas.uvs[Int(atlas.indices[3 * t + $0])] }
        let d = (o[1].x - o[0].x) * (o[2].y - o[0].y) - (o[2].x - o[0].x) * (o[1].y - o[0].y)
        guard abs(d) > 1e-12 else { continue }
        let x0 = max(0, Int(min(o[0].x, o[1].x, o[2].x))), x1 = min(w - 1, Int(max(o[0].x, o[1].x, o[2].x)))
        let y0 = max(0, Int(min(o[0].y, o[1].y, o[2].y))), y1 = min(h - 1, Int(max(o[0].y, o[1].y, o[2].y)))
        guard x0 <= x1, y0 <= y1 else { continue }
        for y in y0...y1 {
            for x in x0...x1 where !seen[y * w + x] {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                let w1 = ((px - o[0].x) * (o[2].y - o[0].y) - (o[2].x - o[0].x) * (py - o[0].y)) / d
                let w2 = ((o[1].x - o[0].x) * (py - o[0].y) - (px - o[0].x) * (o[1].y - o[0].y)) / d
                guard w1 >= 0, w2 >= 0, w1 + w2 <= 1 else { continue }
                seen[y * w + x] = true
                let uv = n[0] * (1 - w1 - w2) + n[1] * w1 + n[2] * w2
                let got = sampleBilinear(baked, uv) * 255
                for c in 0..<3 {
                    let e = got[c] - Double(original.pixels[(y * w + x) * original.channels + min(c, original.channels - 1)])
                    se += e * e
                }
                count += 3
            }
        }
    }
    guard count > 0 else { return 0 }
    let mse = se / Double(count)
    return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
}
