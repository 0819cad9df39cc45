import Foundation
import Hummingbird
import HummingbirdTesting
import PoseServer
import Testing

/// `/metrics` keeps its contract for dashboards and alerts: the same metric names, types,
/// HELP lines and label names as the hand-written registry it replaced (recorded from it
/// after the same requests), whatever the order the exposition lists them in.
@Suite struct MetricsExpositionTests {
    /// One metric family of the text exposition: its `# TYPE`, its `# HELP`, and for each
    /// sample name (`_bucket`, `_sum`, … for histograms) the label names it carries.
    struct Family: Equatable, CustomStringConvertible {
        var type: String?
        var help: String?
        var labelNamesBySample: [String: Set<String>] = [:]
        var description: String {
            "type \(type ?? "nil"), help \(help ?? "nil"), samples \(labelNamesBySample.mapValues { $0.sorted() })"
        }
    }

    static let expected: [String: Family] = [
        "landmark_http_requests_total": Family(
            type: "counter", help: "HTTP requests by method, route and status.",
            labelNamesBySample: ["landmark_http_requests_total": ["method", "route", "status"]]),
        "landmark_http_request_duration_seconds": Family(
            type: "histogram", help: "Request latency by route.",
            labelNamesBySample: ["landmark_http_request_duration_seconds_bucket": ["route", "le"],
                                 "landmark_http_request_duration_seconds_sum": ["route"],
                                 "landmark_http_request_duration_seconds_count": ["route"]]),
        "landmark_localize_stage_seconds": Family(
            type: "histogram", help: "Localization latency by stage.",
            labelNamesBySample: ["landmark_localize_stage_seconds_bucket": ["stage", "le"],
                                 "landmark_localize_stage_seconds_sum": ["stage"],
                                 "landmark_localize_stage_seconds_count": ["stage"]]),
        "landmark_localize_results_total": Family(
            type: "counter", help: "Localize answers by status.",
            labelNamesBySample: ["landmark_localize_results_total": ["status"]]),
        "landmark_maps_loaded": Family(
            type: "gauge", help: "Landmarks loaded and served.", labelNamesBySample: ["landmark_maps_loaded": []]),
        "landmark_queries_in_flight": Family(
            type: "gauge", help: "Localize queries being computed.", labelNamesBySample: ["landmark_queries_in_flight": []]),
        "landmark_queries_queued": Family(
            type: "gauge", help: "Localize queries waiting for a slot.", labelNamesBySample: ["landmark_queries_queued": []]),
        "landmark_resident_memory_bytes": Family(
            type: "gauge", help: "Resident set size of the server process.",
            labelNamesBySample: ["landmark_resident_memory_bytes": []]),
    ]

    /// The histograms' upper bounds as exposed (seconds), then +Inf.
    static let expectedBuckets = ["0.001", "0.0025", "0.005", "0.01", "0.02", "0.03", "0.05", "0.075", "0.1", "0.15",
                                  "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"]

    @Test func exposesTheSameNamesTypesHelpAndLabelsAfterTraffic() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        try await f.application().test(.router) { client in
            // 2xx, a localize, 4xx (missing intrinsics, unknown route).
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            let localized = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                                     headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect(localized.status == .ok)
            let refused = try await client.execute(uri: "/v1/landmarks/gate/localize", method: .post,
                                                   headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect(refused.status == .badRequest)
            let unknown = try await client.execute(uri: "/v2/nothing", method: .get)
            #expect(unknown.status == .notFound)

            let r = try await client.execute(uri: "/metrics", method: .get)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(buffer: r.body)
            let families = try Self.parse(text)
            #expect(Set(families.keys) == Set(Self.expected.keys))
            for (name, family) in Self.expected {
                #expect(families[name] == family, "\(name): got \(families[name]?.description ?? "nothing")")
            }

            // Label values: route templates (not paths), statuses, the five stages, the buckets.
            let samples = Self.samples(text)
            let requests = samples.filter { $0.name == "landmark_http_requests_total" }.map(\.labels)
            #expect(requests.contains(["method": "GET", "route": "/healthz", "status": "200"]))
            #expect(requests.contains(["method": "POST", "route": "/v1/landmarks/{id}/localize", "status": "200"]))
            #expect(requests.contains(["method": "POST", "route": "/v1/landmarks/{id}/localize", "status": "400"]))
            #expect(requests.contains { $0["status"] == "404" && $0["method"] == "GET" })
            let stages = Set(samples.filter { $0.name == "landmark_localize_stage_seconds_count" }.compactMap { $0.labels["stage"] })
            #expect(stages == ["decode", "features", "match", "pose", "total"])
            let results = samples.filter { $0.name == "landmark_localize_results_total" }
            #expect(results.contains { $0.labels == ["status": "localized"] && $0.value == "1" })
            let buckets = samples.filter { $0.name == "landmark_localize_stage_seconds_bucket" && $0.labels["stage"] == "total" }
                .compactMap { $0.labels["le"] }
            #expect(buckets == Self.expectedBuckets)
            let maps = samples.first { $0.name == "landmark_maps_loaded" }.flatMap { Double($0.value) }
            #expect(maps == 1)
            let rss = samples.first { $0.name == "landmark_resident_memory_bytes" }.flatMap { Double($0.value) }
            #expect((rss ?? 0) > 0, "resident memory read from /proc/self/statm")
        }
    }

    struct Sample { var name: String; var labels: [String: String]; var value: String }

    /// The samples of an exposition: name, labels (values unescaped) and the value as written.
    static func samples(_ text: String) -> [Sample] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            guard let space = line.lastIndex(of: " ") else { return nil }
            let series = line[..<space], value = String(line[line.index(after: space)...])
            guard let brace = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
            var labels: [String: String] = [:]
            var rest = series[series.index(after: brace)...].dropLast()  // without the closing brace
            while let equals = rest.firstIndex(of: "=") {
                let key = String(rest[..<equals])
                var cursor = rest.index(equals, offsetBy: 2)  // past ="
                var value = ""
                while cursor < rest.endIndex, rest[cursor] != "\"" {
                    if rest[cursor] == "\\" { cursor = rest.index(after: cursor) }
                    value.append(rest[cursor]); cursor = rest.index(after: cursor)
                }
                labels[key] = value
                rest = rest[rest.index(after: cursor)...].drop { $0 == "," }
            }
            return Sample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }

    /// Groups an exposition by family; a sample belongs to the family whose name it starts with.
    static func parse(_ text: String) throws -> [String: Family] {
        var families: [String: Family] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# ") {
            let fields = line.split(separator: " ", maxSplits: 3).map(String.init)
            try #require(fields.count == 4, "malformed comment line \"\(line)\"")
            switch fields[1] {
            case "TYPE": families[fields[2], default: Family()].type = fields[3]
            case "HELP": families[fields[2], default: Family()].help = fields[3]
            default: break
            }
        }
        for sample in samples(text) {
            let family = families.keys.filter { sample.name.hasPrefix($0) }.max { $0.count < $1.count }
            let name = try #require(family, "sample \(sample.name) has no # TYPE line")
            families[name]?.labelNamesBySample[sample.name, default: []].formUnion(sample.labels.keys)
        }
        return families
    }
}
