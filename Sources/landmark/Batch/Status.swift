import ArgumentParser
import Batch
import Foundation

extension Landmark.Batch {
    /// `landmark batch status --db jobs.sqlite [--json] [--html report.html]`.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the job table: counts per state and one line per job (or the JSON report)."
        )

        @Option(name: .long, help: "The job database.")
        var db: String

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "Also write the report as an HTML table to this file.")
        var html: String?

        func validate() throws {
            if !FileManager.default.fileExists(atPath: db) { throw ValidationError("The job database '\(db)' does not exist; run `landmark batch run` first.") }
        }

        func run() throws {
            do {
                let store = try JobStore(path: db)
                let report = BatchReport.make(try store.records(), database: db)
                if let html { try BatchReport.write(report, json: nil, html: URL(fileURLWithPath: html)) }
                if global.json {
                    print(String(decoding: BatchReport.json(report), as: UTF8.self))
                    return
                }
                let counts = ["done", "failed", "running", "pending"].map { "\(report.counts[$0] ?? 0) \($0)" }
                print("\(report.counts["total"] ?? 0) jobs: " + counts.joined(separator: ", "))
                for row in report.jobs {
                    var line = "\(row.id)  \(row.state.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(row.name)"
                    if let seconds = row.seconds, row.state == .done { line += String(format: "  %.2f s", seconds) }
                    if let error = row.error { line += "\n    \(error)" }
                    print(line)
                }
            } catch let error as BatchError {
                throw CleanExit.message(error.description, failure: true)
            }
        }
    }
}
