import AssetPipeline
import ArgumentParser
import Foundation

/// `landmark bench decimate`: decimation time and quality on real and generated meshes.
struct BenchDecimate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decimate",
        abstract: "Decimate meshes to given ratios; print time, triangles and surface error as JSON lines.",
        discussion: """
        Each input is welded on position only (as ../shared/peers/mesh_baseline.py does), then
        decimated once per ratio. The error is `asset compare`'s (samples per surface, seeded).
        Example: landmark bench decimate --mesh ../shared/data/meshes/stanford-bunny.obj --ratios 0.1,0.01 --sphere
        """
    )

    @Option(name: .long, help: "A mesh file to decimate (repeatable).")
    var mesh: [String] = []

    @Option(help: "Target ratios, comma-separated.")
    var ratios = "0.1,0.01"

    @Flag(help: "Also decimate the generated bumpy sphere (to the first ratio only).")
    var sphere = false

    @Option(help: "Subdivisions of the bumpy sphere (8 gives 1,310,720 triangles).")
    var subdiv = 8

    @Option(help: "Samples per surface for the error (0 skips the error).")
    var samples = 100_000

    @Option(help: "Write each result as <dir>/<name>_<ratio>.ply.")
    var saveDir: String?

    @Option(help: "Seed of the sphere and of the sampling.")
    var seed: UInt64 = 0

    func run() async throws {
        let ratioValues = ratios.split(separator: ",").compactMap { Double($0) }
        guard !ratioValues.isEmpty else { throw ValidationError("--ratios must list numbers, e.g. 0.1,0.01") }
        var inputs: [(String, Mesh, [Double])] = []
        for path in mesh {
            let asset = try AssetLoader.load(URL(fileURLWithPath: path))
            inputs.append((URL(fileURLWithPath: path).lastPathComponent, weldPositions(try AssetLoader.worldMesh(asset)), ratioValues))
        }
        if sphere {
            inputs.append(("bumpy_sphere_subdiv\(subdiv)", TestMeshes.bumpySphere(subdivisions: subdiv, seed: seed), [ratioValues[0]]))
        }
        for (name, input, rs) in inputs {
            for r in rs {
                let cpuStart = threadCPUSeconds()
                let start = DispatchTime.now()
                let (out, report) = try decimate(input, options: DecimationOptions(targetTriangleCount: Int((Double(input.triangleCount) * r).rounded())))
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                let cpuSeconds = threadCPUSeconds() - cpuStart
                var row: [String: String] = [
                    "mesh": "\"\(name)\"", "ratio": "\(r)", "inputTriangles": "\(input.triangleCount)",
                    "outputTriangles": "\(out.triangleCount)", "seconds": String(format: "%.4f", seconds), "cpuSeconds": String(format: "%.4f", cpuSeconds),
                    "decimationError": String(format: "%.3e", report.error),
                    "peakRSSMB": String(format: "%.1f", peakRSSMegabytes()),
                ]
                if samples > 0 {
                    let d = SurfaceDistance.measure(input, out, samples: samples, seed: seed)
                    row["hausdorff"] = String(format: "%.3e", d.hausdorff)
                    row["rms"] = String(format: "%.3e", d.rms)
                }
                if let saveDir {
                    try writePLY(out, to: URL(fileURLWithPath: saveDir).appendingPathComponent("\(name)_\(r).ply"))
                }
                print("{" + row.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}")
            }
        }
    }

    /// CPU time of this thread: the decimator is single-threaded, and the machine is shared,
    /// so wall time alone overstates it when other jobs run.
    func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Merges vertices with identical positions (drops attributes).
    func weldPositions(_ mesh: Mesh) -> Mesh {
        var table: [SIMD3<Float>: UInt32] = [:]
        var positions: [SIMD3<Float>] = []
        var remap = [UInt32](repeating: 0, count: mesh.vertexCount)
        for (i, p) in mesh.positions.enumerated() {
            if let j = table[p] { remap[i] = j } else { table[p] = UInt32(positions.count); remap[i] = UInt32(positions.count); positions.append(p) }
        }
        return Mesh(positions: positions, indices: mesh.indices.map { remap[Int($0)] })
    }

    func writePLY(_ mesh: Mesh, to url: URL) throws {
        var text = "ply\nformat ascii 1.0\nelement vertex \(mesh.vertexCount)\nproperty float x\nproperty float y\nproperty float z\nelement face \(mesh.triangleCount)\nproperty list uchar int vertex_indices\nend_header\n"
        for p in mesh.positions { text += "\(p.x) \(p.y) \(p.z)\n" }
        for t in 0..<mesh.triangleCount { text += "3 \(mesh.indices[3 * t]) \(mesh.indices[3 * t + 1]) \(mesh.indices[3 * t + 2])\n" }
        try GLTFAsset.atomicWrite(Data(text.utf8), to: url)
    }
}
