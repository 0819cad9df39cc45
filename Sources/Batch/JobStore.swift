import Foundation
import Support
import GRDB

/// The SQLite job table (GRDB): one row per job, with state, attempts, timings and sizes,
/// plus an append-only event log. Safe to share between processes on one machine (WAL,
/// busy timeout, every state change in one IMMEDIATE transaction).
public final class JobStore: Sendable {
    public let path: String
    let dbQueue: DatabaseQueue

    /// Opens (creating if needed) and migrates the job database.
    public init(path: String) throws(BatchError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        configuration.journalMode = .wal
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            dbQueue = try JobStore.openAndMigrate(path: path, configuration: configuration)
        } catch {
            throw .database("cannot open '\(path)': \(error)")
        }
    }

    /// Shard processes started together on a new file race to create it: switching it to WAL
    /// takes a lock SQLite's busy handler does not wait for, and the loser of a migration
    /// race fails on tables the winner just created. Both are retried (for up to ~10 s);
    /// a retried migration skips what is already applied.
    static func openAndMigrate(path: String, configuration: Configuration) throws -> DatabaseQueue {
        var attempt = 0
        while true {
            do {
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                try JobStore.migrator.migrate(queue)
                return queue
            } catch let error as DatabaseError
                        where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode)
                            || (error.message ?? "").contains("already exists") {
                attempt += 1
                guard attempt < 40 else { throw error }
                Thread.sleep(forTimeInterval: 0.02 * Double(min(attempt, 10)) + Double.random(in: 0...0.02))
            }
        }
    }

    /// Frozen once shipped: add new migrations, never edit these.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: job and event tables") { db in
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("ord", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("spec", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("completions", .integer).notNull().defaults(to: 0)
                t.column("inputsHash", .text)
                t.column("inputsStamp", .text)
                t.column("doneInputsHash", .text)
                t.column("failedInputsHash", .text)
                t.column("error", .text)
                t.column("createdAt", .double).notNull()
                t.column("startedAt", .double)
                t.column("finishedAt", .double)
                t.column("seconds", .double)
                t.column("inputBytes", .integer)
                t.column("outputBytes", .integer)
                t.column("metrics", .text)
                t.column("host", .text)
                t.column("pid", .integer)
                t.column("workerPid", .integer)
                t.column("claim", .text)
                t.column("heartbeatAt", .double)
                t.column("invalid", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("jobId", .text).notNull().indexed()
                t.column("event", .text).notNull()
                t.column("at", .double).notNull()
                t.column("pid", .integer).notNull()
                t.column("detail", .text)
            }
        }
        return migrator
    }

    static var now: Double { Date().timeIntervalSince1970 }
    static let pid = Int(getpid())
    static let host = ProcessInfo.processInfo.hostName

    private func write<T>(_ body: (Database) throws -> T) throws(BatchError) -> T {
        do { return try dbQueue.write(body) } catch let error as BatchError { throw error } catch {
            throw .database("\(error)")
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(BatchError) -> T {
        do { return try dbQueue.read(body) } catch { throw .database("\(error)") }
    }

    private static func log(_ db: Database, _ jobId: String, _ event: String, _ detail: String? = nil) throws {
        let record = JobEvent(id: nil, jobId: jobId, event: event, at: now, pid: pid, detail: detail)
        try record.insert(db)
    }

    // MARK: - Reading

    public func records(ids: [String]? = nil) throws(BatchError) -> [JobRecord] {
        try read { db in
            if let ids { return try JobRecord.filter(ids: ids).order(JobRecord.Columns.ord, JobRecord.Columns.id).fetchAll(db) }
            return try JobRecord.order(JobRecord.Columns.ord, JobRecord.Columns.id).fetchAll(db)
        }
    }

    public func record(id: String) throws(BatchError) -> JobRecord? {
        try read { db in try JobRecord.fetchOne(db, key: id) }
    }

    public func events(jobId: String? = nil) throws(BatchError) -> [JobEvent] {
        try read { db in
            if let jobId { return try JobEvent.filter(Column("jobId") == jobId).order(Column("id")).fetchAll(db) }
            return try JobEvent.order(Column("id")).fetchAll(db)
        }
    }

    /// Number of jobs per state.
    public func counts() throws(BatchError) -> [JobState: Int] {
        try read { db in
            var counts: [JobState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM job GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    // MARK: - Recovery

    /// Resets `running` rows whose coordinator is gone: on this host with a dead pid, or on
    /// any host with a heartbeat older than `staleAfter` seconds. Their temporary outputs are
    /// deleted. Returns the ids reset to `pending`.
    @discardableResult
    public func resetStale(staleAfter: Double = 60) throws(BatchError) -> [String] {
        try write { db in
            let running = try JobRecord.filter(JobRecord.Columns.state == JobState.running).fetchAll(db)
            var reset: [String] = []
            for record in running {
                var record = record
                let deadHere = record.host == JobStore.host && !(record.pid.map(processIsAlive) ?? false)
                let silent = (record.heartbeatAt ?? 0) < JobStore.now - staleAfter
                guard deadHere || silent else { continue }
                if let spec = record.jobSpec, let claim = record.claim {
                    for output in spec.outputs.values { try? FileManager.default.removeItem(atPath: temporaryPath(for: output, claim: claim)) }
                }
                if let workerPid = record.workerPid, record.host == JobStore.host, processIsAlive(workerPid) {
                    kill(pid_t(workerPid), SIGKILL)  // an orphaned child of a killed run
                }
                let why = deadHere ? "coordinator pid \(record.pid ?? 0) on \(record.host ?? "?") is gone"
                    : "no heartbeat for \(Int(JobStore.now - (record.heartbeatAt ?? 0))) s"
                record.state = .pending
                record.claim = nil
                record.workerPid = nil
                try record.update(db)
                try JobStore.log(db, record.id, "reset", why)
                reset.append(record.id)
            }
            return reset
        }
    }

    // MARK: - Synchronizing with a manifest

    /// What `sync` found.
    public struct SyncSummary: Sendable, Equatable {
        /// Jobs to run now (new, changed or never finished), in manifest order.
        public var runnable: [String] = []
        /// Done with unchanged inputs and outputs present: skipped.
        public var upToDate: [String] = []
        /// Failed earlier with unchanged inputs: kept failed until `retry --failed`.
        public var failedEarlier: [String] = []
        /// Invalid manifest entries (recorded as failed).
        public var invalid: [String] = []
        /// Running in another live process: left alone.
        public var runningElsewhere: [String] = []
    }

    /// Inserts new jobs and refreshes existing ones from the manifest. A `done` job whose
    /// inputs' hash changed or whose outputs are missing goes back to `pending`; a `failed`
    /// job whose inputs changed too (e.g. the missing file now exists).
    ///
    /// - Parameter hashes: job id → (content hash, stamp) of its inputs, for valid jobs.
    public func sync(_ jobs: [JobSpec], hashes: [String: (hash: String, stamp: String)],
                     inputBytes: [String: Int] = [:]) throws(BatchError) -> SyncSummary {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try write { db in
            var summary = SyncSummary()
            for job in jobs {
                let specJSON = String(decoding: try encoder.encode(job), as: UTF8.self)
                let hash = hashes[job.id]
                if var record = try JobRecord.fetchOne(db, key: job.id) {
                    record.ord = job.order
                    record.name = job.name
                    record.spec = specJSON
                    if let hash { record.inputsHash = hash.hash; record.inputsStamp = hash.stamp }
                    if let bytes = inputBytes[job.id] { record.inputBytes = bytes }
                    switch record.state {
                    case .done:
                        let outputsPresent = job.outputs.values.allSatisfy { FileManager.default.fileExists(atPath: $0) }
                        if record.doneInputsHash == record.inputsHash, outputsPresent {
                            summary.upToDate.append(job.id)
                        } else {
                            record.state = .pending
                            try JobStore.log(db, job.id, "changed", outputsPresent ? "inputs changed since success" : "an output is missing")
                            summary.runnable.append(job.id)
                        }
                    case .failed:
                        if record.invalid {
                            summary.invalid.append(job.id)
                        } else if let failedHash = record.failedInputsHash, failedHash != record.inputsHash {
                            record.state = .pending
                            try JobStore.log(db, job.id, "changed", "inputs changed since the failure")
                            summary.runnable.append(job.id)
                        } else {
                            summary.failedEarlier.append(job.id)
                        }
                    case .pending:
                        summary.runnable.append(job.id)
                    case .running:
                        summary.runningElsewhere.append(job.id)
                    }
                    try record.update(db)
                } else {
                    let record = JobRecord(
                        id: job.id, ord: job.order, kind: job.kind, name: job.name, spec: specJSON,
                        state: job.invalidReason == nil ? .pending : .failed, attempts: 0, completions: 0,
                        inputsHash: hash?.hash, inputsStamp: hash?.stamp, doneInputsHash: nil, error: job.invalidReason,
                        createdAt: JobStore.now, inputBytes: inputBytes[job.id], invalid: job.invalidReason != nil)
                    try record.insert(db)
                    if job.invalidReason != nil {
                        try JobStore.log(db, job.id, "failed", job.invalidReason)
                        summary.invalid.append(job.id)
                    } else {
                        summary.runnable.append(job.id)
                    }
                }
            }
            return summary
        }
    }

    /// Deletes invalid entries that are no longer in the manifest (the user fixed them).
    /// - Parameter keep: ids of the current manifest (of this shard).
    public func removeInvalid(except keep: Set<String>, shard: Shard) throws(BatchError) {
        try write { db in
            for record in try JobRecord.filter(Column("invalid") == true).fetchAll(db) where !keep.contains(record.id) {
                guard let spec = record.jobSpec, shard.contains(spec) else { continue }
                try record.delete(db)
            }
        }
    }

    // MARK: - Running

    /// Atomically claims a pending job for this process: `UPDATE … WHERE state = 'pending'
    /// RETURNING *`. Returns nil when another worker or process got it first.
    public func claim(id: String, token: String) throws(BatchError) -> JobRecord? {
        try write { db in
            let record = try JobRecord.fetchOne(db, sql: """
                UPDATE job SET state = 'running', claim = ?, host = ?, pid = ?, workerPid = NULL,
                    attempts = attempts + 1, startedAt = ?, heartbeatAt = ?, finishedAt = NULL
                WHERE id = ? AND state = 'pending' RETURNING *
                """, arguments: [token, JobStore.host, JobStore.pid, JobStore.now, JobStore.now, id])
            if record != nil { try JobStore.log(db, id, "claimed", "claim \(token)") }
            return record
        }
    }

    /// Records the child process running a claimed job.
    public func setWorker(id: String, token: String, workerPid: Int32) throws(BatchError) {
        try write { db in
            try db.execute(sql: "UPDATE job SET workerPid = ? WHERE id = ? AND claim = ?", arguments: [Int(workerPid), id, token])
        }
    }

    /// Refreshes the heartbeat of the jobs this process holds.
    public func heartbeat(tokens: [String]) throws(BatchError) {
        guard !tokens.isEmpty else { return }
        try write { db in
            for token in tokens {
                try db.execute(sql: "UPDATE job SET heartbeatAt = ? WHERE claim = ? AND state = 'running'", arguments: [JobStore.now, token])
            }
        }
    }

    /// Moves the temporary outputs into place and marks the job done, in one transaction that
    /// first checks the claim is still ours: a job is done exactly once or not at all.
    /// Returns false (and deletes the temporary outputs) if the claim was lost.
    public func complete(id: String, token: String, temporaryOutputs: [String: String], outcome: JobOutcome,
                         seconds: Double) throws(BatchError) -> Bool {
        try write { db in
            guard var record = try JobRecord.fetchOne(db, key: id), record.state == .running, record.claim == token else {
                for temporary in temporaryOutputs.keys { try? FileManager.default.removeItem(atPath: temporary) }
                return false
            }
            var bytes = 0
            for (temporary, final) in temporaryOutputs.sorted(by: { $0.key < $1.key }) {
                do { try commitReplacement(of: URL(fileURLWithPath: final), with: URL(fileURLWithPath: temporary)) } catch {
                    throw BatchError.jobFailed("cannot move '\(temporary)' to '\(final)': \(error)")
                }
                bytes += fileSize(final) ?? 0
            }
            record.state = .done
            record.completions += 1
            record.doneInputsHash = record.inputsHash
            record.error = nil
            record.finishedAt = JobStore.now
            record.seconds = seconds
            record.outputBytes = bytes
            record.metrics = ManifestValue.object(outcome.metrics).canonicalJSON
            record.claim = nil
            record.workerPid = nil
            try record.update(db)
            try JobStore.log(db, id, "done", String(format: "%.3f s, %d bytes", seconds, bytes))
            return true
        }
    }

    /// Marks a claimed job failed with `error` (if the claim is still ours).
    public func fail(id: String, token: String, error: String, seconds: Double) throws(BatchError) {
        try write { db in
            guard var record = try JobRecord.fetchOne(db, key: id), record.state == .running, record.claim == token else { return }
            record.state = .failed
            record.error = error
            record.failedInputsHash = record.inputsHash
            record.finishedAt = JobStore.now
            record.seconds = seconds
            record.claim = nil
            record.workerPid = nil
            try record.update(db)
            try JobStore.log(db, id, "failed", error)
        }
    }

    /// `retry --failed`: failed jobs (not invalid entries) back to pending. Returns their ids.
    public func resetFailed(ids: [String]? = nil) throws(BatchError) -> [String] {
        try write { db in
            var request = JobRecord.filter(JobRecord.Columns.state == JobState.failed && Column("invalid") == false)
            if let ids { request = request.filter(ids: ids) }
            var reset: [String] = []
            for var record in try request.fetchAll(db) {
                record.state = .pending
                try record.update(db)
                try JobStore.log(db, record.id, "retry", record.error)
                reset.append(record.id)
            }
            return reset
        }
    }

    /// Pending jobs, in order (what `retry` runs).
    public func pendingIDs() throws(BatchError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT id FROM job WHERE state = 'pending' ORDER BY ord, id")
        }
    }
}

/// The temporary file a job writes before its output is renamed into place:
/// `dir/.stem.tmp-<claim>.ext`, so it keeps the extension writers may look at.
public func temporaryPath(for output: String, claim: String) -> String {
    let url = URL(fileURLWithPath: output)
    let ext = url.pathExtension
    let stem = url.deletingPathExtension().lastPathComponent
    return url.deletingLastPathComponent().appendingPathComponent(".\(stem).tmp-\(claim)\(ext.isEmpty ? "" : "." + ext)").path
}

func processIsAlive(_ pid: Int) -> Bool {
    guard pid > 0 else { return false }
    return kill(pid_t(pid), 0) == 0 || errno == EPERM
}

func fileSize(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
}
