import Foundation

/// `stress`: a synthetic job for testing the batch machinery itself: CPU work, sleeping,
/// memory, crashes and failures on demand, writing a small deterministic text `output`.
public struct StressKind: JobKind {
    public init() {}
    public let name = "stress"
    public var parameters: [ParameterSpec] {
        [
            ParameterSpec("output", .outputPath, required: true, help: "the text file to write"),
            ParameterSpec("work", .integer, help: "millions of integer mixing steps (CPU-bound), default 0"),
            ParameterSpec("sleep_ms", .integer, help: "sleep this long before writing, default 0"),
            ParameterSpec("allocate_mb", .integer, help: "allocate and touch this much memory, default 0"),
            ParameterSpec("crash", .boolean, help: "crash the process (a trap) instead of finishing"),
            ParameterSpec("fail", .string, help: "fail with this message instead of finishing"),
            ParameterSpec("seed", .integer, help: "mixed into the output so jobs differ, default 0"),
        ]
    }

    public func run(_ invocation: JobInvocation) throws -> JobOutcome {
        guard let output = invocation.outputs["output"] else { throw BatchError.jobFailed("stress: output is required") }
        if let message = invocation.string("fail") { throw BatchError.jobFailed(message) }
        var state = UInt64(invocation.int("seed") ?? 0)
        var touched = 0
        if let megabytes = invocation.int("allocate_mb"), megabytes > 0 {
            var blocks: [[UInt8]] = []
            for index in 0..<megabytes {
                blocks.append([UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 1 << 20))
            }
            touched = blocks.reduce(0) { $0 + Int($1[$1.count / 2]) }
        }
        if invocation.bool("crash") == true {
            fatalError("stress job asked to crash")
        }
        if let work = invocation.int("work"), work > 0 {
            for _ in 0..<(work * 1_000_000) {
                // SplitMix64 step: cheap, branch-free, impossible to optimize away.
                state &+= 0x9e37_79b9_7f4a_7c15
                var z = state
                z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
                z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
                state ^= z ^ (z >> 31)
            }
        }
        if let milliseconds = invocation.int("sleep_ms"), milliseconds > 0 {
            usleep(useconds_t(milliseconds) * 1000)
        }
        try Data("stress \(String(state, radix: 16)) \(touched)\n".utf8).write(to: output)
        return JobOutcome(metrics: ["state": .string(String(state, radix: 16))])
    }
}
