import AssetPipeline
import ArgumentParser
import Foundation
import Support
import GLTF
import Synthetic

/// `landmark-bench decimate`: decimation time, memory and quality, side by side with
/// meshoptimizer's `simplify` (through the peers' Python package) when it is available.
struct BenchDecimate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decimate",
        abstract: "Decimate meshes to given ratios; print time, memory and surface error (and meshoptimizer's time) as JSON lines.",
        discussion: """
        Each input is welded on position only (as ../shared/peers/mesh_baseline.py does), then
        decimated --repeats times per ratio; times are medians: CPU seconds of the process
        (getrusage, user + system) and wall seconds. On a shared machine compare CPU times;
        the 1-minute load average is printed with each row.
        The same welded mesh goes to meshoptimizer's simplify (Benchmarks/decimate/meshopt_peer.py,
        run with --peer-python; target_error 1 as mesh_baseline.py), timed the same way after one
        warm-up call; `cpuRatio` is our CPU time over meshoptimizer's. Without the peer the row
        says why in `peer`.
        Memory: `decimationPeakMB` is the rise of the process's peak resident set during the
        decimation calls (peak reset through /proc/self/clear_refs), `bytesPerVertex` that rise
        per input vertex, `scratchBytesPerVertex` the decimator's own allocations per vertex. The error is `asset compare`'s (samples per surface, seeded).
        Example: landmark-bench decimate --mesh ../shared/data/meshes/stanford-bunny.obj --ratios 0.1,0.01 --peer-python $VENV/bin/python
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

    @Option(help: "Timed runs per mesh and ratio (medians are printed).")
    var repeats = 3

    @Option(help: "Samples per surface for the error (0 skips the error).")
    var samples = 100_000

    @Option(help: "Python with the `meshoptimizer` package, for the side-by-side time ('none' skips it).")
    var peerPython = "python3"

    @Option(help: "Write each result as <dir>/<name>_<ratio>.ply.")
    var saveDir: String?

    @Option(help: "Seed of the sphere and of the sampling.")
    var seed: UInt64 = 0

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

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
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("landmark-bench-decimate-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (name, input, rs) in inputs {
            let peerInput = scratch.appendingPathComponent("input.lmkm")
            if peerPython != "none" { try writeLMKM(input, to: peerInput) }
            for r in rs {
                let target = Int((Double(input.triangleCount) * r).rounded())
                var cpu: [Double] = [], wall: [Double] = []
                var result: (mesh: Mesh, report: DecimationReport)?
                let rssBefore = MemoryProbe.resetPeak()
                for _ in 0..<repeats {
                    result = nil   // free the previous output before the next run
                    let cpuStart = CPUClock.processSeconds()
                    let start = DispatchTime.now()
                    result = try decimate(input, options: DecimationOptions(targetTriangleCount: target))
                    wall.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
                    cpu.append(CPUClock.processSeconds() - cpuStart)
                }
                let peak = MemoryProbe.peakKilobytes()
                guard let (out, report) = result else { continue }
                var row: [String: String] = [
                    "mesh": "\"\(name)\"", "ratio": "\(r)", "inputTriangles": "\(input.triangleCount)",
                    "inputVertices": "\(input.vertexCount)", "outputTriangles": "\(out.triangleCount)",
                    "seconds": String(format: "%.4f", median(wall)), "cpuSeconds": String(format: "%.4f", median(cpu)),
                    "cpuRuns": "[" + cpu.map { String(format: "%.4f", $0) }.joined(separator: ",") + "]",
                    "repeats": "\(repeats)", "decimationError": String(format: "%.3e", report.error),
                    "loadAverage1m": String(format: "%.2f", loadAverage()),
                    "scratchBytesPerVertex": String(format: "%.0f", Double(report.scratchBytes) / Double(max(1, input.vertexCount))),
                ]
                if let peak, let rssBefore {
                    let rise = Double(max(0, peak - rssBefore)) * 1024
                    row["decimationPeakMB"] = String(format: "%.1f", rise / 1_048_576)
                    row["bytesPerVertex"] = String(format: "%.0f", rise / Double(max(1, input.vertexCount)))
                }
                if peerPython != "none" {
                    switch runPeer(input: peerInput, target: target) {
                    case .success(let peer):
                        row["meshoptCpuSeconds"] = String(format: "%.4f", peer.cpuSeconds)
                        row["meshoptSeconds"] = String(format: "%.4f", peer.seconds)
                        row["meshoptTriangles"] = "\(peer.outputTriangles)"
                        row["cpuRatio"] = String(format: "%.2f", median(cpu) / max(peer.cpuSeconds, 1e-9))
                    case .failure(let why):
                        row["peer"] = "\"\(why.message.replacingOccurrences(of: "\"", with: "'"))\""
                    }
                }
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

    func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    func loadAverage() -> Double {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) >= 1 ? loads[0] : .nan
    }

    struct PeerTiming: Decodable { var cpuSeconds: Double; var seconds: Double; var outputTriangles: Int }
    struct PeerFailure: Error { var message: String }

    /// Runs Benchmarks/decimate/meshopt_peer.py on the same welded mesh.
    func runPeer(input: URL, target: Int) -> Result<PeerTiming, PeerFailure> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("Benchmarks/decimate/meshopt_peer.py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            return .failure(PeerFailure(message: "peer script \(script.path) not found"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [peerPython, script.path, "--input", input.path, "--target", "\(target)", "--repeats", "\(repeats)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            return .failure(PeerFailure(message: "cannot run \(peerPython): \(error)"))
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let timing = try? JSONDecoder().decode(PeerTiming.self, from: data) else {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(PeerFailure(message: "meshoptimizer peer unavailable with \(peerPython) (exit \(process.terminationStatus)) \(text)"))
        }
        return .success(timing)
    }

    /// The peer's input: "LMKM", vertex count, index count (UInt32 LE), positions (Float32 xyz), indices (UInt32).
    func writeLMKM(_ mesh: Mesh, to url: URL) throws {
        var data = Data("LMKM".utf8)
        withUnsafeBytes(of: UInt32(mesh.vertexCount).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(mesh.indices.count).littleEndian) { data.append(contentsOf: $0) }
        var flat: [Float] = []
        flat.reserveCapacity(3 * mesh.vertexCount)
        for p in mesh.positions { flat.append(p.x); flat.append(p.y); flat.append(p.z) }
        flat.withUnsafeBytes { data.append(contentsOf: $0) }
        mesh.indices.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: url)
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

/// Peak resident memory of this process (Linux /proc): reset the peak, then read it.
enum MemoryProbe {
    /// Resets the peak resident set size to the current one (writes "5" to
    /// /proc/self/clear_refs) and returns the current resident size in kB, or nil when /proc
    /// does not allow it.
    static func resetPeak() -> Int? {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return nil }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data("5".utf8)) } catch { return nil }
        return field("VmRSS:")
    }

    /// The peak resident set size (VmHWM) in kB.
    static func peakKilobytes() -> Int? { field("VmHWM:") }

    static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.dropFirst(name.count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }
}
