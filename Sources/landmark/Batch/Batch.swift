import ArgumentParser
import Batch
import Foundation

extension Landmark {
    /// `landmark batch …`: batch jobs over asset and motion libraries (see docs/batch.md).
    struct Batch: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "batch",
            abstract: "Run a manifest of optimize/retarget jobs unattended: resumable, shardable, one row per job in SQLite.",
            subcommands: [Run.self, Status.self, Retry.self, ExecJob.self]
        )
    }
}
