import ArgumentParser
import Batch
import Foundation

/// `landmark-bench batch`: batch throughput with 1 worker and with N workers on a CPU-bound
/// synthetic manifest (`stress` jobs), each job in its own child process as in production.
struct BenchBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Batch throughput: the same CPU-bound jobs with 1 worker, then with --workers workers."
    )

    @Option(help: "Number of jobs.") var jobs = 12
    @Option(help: "CPU work per job, in millions of mixing steps (about 1.5 ms each in release builds).") var work = 800
    @Option(help: "Workers of the parallel run.") var workers = 2
    @Option(help: "Measure this many (1 worker, N workers) pairs, interleaved, and report the median speedup (a shared machine's load drifts).") var repeats = 1

    /// The `landmark` executable built beside this one: it runs each job (`landmark batch exec-job`), as in production.
    static var landmarkExecutable: String {
        URL(fileURLWithPath: SubprocessExecutor.currentExecutable).deletingLastPathComponent().appendingPathComponent("landmark").path
    }

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("landmark-bench-batch-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let entries = (0..<jobs).map { "  - {kind: stress, output: out/s\($0).txt, seed: \($0), work: \(work)}" }
        try Data(("jobs:\n" + entries.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("jobs.yaml"))
        let manifest = try Manifest.load(folder.appendingPathComponent("jobs.yaml"))

        let loadBefore = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
        var pairs: [[String: Double]] = []
        var concurrency: [Int] = []
        for repeatIndex in 0..<max(1, repeats) {
            var seconds: [Int: Double] = [:]
            var cpu: [Int: Double] = [:]
            for count in [1, workers] {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent("out"))
                let cpuBefore = childCPUSeconds()
                let store = try JobStore(path: folder.appendingPathComponent("jobs-\(repeatIndex)-\(count).sqlite").path)
                let runner = BatchRunner(store: store, executor: SubprocessExecutor(executable: Self.landmarkExecutable),
                                         options: BatchOptions(workers: count, showProgress: false))
                let summary = try runner.run(manifest)
                guard summary.done == jobs else { throw ValidationError("benchmark jobs failed: \(summary.failures)") }
                seconds[count] = summary.wallSeconds
                cpu[count] = childCPUSeconds() - cpuBefore
                if count == workers { concurrency.append(maxConcurrentJobs(try store.records())) }
            }
            let one = seconds[1] ?? 0, many = seconds[workers] ?? 0
            pairs.append(["seconds1Worker": (one * 1000).rounded() / 1000, "secondsNWorkers": (many * 1000).rounded() / 1000,
                          "childCPUSeconds1Worker": ((cpu[1] ?? 0) * 100).rounded() / 100,
                          "childCPUSecondsNWorkers": ((cpu[workers] ?? 0) * 100).rounded() / 100,
                          "speedup": many > 0 ? (one / many * 100).rounded() / 100 : 0])
        }
        let speedups = pairs.map { $0["speedup"] ?? 0 }.sorted()
        let loadAfter = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
        let result: [String: Any] = [
            "benchmark": "batch", "jobs": jobs, "workPerJob": work, "workers": workers,
            "cores": ProcessInfo.processInfo.activeProcessorCount,
            "loadAverageBefore": loadBefore, "loadAverageAfter": loadAfter,
            "runs": pairs, "medianSpeedup": speedups[speedups.count / 2],
            "maxConcurrentJobsNWorkers": concurrency.max() ?? 0,
            "schedulerAutogroup": (try? String(contentsOfFile: "/proc/sys/kernel/sched_autogroup_enabled", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) == "1",
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// User + system CPU time of this process's finished children, in seconds.
private func childCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// The largest number of jobs whose [startedAt, finishedAt] intervals overlap.
private func maxConcurrentJobs(_ records: [JobRecord]) -> Int {
    var events: [(Double, Int)] = []
    for record in records {
        guard let start = record.startedAt, let end = record.finishedAt else { continue }
        events.append((start, 1))
        events.append((end, -1))
    }
    var current = 0, best = 0
    for (_, delta) in events.sorted(by: { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }) {
        current += delta
        best = max(best, current)
    }
    return best
}
