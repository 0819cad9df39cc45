import AssetPipeline
import Foundation

/// The seam between the `optimize` job kind and `AssetPipeline`.
///
/// STUB until AssetPipeline's public `optimize(input:output:options:)` lands on this branch:
/// every `optimize` job fails with "not available yet" (the other jobs run).
enum AssetOptimizeAdapter {
    static func run(_ invocation: JobInvocation) throws -> JobOutcome {
        throw BatchError.notAvailable(kind: "optimize",
                                      reason: "AssetPipeline's optimize(input:output:options:) is not merged into this build")
    }
}
