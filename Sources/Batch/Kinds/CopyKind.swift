import Foundation

/// `copy`: copies `input` to `output` byte for byte. A diagnostic kind for trying a manifest,
/// a scheduler set-up or the resume logic on real files without any heavy work.
public struct CopyKind: JobKind {
    public init() {}
    public let name = "copy"
    public var parameters: [ParameterSpec] {
        [
            ParameterSpec("input", .inputPath, required: true, help: "the file to copy (may be a glob)"),
            ParameterSpec("output", .outputPath, required: true, help: "where to copy it"),
        ]
    }

    public func run(_ invocation: JobInvocation) throws -> JobOutcome {
        guard let input = invocation.url("input"), let output = invocation.outputs["output"] else {
            throw BatchError.jobFailed("copy: input and output are required")
        }
        let data = try Data(contentsOf: input)
        try data.write(to: output)
        return JobOutcome(metrics: ["bytes": .number(Double(data.count))])
    }
}
