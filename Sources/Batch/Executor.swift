import Foundation

/// Per-job resource budgets. `nil` means no limit.
public struct ResourceLimits: Sendable, Equatable {
    /// Address space the job may add on top of the child process's start-up size, in MiB
    /// (RLIMIT_AS in the `exec-job` child). A job that exceeds it fails with that reason.
    public var maxMemoryMB: Int?
    /// Wall-clock seconds per job; the child is killed (SIGKILL) when it runs longer.
    public var timeoutSeconds: Double?

    public init(maxMemoryMB: Int? = nil, timeoutSeconds: Double? = nil) {
        self.maxMemoryMB = maxMemoryMB
        self.timeoutSeconds = timeoutSeconds
    }
}

/// What a worker asks an executor to run: one job, writing to temporary output paths.
public struct ExecutionRequest: Sendable, Codable, Equatable {
    public var kind: String
    public var jobName: String
    public var parameters: [String: ManifestValue]
    /// Output field → temporary path to write.
    public var outputs: [String: String]
}

/// What the `exec-job` child reports back (written as JSON to its `--result` file).
public struct ExecutionReport: Sendable, Codable, Equatable {
    public var outcome: JobOutcome?
    public var error: String?
}

public enum ExecutionResult: Sendable, Equatable {
    case success(JobOutcome)
    case failure(String)
}

/// Runs one job. The batch's workers call it concurrently from several threads.
public protocol JobExecutor: Sendable {
    /// - Parameters:
    ///   - started: called with the child's process id when the job runs in a child.
    func execute(_ request: ExecutionRequest, limits: ResourceLimits, started: (Int32) -> Void) -> ExecutionResult
}

/// Runs jobs on the worker's thread, in this process: for tests and library use. No
/// isolation: a crash takes the batch down, and limits are not enforced.
public struct InProcessExecutor: JobExecutor {
    public let registry: JobKindRegistry
    public init(registry: JobKindRegistry = .standard) { self.registry = registry }

    public func execute(_ request: ExecutionRequest, limits: ResourceLimits, started: (Int32) -> Void) -> ExecutionResult {
        ExecJob.perform(request, registry: registry).result
    }
}

/// Runs each job in a child process, `<executable> batch exec-job --request … --result …`,
/// so a crash, a memory budget (RLIMIT_AS) or a time budget (SIGKILL) fails only that job,
/// and N workers use N cores.
public struct SubprocessExecutor: JobExecutor {
    /// The `landmark` binary.
    public let executable: String
    /// Arguments before the exec-job options.
    public let arguments: [String]

    public init(executable: String, arguments: [String] = ["batch", "exec-job"]) {
        self.executable = executable
        self.arguments = arguments
    }

    /// This process's own binary (`/proc/self/exe`).
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    public func execute(_ request: ExecutionRequest, limits: ResourceLimits, started: (Int32) -> Void) -> ExecutionResult {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("landmark-batch-\(getpid())-\(UUID().uuidString.prefix(8))")
        do { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
            return .failure("cannot create a scratch folder: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let requestPath = scratch.appendingPathComponent("request.json").path
        let resultPath = scratch.appendingPathComponent("result.json").path
        let logPath = scratch.appendingPathComponent("stderr.txt").path
        do { try JSONEncoder().encode(request).write(to: URL(fileURLWithPath: requestPath)) } catch {
            return .failure("cannot write the job request: \(error.localizedDescription)")
        }

        var args = [executable] + arguments + ["--request", requestPath, "--result", resultPath, "--parent-pid", "\(getpid())"]
        if let mb = limits.maxMemoryMB { args += ["--max-memory-mb", "\(mb)"] }

        let start = Date()
        let pid: pid_t
        switch spawn(args, log: logPath) {
        case .success(let child): pid = child
        case .failure(let message): return .failure(message)
        }
        started(pid)

        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        var pause: useconds_t = 2_000
        while true {
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if waited < 0, errno != EINTR { return .failure("lost the job's process: \(String(cString: strerror(errno)))") }
            if let timeout = limits.timeoutSeconds, !timedOut, Date().timeIntervalSince(start) > timeout {
                kill(pid, SIGKILL)
                timedOut = true
            }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }

        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let logLines = log.split(whereSeparator: \.isNewline).map(String.init)
        let lastLine = logLines.first { $0.contains("Fatal error") || $0.contains("fatal error") } ?? logLines.last ?? ""
        if timedOut {
            return .failure("exceeded the time budget of \(formatSeconds(limits.timeoutSeconds ?? 0)) s (--timeout-s); the job was killed")
        }
        let signal = status & 0x7f
        let exitCode = (status >> 8) & 0xff
        let report = (try? Data(contentsOf: URL(fileURLWithPath: resultPath)))
            .flatMap { try? JSONDecoder().decode(ExecutionReport.self, from: $0) }
        let memoryHint = log.contains("allocate") || log.contains("bad_alloc") || log.lowercased().contains("out of memory")
        if let mb = limits.maxMemoryMB, memoryHint || (signal != 0 && Int(usage.ru_maxrss) >= mb * 1024 * 8 / 10) {
            return .failure("exceeded the memory budget of \(mb) MB (--max-memory-mb)")
        }
        if signal != 0 {
            return .failure("the job crashed (signal \(signal), \(signalName(signal)))\(lastLine.isEmpty ? "" : ": \(lastLine)")")
        }
        if exitCode == 0, let outcome = report?.outcome { return .success(outcome) }
        if let error = report?.error { return .failure(error) }
        return .failure("exec-job exited with status \(exitCode)\(lastLine.isEmpty ? "" : ": \(lastLine)")")
    }

    private enum SpawnResult { case success(pid_t), failure(String) }

    private func spawn(_ args: [String], log: String) -> SpawnResult {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        // A crashing job should fail fast with its message, not spend a second symbolicating.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let code = argv.withUnsafeBufferPointer { arguments in
            envp.withUnsafeBufferPointer { variables in
                posix_spawn(&pid, executable, &actions, nil, arguments.baseAddress!, variables.baseAddress!)
            }
        }
        guard code == 0 else { return .failure("cannot start '\(executable)': \(String(cString: strerror(code)))") }
        return .success(pid)
    }
}

func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGKILL: "SIGKILL"
    case SIGSEGV: "SIGSEGV"
    case SIGABRT: "SIGABRT"
    case SIGTRAP: "SIGTRAP"
    case SIGILL: "SIGILL"
    case SIGBUS: "SIGBUS"
    case SIGTERM: "SIGTERM"
    default: "signal \(signal)"
    }
}

func formatSeconds(_ seconds: Double) -> String {
    seconds.rounded() == seconds ? String(Int(seconds)) : String(format: "%.1f", seconds)
}
