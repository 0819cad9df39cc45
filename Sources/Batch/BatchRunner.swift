import Foundation

/// How a batch runs.
public struct BatchOptions: Sendable {
    /// Concurrent jobs; default one per core.
    public var workers: Int
    /// Which part of the manifest this process runs.
    public var shard: Shard
    public var limits: ResourceLimits
    /// A `running` job with no heartbeat for this long is taken over (seconds).
    public var staleAfterSeconds: Double
    /// How often the coordinator refreshes the heartbeat of its running jobs (seconds).
    public var heartbeatSeconds: Double
    /// Draw the progress line (default: when stderr is a terminal).
    public var showProgress: Bool

    public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, shard: Shard = .all,
                limits: ResourceLimits = ResourceLimits(), staleAfterSeconds: Double = 60,
                heartbeatSeconds: Double = 5, showProgress: Bool = isatty(STDERR_FILENO) != 0) {
        self.workers = max(1, workers)
        self.shard = shard
        self.limits = limits
        self.staleAfterSeconds = staleAfterSeconds
        self.heartbeatSeconds = heartbeatSeconds
        self.showProgress = showProgress
    }
}

/// What one `batch run` (or `retry`) did.
public struct BatchSummary: Sendable, Equatable {
    /// Jobs of the manifest in this shard.
    public var jobs = 0
    /// Jobs this run executed and that succeeded / failed.
    public var done = 0
    public var failed = 0
    /// Done earlier with unchanged inputs: skipped.
    public var skipped = 0
    /// Failed earlier with unchanged inputs: left failed (see `retry --failed`).
    public var failedEarlier = 0
    /// Invalid manifest entries.
    public var invalid = 0
    /// `running` rows of dead runs reset to pending before starting.
    public var resumed = 0
    /// Running in another live process when this run started (it waited for them).
    public var runningElsewhere = 0
    public var wallSeconds = 0.0
    /// (job name, error) of this run's failures and the invalid entries.
    public var failures: [Failure] = []

    public struct Failure: Sendable, Equatable {
        public var job: String
        public var error: String
    }

    /// True when every job of the shard is done.
    public var allDone: Bool { failed == 0 && failedEarlier == 0 && invalid == 0 }

    public var text: String {
        var line = "\(jobs) jobs: \(done) done, \(failed) failed, \(skipped) up to date"
        if failedEarlier > 0 { line += ", \(failedEarlier) failed earlier (retry with `landmark batch retry --failed`)" }
        if invalid > 0 { line += ", \(invalid) invalid" }
        if resumed > 0 { line += ", \(resumed) resumed from an interrupted run" }
        if runningElsewhere > 0 { line += ", \(runningElsewhere) were running in another process" }
        line += String(format: " in %.1f s", wallSeconds)
        let ran = done + failed
        if ran > 0, wallSeconds > 0 { line += String(format: " (%.2f jobs/s)", Double(ran) / wallSeconds) }
        return line
    }
}

/// Runs a manifest's jobs against the job table: resume, skip, claim, execute, commit.
public struct BatchRunner: Sendable {
    public let store: JobStore
    public let executor: any JobExecutor
    public let options: BatchOptions

    public init(store: JobStore, executor: any JobExecutor, options: BatchOptions = BatchOptions()) {
        self.store = store
        self.executor = executor
        self.options = options
    }

