import Foundation
import GRDB

/// The state of a job in the job table.
public enum JobState: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case pending, running, done, failed
}

/// One row of the `job` table: a job, its state and what its last attempt produced.
/// Times are seconds since 1970 (UTC); sizes are bytes.
public struct JobRecord: Sendable, Codable, Equatable, Identifiable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"

    /// The job's stable id (see `JobSpec.id`).
    public var id: String
    /// Manifest order, for running and listing.
    public var ord: Int
    public var kind: String
    public var name: String
    /// The `JobSpec` as JSON: what `retry` runs without the manifest.
    public var spec: String
    public var state: JobState
    /// Attempts started (claims), including ones that crashed or were interrupted.
    public var attempts: Int
    /// Times the job reached `done`. Exactly-once means this never exceeds 1 per content of the inputs.
    public var completions: Int
    /// SHA-256 of the inputs' contents (and the files they reference) as last seen by `batch run`.
    public var inputsHash: String?
    /// Path, size, modification time and inode of each input, to avoid rehashing unchanged files.
    public var inputsStamp: String?
    /// `inputsHash` at the last success: equal to the current hash means the job can be skipped.
    public var doneInputsHash: String?
    /// `inputsHash` at the last failure: a change makes `batch run` try the job again.
    public var failedInputsHash: String?
    public var error: String?
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?
    /// Wall-clock seconds of the last attempt.
    public var seconds: Double?
    public var inputBytes: Int?
    public var outputBytes: Int?
    /// The job kind's figures (triangles, frames, ...) as a JSON object.
    public var metrics: String?
    /// Host and process id of the `batch run` that claimed the job (the coordinator).
    public var host: String?
    public var pid: Int?
    /// Process id of the `exec-job` child running it.
    public var workerPid: Int?
    /// A random token of the current claim: only its holder may complete the job.
    public var claim: String?
    /// Refreshed every few seconds by the coordinator while the job runs.
    public var heartbeatAt: Double?
    /// The manifest entry is invalid (the reason is in `error`); it never runs.
    public var invalid: Bool

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let ord = Column(CodingKeys.ord)
        static let state = Column(CodingKeys.state)
        static let claim = Column(CodingKeys.claim)
    }

    /// The decoded job spec.
    public var jobSpec: JobSpec? {
        try? JSONDecoder().decode(JobSpec.self, from: Data(spec.utf8))
    }

    /// The decoded metrics.
    public var metricsValue: [String: ManifestValue] {
        guard let metrics, let value = try? ManifestValue.parse(json: metrics) else { return [:] }
        return value.objectValue ?? [:]
    }
}

/// One row of the `event` table: the history of every job (claimed, done, failed, reset,
/// invalidated), appended in the same transaction as the state change it records.
public struct JobEvent: Sendable, Codable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "event"
    public var id: Int64?
    public var jobId: String
    /// `claimed`, `done`, `failed`, `reset`, `changed`, `retry`.
    public var event: String
    public var at: Double
    public var pid: Int
    public var detail: String?

}
