import Foundation
import Localization
import Prometheus

/// The server's Prometheus metrics, in a `PrometheusCollectorRegistry` this value owns (one
/// per router, so servers and tests never share counts), exposed as text (format 0.0.4):
///
/// - `landmark_http_requests_total{method,route,status}` counter
/// - `landmark_http_request_duration_seconds{route}` histogram
/// - `landmark_localize_stage_seconds{stage}` histogram (decode, features, match, pose, total)
/// - `landmark_localize_results_total{status}` counter (localized / not_localized)
/// - `landmark_maps_loaded` gauge, `landmark_queries_in_flight`, `landmark_queries_queued`
/// - `landmark_resident_memory_bytes` gauge (from /proc/self/statm)
///
/// The registry is used directly rather than through swift-metrics' `MetricsSystem`: the
/// swift-metrics factory registers every metric without a HELP line (and the registry then
/// refuses the same name with one), and a global bootstrap would make servers in one process
/// (the tests) share counts.
///
/// Thread-safe; cheap enough to call on every request (a locked lookup, fixed buckets).
public final class ServerMetrics: @unchecked Sendable {
    /// The registry behind `/metrics`. An application may add to it, e.g. bootstrap
    /// swift-metrics with `PrometheusMetricsFactory(registry:)` for libraries that report
    /// through it (their metrics have no HELP lines).
    public let registry = PrometheusCollectorRegistry()

    /// Upper bounds of every histogram, in seconds: 1 ms … 10 s.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15,
                                    0.25, 0.5, 1, 2.5, 5, 10]

    // The names, HELP lines and label names are a contract with dashboards and alerts
    // (MetricsExpositionTests): change them only on purpose. (Instance properties: the
    // descriptor type is not Sendable, so it cannot be a static.)
    private let requests = MetricNameDescriptor(
        namespace: "landmark", subsystem: "http", metricName: "requests", unitName: "total",
        helpText: "HTTP requests by method, route and status.")
    private let requestDuration = MetricNameDescriptor(
        namespace: "landmark", subsystem: "http", metricName: "request_duration", unitName: "seconds",
        helpText: "Request latency by route.")
    private let stageDuration = MetricNameDescriptor(
        namespace: "landmark", subsystem: "localize", metricName: "stage", unitName: "seconds",
        helpText: "Localization latency by stage.")
    private let results = MetricNameDescriptor(
        namespace: "landmark", subsystem: "localize", metricName: "results", unitName: "total",
        helpText: "Localize answers by status.")

    private let mapsLoadedGauge: Gauge
    private let inFlightGauge: Gauge
    private let queuedGauge: Gauge
    private let residentMemoryGauge: Gauge

    private let sourcesLock = NSLock()
    private var _mapsLoaded: @Sendable () -> Int = { 0 }
    private var _queueDepth: @Sendable () -> (inFlight: Int, queued: Int) = { (0, 0) }
    /// The number of landmarks served, read at render time.
    var mapsLoaded: @Sendable () -> Int {
        get { sourcesLock.withLock { _mapsLoaded } }
        set { sourcesLock.withLock { _mapsLoaded = newValue } }
    }
    /// Localize queries computing and waiting, read at render time.
    var queueDepth: @Sendable () -> (inFlight: Int, queued: Int) {
        get { sourcesLock.withLock { _queueDepth } }
        set { sourcesLock.withLock { _queueDepth = newValue } }
    }

    public init() {
        mapsLoadedGauge = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "landmark", metricName: "maps_loaded", unitName: "", helpText: "Landmarks loaded and served."))
        inFlightGauge = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "landmark", subsystem: "queries", metricName: "in_flight", unitName: "",
            helpText: "Localize queries being computed."))
        queuedGauge = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "landmark", subsystem: "queries", metricName: "queued", unitName: "",
            helpText: "Localize queries waiting for a slot."))
        residentMemoryGauge = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "landmark", metricName: "resident_memory", unitName: "bytes",
            helpText: "Resident set size of the server process."))
        // The localize label values are known: list them at zero from the start, so a
        // dashboard sees every series (and the HELP/TYPE lines) before the first query.
        for stage in StageTimings().byStage {
            _ = registry.makeValueHistogram(descriptor: stageDuration, labels: [("stage", stage.name)], buckets: Self.buckets)
        }
        for status in [LocalizationResult.Status.localized, .notLocalized] {
            _ = registry.makeCounter(descriptor: results, labels: [("status", status.rawValue)])
        }
    }

    /// Counts one answered request; `route` is the matched template (`/v1/landmarks/{id}`),
    /// never the raw path, so the series stay few.
    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: requests,
                             labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeValueHistogram(descriptor: requestDuration, labels: [("route", route)], buckets: Self.buckets)
            .record(seconds)
    }

    /// Records one localize answer: each stage's time (milliseconds, stored as seconds) and its status.
    func recordStages(_ stages: [(name: String, ms: Double)], status: String) {
        for (name, ms) in stages {
            registry.makeValueHistogram(descriptor: stageDuration, labels: [("stage", name)], buckets: Self.buckets)
                .record(ms / 1000)
        }
        registry.makeCounter(descriptor: results, labels: [("status", status)]).increment()
    }

    /// The resident set size of this process in bytes; 0 where /proc is unavailable.
    public static func residentMemoryBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The Prometheus text exposition, with the gauges read now. Families come in no fixed
    /// order; gauge values are written as floats (`1.0`).
    public func render() -> String {
        let depth = queueDepth()
        mapsLoadedGauge.set(to: Double(mapsLoaded()))
        inFlightGauge.set(to: Double(depth.inFlight))
        queuedGauge.set(to: Double(depth.queued))
        residentMemoryGauge.set(to: Double(Self.residentMemoryBytes()))
        return registry.emitToString()
    }
}
