import Crypto
import Foundation

/// `checksum`: writes the SHA-256 of `input` to `output` as `<hex>  <file name>\n`.
///
/// With `rounds: n` the file is hashed n times, each round chained on the previous digest
/// (`d_k = SHA256(d_{k-1} ‖ bytes)`), which makes a CPU-bound job of a chosen length for
/// throughput measurements (`landmark bench batch`). Deterministic: same input, same output.
public struct ChecksumKind: JobKind {
    public init() {}
    public let name = "checksum"
    public var parameters: [ParameterSpec] {
        [
            ParameterSpec("input", .inputPath, required: true, help: "the file to hash (may be a glob)"),
            ParameterSpec("output", .outputPath, required: true, help: "the text file to write"),
            ParameterSpec("rounds", .integer, help: "hash the file this many times, chained (default 1)"),
        ]
    }

    public func validate(_ parameters: [String: ManifestValue]) throws(BatchError) {
        if let rounds = parameters["rounds"]?.intValue, rounds < 1 || rounds > 1_000_000 {
            throw .invalidJob(job: "", field: "rounds", message: "must be between 1 and 1000000, got \(rounds)")
        }
    }

    public func run(_ invocation: JobInvocation) throws -> JobOutcome {
        guard let input = invocation.url("input"), let output = invocation.outputs["output"] else {
            throw BatchError.jobFailed("checksum: input and output are required")
        }
        let bytes = try Data(contentsOf: input)
        let rounds = invocation.int("rounds") ?? 1
        var digest: [UInt8] = []
        for _ in 0..<rounds {
            var hasher = SHA256()
            hasher.update(data: digest)
            hasher.update(data: bytes)
            digest = Array(hasher.finalize())
        }
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        try Data("\(hex)  \(input.lastPathComponent)\n".utf8).write(to: output)
        return JobOutcome(metrics: ["bytes": .number(Double(bytes.count)), "checksum": .string(hex)])
    }
}
