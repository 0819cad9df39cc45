import ArgumentParser
import Batch
import Foundation

extension Landmark.Batch {
    /// `landmark batch retry --db jobs.sqlite --failed`.
    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Put failed jobs back to pending and run them again (from the specs in the database; no manifest needed).",
            discussion: "Invalid manifest entries (a typo in a key) are not retried: fix the manifest and `batch run` it."
        )

        @Flag(name: .long, help: "Retry the failed jobs (required; the only selection for now).")
        var failed = false

        @OptionGroup var worker: BatchWorkerOptions

        func validate() throws {
            if !failed { throw ValidationError("Say which jobs to retry: --failed.") }
            if !FileManager.default.fileExists(atPath: worker.db) { throw ValidationError("The job database '\(worker.db)' does not exist.") }
        }

        func run() throws {
            do {
                let runner = try worker.runner()
                let summary = try runner.retryFailed()
                try worker.finish(summary, store: runner.store)
            } catch let error as BatchError {
                throw CleanExit.message(error.description, failure: true)
            }
        }
    }
}
