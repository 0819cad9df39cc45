import ArgumentParser
import Foundation
import Localization
import Rendering
#if canImport(Glibc)
import Glibc
import Imaging
#endif

/// `landmark-bench serve --url http://127.0.0.1:8080 --landmark gate --frames DIR --intrinsics …`:
/// a bounded loopback load against a running `landmark serve`: N threads, each with one
/// keep-alive connection, POST frames (cycled) to `…/localize` until `--requests` are sent
/// or `--max-seconds` pass. Prints throughput, latency percentiles, status counts (5xx other
/// than the server's deliberate 503s are counted apart), and the server's resident memory
/// sampled from `/metrics` over the run, as JSON.
struct BenchServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Load a running pose server over loopback; print throughput, p50/p99, status counts and the server's RSS over the run as JSON.",
        discussion: """
        Example (start the server first):
          landmark serve --landmarks maps/ --port 8090 &
          landmark-bench serve --url http://127.0.0.1:8090 --landmark gate --frames queries/ \\
              --intrinsics 443.4,443.4,319.5,239.5 --concurrency 8 --requests 10000
        A 503 from the server's bounded queue is deliberate: the client then waits the \
        Retry-After seconds (as a well-behaved AR client would, capped at 1 s) and counts it.
        """)

    @Option(help: "The server's base URL; only loopback hosts (127.0.0.1, ::1, localhost).")
    var url: String = "http://127.0.0.1:8080"
    @Option(help: "The landmark id to query.") var landmark: String
    @Option(help: "Folder of query frames (JPEG/PNG), sent in name order, cycled.") var frames: String
    @Option(help: "Intrinsics of the frames as sent: \"fx,fy,cx,cy\" (pixels).") var intrinsics: String
    @Option(help: "Concurrent connections (one thread each).") var concurrency: Int = 8
    @Option(help: "Requests in all.") var requests: Int = 10_000
    @Option(help: "Stop after this many seconds even if requests remain (bounds the run).") var maxSeconds: Double = 1800
    @Option(help: "API key (query), sent as Authorization: Bearer.") var key: String?
    @Option(help: "Seconds between RSS samples from /metrics.") var sampleEvery: Double = 2
    @Flag(help: "Do not wait Retry-After on 503 (hammer the queue).") var ignoreRetryAfter = false
    @Option(help: "Resize every frame to WxH once before the run (JPEG, quality 92); --intrinsics are scaled to match.")
    var resize: String?

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be in 1...256.") }
        guard requests >= 1, requests <= 1_000_000 else { throw ValidationError("--requests must be in 1...1000000.") }
        guard maxSeconds > 0, maxSeconds <= 7200 else { throw ValidationError("--max-seconds must be in (0, 7200].") }
        guard sampleEvery >= 0.1 else { throw ValidationError("--sample-every must be ≥ 0.1 s.") }
        guard intrinsics.split(separator: ",").compactMap({ Double($0) }).count == 4 else {
            throw ValidationError("--intrinsics takes four numbers fx,fy,cx,cy in pixels of the frames.")
        }
        _ = try Self.hostPort(url)
        if let resize, Self.size(resize) == nil { throw ValidationError("--resize takes WxH, e.g. 640x480.") }
    }

    static func size(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { return nil }
        return (parts[0], parts[1])
    }

    static func hostPort(_ url: String) throws -> (host: String, port: Int) {
        guard let u = URL(string: url), u.scheme == "http", let host = u.host else {
            throw ValidationError("--url must be http://HOST:PORT, e.g. http://127.0.0.1:8080.")
        }
        let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard h == "localhost" || h == "::1" || h.hasPrefix("127.") else {
            throw ValidationError("--url must be a loopback address (127.0.0.1, ::1 or localhost); got \(h).")
        }
        return (h, u.port ?? 80)
    }

    func run() throws {
        let (host, port) = try Self.hostPort(url)
        let files = try FileManager.default.contentsOfDirectory(atPath: frames).sorted()
            .filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }
        guard !files.isEmpty else { throw ValidationError("\(frames) holds no .jpg or .png frame.") }
        let target = resize.flatMap(Self.size)
        var scale: (x: Double, y: Double)?
        let bodies: [(name: String, type: String, bytes: [UInt8])] = try files.map { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: frames).appendingPathComponent(name))
            guard let target else { return (name, name.lowercased().hasSuffix("png") ? "image/png" : "image/jpeg", [UInt8](data)) }
            let image = try Image8(decoding: data, channels: 3, name: name)
            scale = (Double(target.width) / Double(image.width), Double(target.height) / Double(image.height))
            return (name, "image/jpeg", [UInt8](try image.resized(width: target.width, height: target.height).encoded(.jpeg, quality: 92)))
        }
        var kv = intrinsics.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        if let scale {   // pixel centres: (c + 0.5)·s − 0.5
            kv = [kv[0] * scale.x, kv[1] * scale.y, (kv[2] + 0.5) * scale.x - 0.5, (kv[3] + 0.5) * scale.y - 0.5]
        }
        let k = kv.map { String(format: "%.4f", $0) }
        let path = "/v1/landmarks/\(landmark)/localize?fx=\(k[0])&fy=\(k[1])&cx=\(k[2])&cy=\(k[3])"
        let auth: [(String, String)] = key.map { [("Authorization", "Bearer \($0)")] } ?? []

        // Before: the server answers, and its RSS.
        let probe = try LoopbackHTTPClient(host: host, port: port)
        let health = try probe.send(method: "GET", path: "/healthz")
        guard health.status == 200 else { throw ValidationError("GET /healthz answered \(health.status); is the server up at \(url)?") }
        let rssBefore = Self.residentBytes(probe)
        let loadBefore = Self.loadAverage()

        let state = LoadState(total: requests)
        let start = Date()
        let deadline = start.addingTimeInterval(maxSeconds)
        let waitOn503 = !ignoreRetryAfter
        var threads: [Thread] = []
        let done = DispatchGroup()
        for worker in 0..<concurrency {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                guard let client = try? LoopbackHTTPClient(host: host, port: port) else { return }
                while Date() < deadline, let i = state.next() {
                    let body = bodies[i % bodies.count]
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    do {
                        let r = try client.send(method: "POST", path: path, headers: auth + [("Content-Type", body.type)], body: body.bytes)
                        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
                        let localized = r.status == 200 && Self.contains(r.body, #""status":"localized""#)
                        state.record(status: r.status, ms: ms, localized: localized,
                                     message: r.status >= 500 && r.status != 503 ? String(decoding: r.body.prefix(300), as: UTF8.self) : nil)
                        if r.status == 503, waitOn503 {
                            let seconds = min(1, Double(r.headers["retry-after"] ?? "1") ?? 1)
                            Thread.sleep(forTimeInterval: seconds)
                        }
                    } catch {
                        state.recordFailure("\(error)")
                    }
                }
                _ = worker
            }
            thread.stackSize = 1 << 20
            threads.append(thread)
        }
        // RSS sampler on its own connection.
        let sampler = RSSSampler()
        let samplerThread = Thread {
            guard let client = try? LoopbackHTTPClient(host: host, port: port) else { return }
            while !sampler.stopped {
                let rss = Self.residentBytes(client)
                sampler.add(seconds: Date().timeIntervalSince(start), bytes: rss, completed: state.completed)
                Thread.sleep(forTimeInterval: sampleEvery)
            }
        }
        samplerThread.start()
        for t in threads { t.start() }
        done.wait()
        let seconds = Date().timeIntervalSince(start)
        sampler.stop()
        Thread.sleep(forTimeInterval: 0.2)
        let rssAfter = Self.residentBytes(probe)
        let loadAfter = Self.loadAverage()

        let snapshot = state.snapshot()
        let ok = snapshot.latencies[200, default: []].sorted()
        let all = snapshot.latencies.values.flatMap { $0 }.sorted()
        func pct(_ xs: [Double], _ p: Double) -> Double {
            guard !xs.isEmpty else { return .nan }
            return (xs[min(xs.count - 1, Int((p / 100 * Double(xs.count - 1)).rounded()))] * 100).rounded() / 100
        }
        let samples = sampler.samples
        let mb = { (b: Int) -> Double in (Double(b) / 1_048_576 * 10).rounded() / 10 }
        // Steadiness: RSS over the second half of the run against the first half's peak.
        let half = samples.filter { $0.completed >= snapshot.completed / 2 }
        let firstHalfPeak = samples.filter { $0.completed < snapshot.completed / 2 }.map(\.bytes).max() ?? rssBefore
        let fivexx = snapshot.statusCounts.filter { $0.key >= 500 && $0.key != 503 }.values.reduce(0, +)
        let report: [String: Any] = [
            "url": url, "landmark": landmark, "frames": files.count, "concurrency": concurrency,
            "frameSize": resize ?? "as sent", "intrinsics": k.joined(separator: ","),
            "frameBytesMean": bodies.map(\.bytes.count).reduce(0, +) / bodies.count,
            "requestsSent": snapshot.completed + snapshot.failures, "requestsPlanned": requests,
            "seconds": (seconds * 100).rounded() / 100,
            "throughputPerSecond": (Double(snapshot.completed) / seconds * 100).rounded() / 100,
            "okPerSecond": (Double(ok.count) / seconds * 100).rounded() / 100,
            "statusCounts": Dictionary(uniqueKeysWithValues: snapshot.statusCounts.map { ("\($0.key)", $0.value) }),
            "localized": snapshot.localized,
            "other5xx": fivexx,
            "deliberate503": snapshot.statusCounts[503, default: 0],
            "connectionFailures": snapshot.failures,
            "firstFailures": snapshot.failureMessages,
            "first5xxBodies": snapshot.errorBodies,
            "latencyMs200": ["p50": pct(ok, 50), "p90": pct(ok, 90), "p99": pct(ok, 99), "max": ok.last ?? .nan],
            "latencyMsAll": ["p50": pct(all, 50), "p99": pct(all, 99)],
            "rssMB": ["before": mb(rssBefore), "after": mb(rssAfter),
                      "min": mb(samples.map(\.bytes).min() ?? 0), "max": mb(samples.map(\.bytes).max() ?? 0),
                      "firstHalfPeak": mb(firstHalfPeak), "secondHalfPeak": mb(half.map(\.bytes).max() ?? 0)],
            "rssSamplesMB": samples.map { [($0.seconds * 10).rounded() / 10, Double($0.completed), mb($0.bytes)] },
            "loadAverage": ["before": loadBefore, "after": loadAfter],
        ]
        print(LocalizationResult.serialize(report))
    }

    static func residentBytes(_ client: LoopbackHTTPClient) -> Int {
        guard let r = try? client.send(method: "GET", path: "/metrics"), r.status == 200 else { return 0 }
        let text = String(decoding: r.body, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("landmark_resident_memory_bytes ") {
            // The registry writes gauges as floats ("1.2e+08" or "123456789.0").
            return Int(Double(line.split(separator: " ").last ?? "") ?? 0)
        }
        return 0
    }

    static func loadAverage() -> [Double] {
        guard let s = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return s.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard haystack.count >= n.count else { return false }
        for i in 0...(haystack.count - n.count) where haystack[i] == n[0] && Array(haystack[i..<(i + n.count)]) == n { return true }
        return false
    }
}

