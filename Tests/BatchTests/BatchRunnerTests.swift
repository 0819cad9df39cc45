import Foundation
import GRDB
import Testing
@testable import Batch

/// The batch semantics with jobs run in-process (fast): failures isolated, skip when
/// unchanged, rerun when changed, resume after a simulated kill, retry.
@Suite struct BatchRunnerTests {
    /// Eight `copy` jobs from a glob, plus one with a missing input and one unwritable output.
    func makeLibrary(_ box: Sandbox, count: Int = 8) throws -> Manifest {
        for index in 0..<count { try box.write("lib/take\(index).txt", "take \(index)\n" + String(repeating: "x", count: index * 100)) }
        try box.write("blocker", "a file where a folder should be")
        return try box.manifest("""
            jobs:
              - {kind: copy, input: "lib/*.txt", output: "out/{stem}.copy"}
              - {kind: copy, name: lost, input: lib/missing.txt, output: out/missing.copy}
              - {kind: copy, name: blocked, input: lib/take0.txt, output: blocker/take0.copy}
            """)
    }

    @Test func failedJobsAreRecordedAndTheOthersRun() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try makeLibrary(box)
        let store = try JobStore(path: box.path("jobs.sqlite"))
        let summary = try BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions()).run(manifest)
        #expect(summary.jobs == 10)
        #expect(summary.done == 8)
        #expect(summary.failed == 2)
        for index in 0..<8 { #expect(box.read("out/take\(index).copy") == box.read("lib/take\(index).txt")) }
        let records = try store.records()
        let lost = try #require(records.first { $0.name.contains("lost") })
        #expect(lost.state == .failed)
        #expect(lost.error == "job jobs[1] 'lost' (copy), field 'input': input file '\(box.path("lib/missing.txt"))' does not exist")
        let blocked = try #require(records.first { $0.name.contains("blocked") })
        #expect(blocked.state == .failed)
        #expect(blocked.error?.hasPrefix("job jobs[2] 'blocked' (copy), field 'output': output '\(box.path("blocker/take0.copy"))' cannot be written: cannot create the folder '\(box.path("blocker"))'") == true)
        #expect(records.filter { $0.state == .done }.allSatisfy { $0.completions == 1 && $0.outputBytes! > 0 && $0.seconds != nil })
        // No temporary file is left anywhere.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: box.path("out")).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func unchangedJobsAreSkippedAndChangedOnesRerun() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try makeLibrary(box, count: 4)
        let store = try JobStore(path: box.path("jobs.sqlite"))
        let runner = BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions())
        _ = try runner.run(manifest)

        let again = try runner.run(manifest)
        #expect(again.done == 0)
        #expect(again.skipped == 4)
        #expect(again.failedEarlier == 2)

        // Edit one input (same size, so only the content hash can tell) and delete one output.
        try box.write("lib/take1.txt", "TAKE 1\n" + String(repeating: "x", count: 100))
        try FileManager.default.removeItem(atPath: box.path("out/take2.copy"))
        let third = try runner.run(manifest)
        #expect(third.done == 2)
        #expect(third.skipped == 2)
        #expect(box.read("out/take1.copy")?.hasPrefix("TAKE 1") == true)
        #expect(try store.records().filter { $0.state == .done }.map(\.completions).sorted() == [1, 1, 2, 2])

        // The missing input appears: that failed job runs again by itself.
        try box.write("lib/missing.txt", "found")
        let fourth = try runner.run(manifest)
        #expect(fourth.done == 1)
        #expect(box.read("out/missing.copy") == "found")
    }

    @Test func retryFailedRunsOnlyTheFailedJobs() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try box.manifest("""
            jobs:
              - {kind: stress, output: out/ok.txt, seed: 1}
              - {kind: copy, input: later.txt, output: out/later.txt}
              - {kind: stress, output: out/bad.txt, fial: "typo"}
            """)
        let store = try JobStore(path: box.path("jobs.sqlite"))
        let runner = BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions())
        let first = try runner.run(manifest)
        #expect(first.done == 1 && first.failed == 1 && first.invalid == 1)

        try box.write("later.txt", "now here")
        let retry = try BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions()).retryFailed()
        #expect(retry.jobs == 1)  // the invalid entry is not retried
        #expect(retry.done == 1)
        #expect(box.read("out/later.txt") == "now here")
        let records = try store.records()
        #expect(records.map(\.state) == [.done, .done, .failed])
        #expect(records[1].attempts == 2)
        #expect(records[0].completions == 1)
        #expect(records[2].error?.contains("field 'fial': unknown key (did you mean 'fail'?)") == true)
    }

    /// A run "killed" mid-way leaves `running` rows owned by a dead pid, one of them with a
    /// half-written temporary output. The next run resets them, runs only unfinished jobs, and
    /// ends with outputs identical to an uninterrupted run; no job completes twice.
    @Test func resumesAfterSimulatedKillExactlyOnce() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try makeLibrary(box)
        let jobs = manifest.jobs.filter { $0.invalidReason == nil && !$0.name.contains("lost") && !$0.name.contains("blocked") }

        // Reference: an uninterrupted run in its own database and output folder.
        let referenceStore = try JobStore(path: box.path("reference.sqlite"))
        _ = try BatchRunner(store: referenceStore, executor: InProcessExecutor(), options: testOptions()).run(manifest)
        var reference: [String: Data] = [:]
        for job in jobs { reference[job.id] = try Data(contentsOf: URL(fileURLWithPath: job.outputs["output"]!)) }
        try FileManager.default.removeItem(atPath: box.path("out"))

        // The interrupted run: 3 jobs done, 2 claimed by a process that is now dead.
        let store = try JobStore(path: box.path("jobs.sqlite"))
        let hashes = Dictionary(uniqueKeysWithValues: jobs.map { job in
            let files = InputHasher.files(of: job)
            return (job.id, (InputHasher.hash(of: files, base: box.url.path), InputHasher.stamp(of: files)))
        })
        _ = try store.sync(jobs, hashes: hashes)
        let direct = BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions())
        _ = try direct.execute(ids: Array(jobs.prefix(3).map(\.id)))
        let dead = try deadPid()
        for (index, job) in jobs[3..<5].enumerated() {
            let token = "deadclaim\(index)"
            _ = try #require(try store.claim(id: job.id, token: token))
            try store.dbQueue.write { db in
                try db.execute(sql: "UPDATE job SET pid = ?, heartbeatAt = ? WHERE id = ?", arguments: [dead, JobStore.now, job.id])
            }
            try box.write("out/" + URL(fileURLWithPath: temporaryPath(for: job.outputs["output"]!, claim: token)).lastPathComponent, "half")
        }

        let resumed = try BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions()).run(manifest)
        #expect(resumed.resumed == 2)
        #expect(resumed.skipped == 3)
        #expect(resumed.done == 5)
        for job in jobs {
            #expect(try Data(contentsOf: URL(fileURLWithPath: job.outputs["output"]!)) == reference[job.id])
            let record = try #require(try store.record(id: job.id))
            #expect(record.state == .done)
            #expect(record.completions == 1)
            #expect(try store.events(jobId: job.id).filter { $0.event == "done" }.count == 1)
        }
        #expect(try store.records(ids: jobs[3..<5].map(\.id)).map(\.attempts) == [2, 2])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: box.path("out")).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    /// A live run's claim is respected: a second process cannot claim or complete its job.
    @Test func claimsAreExclusive() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try box.manifest("jobs:\n  - {kind: stress, output: out/a.txt}\n")
        let store = try JobStore(path: box.path("jobs.sqlite"))
        _ = try store.sync(manifest.jobs, hashes: [:])
        let id = manifest.jobs[0].id
        #expect(try store.claim(id: id, token: "first") != nil)
        #expect(try store.claim(id: id, token: "second") == nil)
        #expect(try store.resetStale().isEmpty)  // our own pid is alive, heartbeat fresh
        try box.write("out/.a.tmp-second.txt", "x")
        let completed = try store.complete(id: id, token: "second", temporaryOutputs: [box.path("out/.a.tmp-second.txt"): box.path("out/a.txt")],
                                           outcome: JobOutcome(), seconds: 0)
        #expect(!completed)
        #expect(!FileManager.default.fileExists(atPath: box.path("out/a.txt")))
        #expect(try store.record(id: id)?.state == .running)
    }

    @Test func shardsPartitionEveryJobExactlyOnce() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let entries = (0..<200).map { "  - {kind: stress, output: out/\($0).txt, seed: \($0)}" }.joined(separator: "\n")
        let manifest = try box.manifest("jobs:\n" + entries + "\n")
        for count in [1, 2, 3, 16] {
            var seen: [String: Int] = [:]
            for index in 0..<count {
                for job in manifest.jobs where Shard(index: index, count: count).contains(job) { seen[job.id, default: 0] += 1 }
            }
            #expect(seen.count == 200)
            #expect(seen.values.allSatisfy { $0 == 1 })
        }
        #expect(throws: BatchError.badShard("2/2")) { try Shard(parsing: "2/2") }
        #expect(try Shard(parsing: "3/16") == Shard(index: 3, count: 16))
    }

    @Test func reportListsEveryJob() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try makeLibrary(box, count: 2)
        let store = try JobStore(path: box.path("jobs.sqlite"))
        _ = try BatchRunner(store: store, executor: InProcessExecutor(), options: testOptions()).run(manifest)
        let report = BatchReport.make(try store.records(), database: "jobs.sqlite")
        #expect(report.counts == ["total": 4, "done": 2, "failed": 2, "pending": 0, "running": 0])
        #expect(report.jobs[0].inputs == [box.path("lib/take0.txt")])
        #expect(report.jobs[0].outputBytes == 7)
        let html = BatchReport.html(report)
        #expect(html.contains("<td class=\"state\">failed</td>"))
        #expect(html.contains("does not exist"))
        let decoded = try JSONDecoder().decode(BatchReport.Report.self, from: BatchReport.json(report))
        #expect(decoded == report)
    }

    /// A job held by a run on another machine is left alone while its heartbeat is fresh, and
    /// taken over once the heartbeat stops (that machine died).
    @Test func takesOverJobsOfARunThatFellSilent() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let manifest = try box.manifest("jobs:\n  - {kind: stress, output: out/a.txt, seed: 1}\n  - {kind: stress, output: out/b.txt, seed: 2}\n")
        let store = try JobStore(path: box.path("jobs.sqlite"))
        _ = try store.sync(manifest.jobs, hashes: [:])
        let held = manifest.jobs[1].id
        _ = try #require(try store.claim(id: held, token: "remote"))
        try store.dbQueue.write { db in
            try db.execute(sql: "UPDATE job SET host = 'another-machine', pid = 1, heartbeatAt = ? WHERE id = ?", arguments: [JobStore.now, held])
        }
        var options = testOptions()
        options.staleAfterSeconds = 0.6
        options.heartbeatSeconds = 0.2
        let summary = try BatchRunner(store: store, executor: InProcessExecutor(), options: options).run(manifest)
        #expect(summary.runningElsewhere == 1)
        #expect(summary.done == 2)
        let record = try #require(try store.record(id: held))
        #expect(record.state == .done && record.completions == 1 && record.attempts == 2)
        #expect(try store.events(jobId: held).map(\.event) == ["claimed", "reset", "claimed", "done"])
    }

    @Test func progressLineCountsThroughputAndETA() {
        #expect(BatchProgress.line(done: 12, failed: 1, total: 40, elapsed: 10) == "batch 12 done · 1 failed · 27 left · 1.30 jobs/s · ETA 21 s")
        #expect(BatchProgress.line(done: 0, failed: 0, total: 5, elapsed: 1) == "batch 0 done · 0 failed · 5 left · 0.00 jobs/s · ETA --")
    }
}
