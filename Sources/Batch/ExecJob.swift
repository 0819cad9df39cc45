import Foundation

/// The child side of `SubprocessExecutor`: the hidden `landmark batch exec-job` subcommand.
public enum ExecJob {
    /// Runs one job request in this process and returns the report.
    public static func perform(_ request: ExecutionRequest, registry: JobKindRegistry) -> (result: ExecutionResult, report: ExecutionReport) {
        do {
            let kind = try registry.kind(named: request.kind)
            let invocation = JobInvocation(jobName: request.jobName, parameters: request.parameters,
                                           outputs: request.outputs.mapValues { URL(fileURLWithPath: $0) })
            let outcome = try kind.run(invocation)
            for (field, path) in request.outputs where !FileManager.default.fileExists(atPath: path) {
                let message = "job \(request.jobName): the '\(request.kind)' job finished without writing its output '\(field)'"
                return (.failure(message), ExecutionReport(outcome: nil, error: message))
            }
            return (.success(outcome), ExecutionReport(outcome: outcome, error: nil))
        } catch {
            for path in request.outputs.values { try? FileManager.default.removeItem(atPath: path) }
            let message = "job \(request.jobName): \(error)"
            return (.failure(message), ExecutionReport(outcome: nil, error: message))
        }
    }

    /// The whole child: applies the memory budget, watches the parent (a child whose batch
    /// was killed exits at once, so it never completes a job nobody will record), runs the
    /// request and writes the report. Returns the exit status: 0 done, 3 the job failed.
    public static func main(requestPath: String, resultPath: String, parentPid: Int32?, maxMemoryMB: Int?,
                            registry: JobKindRegistry = .standard) -> Int32 {
        if let parentPid { watchParent(parentPid) }
        let request: ExecutionRequest
        do {
            request = try JSONDecoder().decode(ExecutionRequest.self, from: Data(contentsOf: URL(fileURLWithPath: requestPath)))
        } catch {
            FileHandle.standardError.write(Data("exec-job: cannot read the request '\(requestPath)': \(error)\n".utf8))
            return 2
        }
        if let maxMemoryMB { limitAddressSpace(growthMB: maxMemoryMB) }
        let (result, report) = perform(request, registry: registry)
        do { try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: resultPath)) } catch {
            FileHandle.standardError.write(Data("exec-job: cannot write the result: \(error)\n".utf8))
            return 2
        }
        if case .success = result { return 0 }
        return 3
    }

    private static func watchParent(_ parent: Int32) {
        let thread = Thread {
            while true {
                if getppid() != parent { _exit(137) }
                usleep(100_000)
            }
        }
        thread.start()
    }

    /// RLIMIT_AS = current address space + `growthMB`.
    private static func limitAddressSpace(growthMB: Int) {
        var current = 0
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmSize:") }) {
            current = (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        let limit = rlim_t(current + growthMB << 20)
        var value = rlimit(rlim_cur: limit, rlim_max: limit)
        #if canImport(Glibc)
        setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &value)
        #else
        setrlimit(RLIMIT_AS, &value)
        #endif
    }
}
