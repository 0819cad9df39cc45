import ArgumentParser
import Batch
import Foundation

extension Landmark.Batch {
    /// `landmark batch run jobs.yaml --db jobs.sqlite [--workers N] [--shard i/n]`.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the manifest's jobs: resumes a killed run, skips jobs done with unchanged inputs.",
            discussion: """
            Exits 0 when every job this run attempted succeeded, 1 when a job failed or a manifest entry \
            is invalid (the other jobs still run). Writes <db>.report.json and <db>.report.html.
            """
        )

        @Argument(help: "The manifest (YAML, or JSON when it ends in .json).")
        var manifest: String

        @OptionGroup var worker: BatchWorkerOptions

        func validate() throws {
            if !FileManager.default.fileExists(atPath: manifest) {
                throw ValidationError("The manifest '\(manifest)' does not exist.")
            }
        }

        func run() throws {
            do {
                let manifest = try Manifest.load(URL(fileURLWithPath: manifest))
                let runner = try worker.runner()
                let summary = try runner.run(manifest)
                try worker.finish(summary, store: runner.store)
            } catch let error as BatchError {
                throw CleanExit.message(error.description, failure: true)
            }
        }
    }
}
