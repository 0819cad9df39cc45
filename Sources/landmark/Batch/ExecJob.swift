import ArgumentParser
import Batch
import Foundation

/// Batch's child-process side (inside the extension, `ExecJob` names the command).
private typealias JobInChildProcess = ExecJob

extension Landmark.Batch {
    /// `landmark batch exec-job` (hidden): runs one job in a child process for `batch run`.
    struct ExecJob: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exec-job",
            abstract: "Run one job for `batch run` (internal).",
            shouldDisplay: false
        )

        @Option(help: "The job request (JSON) written by the batch.") var request: String
        @Option(help: "Where to write the result (JSON).") var result: String
        @Option(name: .customLong("parent-pid"), help: "Exit when this process is gone.") var parentPid: Int32?
        @Option(name: .customLong("max-memory-mb"), help: "Address space the job may add, MiB.") var maxMemoryMB: Int?

        func run() throws {
            let status = JobInChildProcess.main(requestPath: request, resultPath: result, parentPid: parentPid, maxMemoryMB: maxMemoryMB)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
