import Foundation

/// The server's Prometheus metrics, rendered in the text exposition format (0.0.4):
///
/// - `landmark_http_requests_total{method,route,status}` counter
/// - `landmark_http_request_duration_seconds{route}` histogram
/// - `landmark_localize_stage_seconds{stage}` histogram (decode, features, match, pose, total)
/// - `landmark_localize_results_total{status}` counter (localized / not_localized)
/// - `landmark_maps_loaded` gauge, `landmark_queries_in_flight`, `landmark_queries_queued`
/// - `landmark_resident_memory_bytes` gauge (from /proc/self/statm)
///
/// Thread-safe; cheap enough to call on every request (one lock, fixed buckets).
public final class ServerMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [RequestKey: Int] = [:]
    private var requestLatency: [String: Histogram] = [:]
    private var stageLatency: [String: Histogram] = [:]
    private var results: [String: Int] = [:]
    /// Read at render time.
    var mapsLoaded: @Sendable () -> Int = { 0 }
    var queueDepth: @Sendable () -> (inFlight: Int, queued: Int) = { (0, 0) }

    /// Upper bounds in seconds: 1 ms … 10 s.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15,
                                    0.25, 0.5, 1, 2.5, 5, 10]

    private struct RequestKey: Hashable { let method: String, route: String, status: Int }
    private struct Histogram {
        var counts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
        var sum = 0.0
        var count = 0
        mutating func observe(_ v: Double) {
            for (i, b) in ServerMetrics.buckets.enumerated() where v <= b { counts[i] += 1 }
            sum += v; count += 1
        }
    }

    public init() {}

    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        lock.lock(); defer { lock.unlock() }
        requests[RequestKey(method: method, route: route, status: status), default: 0] += 1
        requestLatency[route, default: Histogram()].observe(seconds)
    }

    func recordStages(_ stages: [(name: String, ms: Double)], status: String) {
        lock.lock(); defer { lock.unlock() }
        for (name, ms) in stages { stageLatency[name, default: Histogram()].observe(ms / 1000) }
        results[status, default: 0] += 1
    }

    /// The resident set size of this process in bytes; 0 where /proc is unavailable.
    public static func residentMemoryBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The Prometheus text exposition.
    public func render() -> String {
        let maps = mapsLoaded()
        let depth = queueDepth()
        lock.lock(); defer { lock.unlock() }
        var out = ""
        out += "# HELP landmark_http_requests_total HTTP requests by method, route and status.\n"
        out += "# TYPE landmark_http_requests_total counter\n"
        for (key, n) in requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "landmark_http_requests_total{method=\"\(key.method)\",route=\"\(Self.escape(key.route))\",status=\"\(key.status)\"} \(n)\n"
        }
        out += histogram("landmark_http_request_duration_seconds", "Request latency by route.", "route", requestLatency)
        out += histogram("landmark_localize_stage_seconds", "Localization latency by stage.", "stage", stageLatency)
        out += "# HELP landmark_localize_results_total Localize answers by status.\n"
        out += "# TYPE landmark_localize_results_total counter\n"
        for (status, n) in results.sorted(by: { $0.key < $1.key }) {
            out += "landmark_localize_results_total{status=\"\(status)\"} \(n)\n"
        }
        out += "# HELP landmark_maps_loaded Landmarks loaded and served.\n# TYPE landmark_maps_loaded gauge\n"
        out += "landmark_maps_loaded \(maps)\n"
        out += "# HELP landmark_queries_in_flight Localize queries being computed.\n# TYPE landmark_queries_in_flight gauge\n"
        out += "landmark_queries_in_flight \(depth.inFlight)\n"
        out += "# HELP landmark_queries_queued Localize queries waiting for a slot.\n# TYPE landmark_queries_queued gauge\n"
        out += "landmark_queries_queued \(depth.queued)\n"
        out += "# HELP landmark_resident_memory_bytes Resident set size of the server process.\n# TYPE landmark_resident_memory_bytes gauge\n"
        out += "landmark_resident_memory_bytes \(Self.residentMemoryBytes())\n"
        return out
    }

    private func histogram(_ name: String, _ help: String, _ label: String, _ hs: [String: Histogram]) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (key, h) in hs.sorted(by: { $0.key < $1.key }) {
            let l = "\(label)=\"\(Self.escape(key))\""
            for (i, b) in Self.buckets.enumerated() {
                out += "\(name)_bucket{\(l),le=\"\(b)\"} \(h.counts[i])\n"
            }
            out += "\(name)_bucket{\(l),le=\"+Inf\"} \(h.count)\n"
            out += "\(name)_sum{\(l)} \(h.sum)\n"
            out += "\(name)_count{\(l)} \(h.count)\n"
        }
        return out
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
