import Crypto
import Foundation

/// One job after the manifest is expanded: a kind, its parameters (defaults applied, globs
/// expanded, templates filled, paths absolute) and a stable id.
public struct JobSpec: Sendable, Hashable, Codable {
    /// 16 hexadecimal digits: the first 64 bits of SHA-256 over the kind and the normalized
    /// parameters (paths relative to the manifest's folder), so the same job has the same id
    /// on every machine and every run, wherever the manifest's folder is mounted.
    public var id: String
    public var kind: String
    /// A label for messages: the entry's `name:` or `jobs[i]`, plus the matched input of a glob.
    public var name: String
    /// Position in the manifest; jobs are run in this order.
    public var order: Int
    /// Parameters with absolute paths, as the job kind receives them.
    public var parameters: [String: ManifestValue]
    /// Input fields → absolute paths.
    public var inputs: [String: String]
    /// Output fields → absolute paths.
    public var outputs: [String: String]
    /// Why this entry cannot run (a typo in a key, a bad value); such a job is recorded as failed.
    public var invalidReason: String?

    /// The shard this job belongs to among `count` shards: its id (64 bits) modulo `count`.
    public func shard(of count: Int) -> Int {
        Int((UInt64(id.prefix(16), radix: 16) ?? 0) % UInt64(max(1, count)))
    }
}

/// `--shard i/n`: this process runs shard `index` (0-based) of `count`.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public static let all = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses "i/n" with 0 <= i < n.
    public init(parsing text: String) throws(BatchError) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)), n >= 1, i >= 0, i < n
        else { throw .badShard(text) }
        self.init(index: i, count: n)
    }

    public func contains(_ job: JobSpec) -> Bool { job.shard(of: count) == index }
    public var description: String { "\(index)/\(count)" }
}

extension JobSpec {
    /// Computes the stable id of a job from its kind and normalized parameters.
    static func stableID(kind: String, normalizedParameters: [String: ManifestValue]) -> String {
        String(SHA256.hex("landmark-batch-job-v1\n\(kind)\n\(ManifestValue.object(normalizedParameters).canonicalJSON)").prefix(16))
    }
}