    /// `batch run`: resets stale rows of killed runs, records the manifest's jobs of this shard
    /// (skipping those done with unchanged inputs), runs the others, and returns the summary.
    public func run(_ manifest: Manifest) throws(BatchError) -> BatchSummary {
        let start = Date()
        let jobs = manifest.jobs.filter { options.shard.contains($0) }
        var summary = BatchSummary()
        summary.jobs = jobs.count
        summary.resumed = try store.resetStale(staleAfter: options.staleAfterSeconds).count

        // Hash inputs, reusing stored hashes when the files' stamps are unchanged.
        let existing = Dictionary(uniqueKeysWithValues: try store.records(ids: jobs.map(\.id)).map { ($0.id, $0) })
        var hashes: [String: (hash: String, stamp: String)] = [:]
        var bytes: [String: Int] = [:]
        for job in jobs where job.invalidReason == nil {
            let files = InputHasher.files(of: job)
            let stamp = InputHasher.stamp(of: files)
            if let record = existing[job.id], record.inputsStamp == stamp, let hash = record.inputsHash {
                hashes[job.id] = (hash, stamp)
            } else {
                hashes[job.id] = (InputHasher.hash(of: files, base: manifest.baseDirectory.path), stamp)
            }
            bytes[job.id] = InputHasher.totalBytes(of: files)
        }
        try store.removeInvalid(except: Set(jobs.map(\.id)), shard: options.shard)
        let sync = try store.sync(jobs, hashes: hashes, inputBytes: bytes)
        summary.skipped = sync.upToDate.count
        summary.failedEarlier = sync.failedEarlier.count
        summary.invalid = sync.invalid.count
        summary.runningElsewhere = sync.runningElsewhere.count
        let names = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0.name) })
        for id in sync.invalid {
            summary.failures.append(.init(job: names[id] ?? id, error: jobs.first { $0.id == id }?.invalidReason ?? "invalid"))
        }

        var outcome = try execute(ids: sync.runnable)
        // Jobs held by another run: wait until that run finishes them, or run them ourselves
        // once it is found dead (pid gone here, or silent for `staleAfterSeconds`).
        var waiting = sync.runningElsewhere
        while !waiting.isEmpty {
            Thread.sleep(forTimeInterval: min(options.heartbeatSeconds, 2))
            try store.resetStale(staleAfter: options.staleAfterSeconds)
            let records = try store.records(ids: waiting)
            let pending = records.filter { $0.state == .pending }.map(\.id)
            if !pending.isEmpty {
                let more = try execute(ids: pending)
                outcome.done += more.done
                outcome.failed += more.failed
                outcome.failures += more.failures
            }
            waiting = try store.records(ids: waiting).filter { $0.state == .running || $0.state == .pending }.map(\.id)
        }
        summary.done = outcome.done
        summary.failed = outcome.failed
        summary.failures += outcome.failures
        summary.wallSeconds = Date().timeIntervalSince(start)
        return summary
    }

    /// `batch retry --failed`: failed jobs back to pending, then runs every pending job of the
    /// table from the specs stored in it (no manifest needed).
    public func retryFailed() throws(BatchError) -> BatchSummary {
        let start = Date()
        var summary = BatchSummary()
        summary.resumed = try store.resetStale(staleAfter: options.staleAfterSeconds).count
        _ = try store.resetFailed()
        let ids = try store.records().filter { record in
            record.state == .pending && (record.jobSpec.map(options.shard.contains) ?? false)
        }.map(\.id)
        summary.jobs = ids.count
        let outcome = try execute(ids: ids)
        summary.done = outcome.done
        summary.failed = outcome.failed
        summary.failures = outcome.failures
        summary.wallSeconds = Date().timeIntervalSince(start)
        return summary
    }

    /// Runs the given pending jobs with `options.workers` workers; blocks until all finished.
    public func execute(ids: [String]) throws(BatchError) -> (done: Int, failed: Int, failures: [BatchSummary.Failure]) {
        guard !ids.isEmpty else { return (0, 0, []) }
        let state = WorkerState(ids: ids)
        let progress = BatchProgress(total: ids.count, enabled: options.showProgress)
        let group = DispatchGroup()
        let workerCount = min(options.workers, max(1, ids.count))
        for _ in 0..<workerCount {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                workerLoop(state: state, progress: progress)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        var lastBeat = Date()
        while group.wait(timeout: .now() + 0.25) == .timedOut {
            progress.tick()
            if Date().timeIntervalSince(lastBeat) >= options.heartbeatSeconds {
                try? store.heartbeat(tokens: state.heldTokens)
                lastBeat = Date()
            }
        }
        progress.finish()
        if let error = state.fatalError { throw error }
        return (state.done, state.failed, state.failures)
    }

    private func workerLoop(state: WorkerState, progress: BatchProgress) {
        while let id = state.next() {
            let token = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)).lowercased()
            do {
                guard let record = try store.claim(id: id, token: token) else { continue }  // someone else has it
                state.hold(token)
                defer { state.release(token) }
                let success = try runClaimed(record, token: token, state: state)
                progress.jobFinished(success: success)
            } catch {
                state.fail(error)
                return
            }
        }
    }

    /// Runs one claimed job and records its end. Returns whether it succeeded.
    private func runClaimed(_ record: JobRecord, token: String, state: WorkerState) throws(BatchError) -> Bool {
        let start = Date()
        func failed(_ message: String) throws(BatchError) -> Bool {
            try store.fail(id: record.id, token: token, error: message, seconds: Date().timeIntervalSince(start))
            state.record(.init(job: record.name, error: message), success: false)
            return false
        }
        guard let spec = record.jobSpec else { return try failed("job \(record.name): the stored job spec cannot be read") }
        if let reason = spec.invalidReason { return try failed(reason) }

        // Preflight: inputs exist, output folders can be created and written.
        for (field, path) in spec.inputs.sorted(by: { $0.key < $1.key }) {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isDirectory.boolValue {
                return try failed(BatchError.missingInput(job: spec.name, field: field, path: path).description)
            }
        }
        var temporaryOutputs: [String: String] = [:]  // temporary → final
        var requestOutputs: [String: String] = [:]    // field → temporary
        for (field, path) in spec.outputs.sorted(by: { $0.key < $1.key }) {
            if let reason = outputProblem(path) {
                return try failed(BatchError.unwritableOutput(job: spec.name, field: field, path: path, reason: reason).description)
            }
            let temporary = temporaryPath(for: path, claim: token)
            temporaryOutputs[temporary] = path
            requestOutputs[field] = temporary
        }

        let request = ExecutionRequest(kind: spec.kind, jobName: spec.name, parameters: spec.parameters, outputs: requestOutputs)
        let result = executor.execute(request, limits: options.limits) { pid in
            try? store.setWorker(id: record.id, token: token, workerPid: pid)
        }
        let seconds = Date().timeIntervalSince(start)
        switch result {
        case .success(let outcome):
            do {
                if try store.complete(id: record.id, token: token, temporaryOutputs: temporaryOutputs, outcome: outcome, seconds: seconds) {
                    state.record(nil, success: true)
                    return true
                }
                return false  // the claim was taken over (this run was presumed dead)
            } catch {
                for temporary in temporaryOutputs.keys { try? FileManager.default.removeItem(atPath: temporary) }
                return try failed("\(error)")
            }
        case .failure(let message):
            for temporary in temporaryOutputs.keys { try? FileManager.default.removeItem(atPath: temporary) }
            let named = message.hasPrefix("job ") ? message : "job \(spec.name): \(message)"
            return try failed(named)
        }
    }

    /// Why `path` cannot be written, or nil. Creates its folder.
    private func outputProblem(_ path: String) -> String? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            // Find the first ancestor that cannot be made, for an exact reason.
            var missing = folder
            while !FileManager.default.fileExists(atPath: missing.deletingLastPathComponent().path), missing.path != "/" {
                missing = missing.deletingLastPathComponent()
            }
            let reason = mkdir(missing.path, 0o755) == 0 ? "unknown error" : String(cString: strerror(errno))
            return "cannot create the folder '\(missing.path)' (\(reason))"
        }
        if access(folder.path, W_OK) != 0 { return "the folder '\(folder.path)' is not writable" }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "it is a folder"
        }
        return nil
    }
}

/// The workers' shared queue and tallies.
final class WorkerState: @unchecked Sendable {
    private let lock = NSLock()
    private var queue: ArraySlice<String>
    private var tokens: Set<String> = []
    private(set) var done = 0
    private(set) var failed = 0
    private(set) var failures: [BatchSummary.Failure] = []
    private(set) var fatalError: BatchError?

    init(ids: [String]) { queue = ids[...] }

    func next() -> String? {
        lock.lock(); defer { lock.unlock() }
        guard fatalError == nil else { return nil }
        return queue.popFirst()
    }
    func hold(_ token: String) { lock.lock(); tokens.insert(token); lock.unlock() }
    func release(_ token: String) { lock.lock(); tokens.remove(token); lock.unlock() }
    var heldTokens: [String] { lock.lock(); defer { lock.unlock() }; return Array(tokens) }
    func record(_ failure: BatchSummary.Failure?, success: Bool) {
        lock.lock(); defer { lock.unlock() }
        if success { done += 1 } else { failed += 1 }
        if let failure { failures.append(failure) }
    }
    func fail(_ error: Error) {
        lock.lock(); defer { lock.unlock() }
        if fatalError == nil { fatalError = (error as? BatchError) ?? .database("\(error)") }
    }
}
