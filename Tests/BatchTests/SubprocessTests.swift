import Foundation
import Testing
@testable import Batch

/// End to end through the `landmark` binary: jobs in child processes, a real `kill -9`,
/// two shard processes, resource limits. Skipped when the binary is not built.
@Suite(.serialized) struct SubprocessTests {
    static let stressManifest = (0..<10).map { "  - {kind: stress, output: out/s\($0).txt, seed: \($0), work: 1, sleep_ms: 100}" }
        .joined(separator: "\n")

    @Test(.enabled(if: landmarkBinary != nil, "needs the landmark binary built next to the tests"))
    func killNineMidwayThenResumeGivesIdenticalOutputsAndNoJobTwice() throws {
        let binary = try #require(landmarkBinary)
        let box = try Sandbox()
        defer { box.cleanUp() }
        let yaml = "jobs:\n" + SubprocessTests.stressManifest + "\n"
        try box.write("reference/jobs.yaml", yaml)
        try box.write("killed/jobs.yaml", yaml)

        let reference = try runLandmark(binary, ["batch", "run", "jobs.yaml", "--db", "jobs.sqlite", "--workers", "2"],
                                        in: box.url.appendingPathComponent("reference"))
        #expect(reference.status == 0, "\(reference.output)")

        // Start the run, wait until a third of the jobs are done, kill -9 it.
        let folder = box.url.appendingPathComponent("killed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["batch", "run", "jobs.yaml", "--db", "jobs.sqlite", "--workers", "2"]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var doneBeforeKill = 0
        while Date() < deadline {
            usleep(20_000)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("jobs.sqlite").path),
                  let store = try? JobStore(path: folder.appendingPathComponent("jobs.sqlite").path),
                  let counts = try? store.counts() else { continue }
            doneBeforeKill = counts[.done] ?? 0
            if doneBeforeKill >= 3 { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let store = try JobStore(path: folder.appendingPathComponent("jobs.sqlite").path)
        let afterKill = try store.counts()
        #expect((afterKill[.done] ?? 0) < 10, "the run finished before it could be killed")

        let resumed = try runLandmark(binary, ["batch", "run", "jobs.yaml", "--db", "jobs.sqlite", "--workers", "2"], in: folder)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("up to date"))

        let records = try store.records()
        #expect(records.count == 10)
        for record in records {
            #expect(record.state == .done)
            #expect(record.completions == 1)
            #expect(try store.events(jobId: record.id).filter { $0.event == "done" }.count == 1)
        }
        for index in 0..<10 {
            let name = "out/s\(index).txt"
            #expect(box.read("killed/" + name) != nil)
            #expect(box.read("killed/" + name) == box.read("reference/" + name))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test(.enabled(if: landmarkBinary != nil, "needs the landmark binary built next to the tests"))
    func twoShardProcessesCoverEveryJobExactlyOnce() throws {
        let binary = try #require(landmarkBinary)
        let box = try Sandbox()
        defer { box.cleanUp() }
        let entries = (0..<16).map { "  - {kind: stress, output: out/s\($0).txt, seed: \($0)}" }.joined(separator: "\n")
        try box.write("jobs.yaml", "jobs:\n" + entries + "\n")
        let shards = try (0..<2).map { index -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["batch", "run", "jobs.yaml", "--db", "jobs.sqlite", "--workers", "1", "--shard", "\(index)/2"]
            process.currentDirectoryURL = box.url
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in shards {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let store = try JobStore(path: box.path("jobs.sqlite"))
        let records = try store.records()
        #expect(records.count == 16)
        #expect(records.allSatisfy { $0.state == .done && $0.completions == 1 && $0.attempts == 1 })
        let pids = Set(records.compactMap(\.pid))
        #expect(pids == Set(shards.map { Int($0.processIdentifier) }))
        let manifest = try Manifest.load(box.url.appendingPathComponent("jobs.yaml"))
        for job in manifest.jobs {
            let record = try #require(records.first { $0.id == job.id })
            #expect(record.pid == Int(shards[job.shard(of: 2)].processIdentifier))
        }
        for index in 0..<16 { #expect(box.read("out/s\(index).txt") != nil) }
    }

    @Test(.enabled(if: landmarkBinary != nil, "needs the landmark binary built next to the tests"))
    func crashesMemoryAndTimeBudgetsFailOnlyTheirJob() throws {
        let binary = try #require(landmarkBinary)
        let box = try Sandbox()
        defer { box.cleanUp() }
        try box.write("jobs.yaml", """
            jobs:
              - {kind: stress, name: fine, output: out/fine.txt}
              - {kind: stress, name: crash, output: out/crash.txt, crash: true}
              - {kind: stress, name: hog, output: out/hog.txt, allocate_mb: 2000}
              - {kind: stress, name: slow, output: out/slow.txt, sleep_ms: 120000}
              - {kind: stress, name: typo, output: out/typo.txt, sleepms: 1}
            """)
        let result = try runLandmark(binary, ["batch", "run", "jobs.yaml", "--db", "jobs.sqlite", "--workers", "2",
                                              "--max-memory-mb", "256", "--timeout-s", "8"], in: box.url)
        #expect(result.status == 1)
        #expect(result.output.contains("field 'sleepms': unknown key (did you mean 'sleep_ms'?)"))
        let store = try JobStore(path: box.path("jobs.sqlite"))
        let byName = Dictionary(uniqueKeysWithValues: try store.records().map { ($0.name, $0) })
        #expect(byName["jobs[0] 'fine' (stress)"]?.state == .done)
        #expect(byName["jobs[1] 'crash' (stress)"]?.error?.contains("the job crashed (signal") == true)
        #expect(byName["jobs[1] 'crash' (stress)"]?.error?.contains("stress job asked to crash") == true)
        #expect(byName["jobs[2] 'hog' (stress)"]?.error == "job jobs[2] 'hog' (stress): exceeded the memory budget of 256 MB (--max-memory-mb)")
        #expect(byName["jobs[3] 'slow' (stress)"]?.error == "job jobs[3] 'slow' (stress): exceeded the time budget of 8 s (--timeout-s); the job was killed")
        #expect(byName["jobs[4] 'typo' (stress)"]?.state == .failed)
        for name in ["crash", "hog", "slow", "typo"] { #expect(box.read("out/\(name).txt") == nil) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: box.path("out")).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)

        // The report files exist and `status --json` agrees with the table.
        #expect(box.read("jobs.report.html")?.contains("exceeded the memory budget") == true)
        let status = try runLandmark(binary, ["batch", "status", "--db", "jobs.sqlite", "--json"], in: box.url)
        #expect(status.status == 0)
        let report = try JSONDecoder().decode(BatchReport.Report.self, from: Data(status.output.utf8))
        #expect(report.counts["done"] == 1 && report.counts["failed"] == 4)
    }
}
