import ArgumentParser
import Batch
import Foundation

/// Options shared by `batch run` and `batch retry`.
struct BatchWorkerOptions: ParsableArguments {
    @Option(name: .long, help: "The job database (SQLite), created if missing.")
    var db: String

    @Option(name: .long, help: "Jobs run at once, each in its own process (default: one per core).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Run only shard i of n (0 <= i < n), e.g. 3/16 or $JOB_COMPLETION_INDEX/16.")
    var shard: String?

    @Option(name: .customLong("max-memory-mb"), help: "Memory budget per job in MiB (address space a job may add); over it the job fails.")
    var maxMemoryMB: Int?

    @Option(name: .customLong("timeout-s"), help: "Time budget per job in seconds; a job running longer is killed and fails.")
    var timeoutSeconds: Double?

    @Option(name: .customLong("stale-after-s"), help: "Take over a 'running' job whose run has sent no heartbeat for this long (seconds).")
    var staleAfterSeconds: Double = 60

    @Flag(name: .long, help: "Run jobs inside this process instead of child processes (no crash isolation or limits).")
    var inProcess = false

    @Option(name: .long, help: "Write the summary report as JSON here (default: <db>.report.json).")
    var reportJSON: String?

    @Option(name: .long, help: "Write the summary report as an HTML table here (default: <db>.report.html).")
    var reportHTML: String?

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1, got \(workers).") }
        if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError(error.description) } }
        if let maxMemoryMB, maxMemoryMB < 1 { throw ValidationError("--max-memory-mb must be at least 1, got \(maxMemoryMB).") }
        if let timeoutSeconds, !(timeoutSeconds > 0) { throw ValidationError("--timeout-s must be positive, got \(timeoutSeconds).") }
    }

    func options() throws -> BatchOptions {
        BatchOptions(workers: workers, shard: try shard.map { try Shard(parsing: $0) } ?? .all,
                     limits: ResourceLimits(maxMemoryMB: maxMemoryMB, timeoutSeconds: timeoutSeconds),
                     staleAfterSeconds: staleAfterSeconds)
    }

    func runner() throws -> BatchRunner {
        let executor: any JobExecutor = inProcess ? InProcessExecutor() : SubprocessExecutor(executable: SubprocessExecutor.currentExecutable)
        return BatchRunner(store: try JobStore(path: db), executor: executor, options: try options())
    }

    /// Writes the report files and prints the summary; exits 1 if a job of this run failed.
    func finish(_ summary: BatchSummary, store: JobStore) throws {
        let base = URL(fileURLWithPath: db).deletingPathExtension().path
        let report = BatchReport.make(try store.records(), database: db)
        let json = reportJSON ?? base + ".report.json"
        let html = reportHTML ?? base + ".report.html"
        try BatchReport.write(report, json: URL(fileURLWithPath: json), html: URL(fileURLWithPath: html))
        for failure in summary.failures {
            FileHandle.standardError.write(Data("failed: \(failure.error)\n".utf8))
        }
        print(summary.text)
        print("report: \(json), \(html)")
        if summary.failed > 0 || summary.invalid > 0 { throw ExitCode(1) }
    }
}