/// Request counter and results shared by the load threads.
final class LoadState: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private var issued = 0
    private(set) var completedCount = 0
    private var latencies: [Int: [Double]] = [:]
    private var statusCounts: [Int: Int] = [:]
    private var localized = 0
    private var failures = 0
    private var failureMessages: [String] = []
    private var errorBodies: [String] = []

    init(total: Int) { self.total = total }

    /// The next request's index, or nil when all are issued.
    func next() -> Int? {
        lock.withLock {
            guard issued < total else { return nil }
            issued += 1
            return issued - 1
        }
    }

    var completed: Int { lock.withLock { completedCount } }

    func record(status: Int, ms: Double, localized isLocalized: Bool, message: String?) {
        lock.withLock {
            completedCount += 1
            latencies[status, default: []].append(ms)
            statusCounts[status, default: 0] += 1
            if isLocalized { localized += 1 }
            if let message, errorBodies.count < 5 { errorBodies.append("\(status): \(message)") }
        }
    }

    func recordFailure(_ message: String) {
        lock.withLock {
            failures += 1
            if failureMessages.count < 5 { failureMessages.append(message) }
        }
    }

    struct Snapshot {
        var completed: Int, failures: Int, localized: Int
        var latencies: [Int: [Double]], statusCounts: [Int: Int]
        var failureMessages: [String], errorBodies: [String]
    }

    func snapshot() -> Snapshot {
        lock.withLock {
            Snapshot(completed: completedCount, failures: failures, localized: localized, latencies: latencies,
                     statusCounts: statusCounts, failureMessages: failureMessages, errorBodies: errorBodies)
        }
    }
}

/// RSS samples taken while the load runs.
final class RSSSampler: @unchecked Sendable {
    struct Sample { var seconds: Double; var bytes: Int; var completed: Int }
    private let lock = NSLock()
    private var values: [Sample] = []
    private var isStopped = false
    func add(seconds: Double, bytes: Int, completed: Int) { lock.withLock { values.append(Sample(seconds: seconds, bytes: bytes, completed: completed)) } }
    var samples: [Sample] { lock.withLock { values } }
    var stopped: Bool { lock.withLock { isStopped } }
    func stop() { lock.withLock { isStopped = true } }
}
