import Foundation
import Support

/// The summary report of a job table: JSON for machines, a small HTML table for producers.
/// Per job: kind, inputs, triangles, sizes, state, error, time, attempts.
public enum BatchReport {
    /// One row of the report.
    public struct Row: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var kind: String
        public var state: JobState
        public var inputs: [String]
        public var outputs: [String]
        public var inputBytes: Int?
        public var outputBytes: Int?
        public var trianglesIn: Int?
        public var trianglesOut: Int?
        public var seconds: Double?
        public var attempts: Int
        public var completions: Int
        public var error: String?
        public var metrics: [String: ManifestValue]
    }

    public struct Report: Sendable, Codable, Equatable {
        public var database: String
        public var generatedAt: String
        public var counts: [String: Int]
        /// Sum of the jobs' own times (seconds), and jobs per hour of job time.
        public var jobSeconds: Double
        public var jobs: [Row]
    }

    public static func make(_ records: [JobRecord], database: String) -> Report {
        let rows = records.map { record -> Row in
            let spec = record.jobSpec
            let metrics = record.metricsValue
            return Row(id: record.id, name: record.name, kind: record.kind, state: record.state,
                       inputs: spec.map { job in job.inputs.keys.sorted().compactMap { job.inputs[$0] } } ?? [],
                       outputs: spec.map { job in job.outputs.keys.sorted().compactMap { job.outputs[$0] } } ?? [],
                       inputBytes: record.inputBytes, outputBytes: record.outputBytes,
                       trianglesIn: metrics["trianglesIn"]?.intValue, trianglesOut: metrics["trianglesOut"]?.intValue,
                       seconds: record.seconds, attempts: record.attempts, completions: record.completions,
                       error: record.state == .failed ? record.error : nil, metrics: metrics)
        }
        var counts: [String: Int] = ["total": records.count]
        for state in JobState.allCases { counts[state.rawValue] = records.filter { $0.state == state }.count }
        let formatter = ISO8601DateFormatter()
        return Report(database: database, generatedAt: formatter.string(from: Date()), counts: counts,
                      jobSeconds: records.compactMap(\.seconds).reduce(0, +), jobs: rows)
    }

    public static func json(_ report: Report) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(report)) ?? Data()
    }

    public static func html(_ report: Report) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func size(_ bytes: Int?) -> String {
            guard let bytes else { return "" }
            if bytes >= 1 << 20 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
            if bytes >= 1 << 10 { return String(format: "%.1f kB", Double(bytes) / 1024) }
            return "\(bytes) B"
        }
        func triangles(_ row: Row) -> String {
            switch (row.trianglesIn, row.trianglesOut) {
            case let (a?, b?): "\(a) → \(b)"
            case let (nil, b?): "\(b)"
            case let (a?, nil): "\(a)"
            default: ""
            }
        }
        let counts = ["done", "failed", "pending", "running"].map { "\(report.counts[$0] ?? 0) \($0)" }.joined(separator: " · ")
        var html = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>LandmarkAR batch report</title>
        <style>
        body { font: 14px system-ui, sans-serif; margin: 2em; }
        table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; } td.num { text-align: right; white-space: nowrap; }
        tr.failed td { background: #fdecec; } tr.done td.state { color: #17702b; } tr.failed td.state { color: #b00020; }
        td.error { max-width: 40em; font-family: ui-monospace, monospace; font-size: 12px; }
        </style></head><body>
        <h1>Batch report</h1>
        <p>\(escape(report.database)) · \(escape(report.generatedAt)) · \(report.counts["total"] ?? 0) jobs: \(counts)</p>
        <table>
        <tr><th>job</th><th>kind</th><th>state</th><th>inputs</th><th>triangles</th><th>input size</th><th>output size</th><th>time</th><th>attempts</th><th>error</th></tr>

        """
        for row in report.jobs {
            let inputs = row.inputs.map { escape(URL(fileURLWithPath: $0).lastPathComponent) }.joined(separator: "<br>")
            html += "<tr class=\"\(row.state.rawValue)\"><td>\(escape(row.name))</td><td>\(escape(row.kind))</td>"
            html += "<td class=\"state\">\(row.state.rawValue)</td><td>\(inputs)</td><td class=\"num\">\(triangles(row))</td>"
            html += "<td class=\"num\">\(size(row.inputBytes))</td><td class=\"num\">\(size(row.outputBytes))</td>"
            html += "<td class=\"num\">\(row.seconds.map { String(format: "%.2f s", $0) } ?? "")</td><td class=\"num\">\(row.attempts)</td>"
            html += "<td class=\"error\">\(escape(row.error ?? ""))</td></tr>\n"
        }
        html += "</table>\n</body></html>\n"
        return html
    }

    /// Writes `report` as JSON and HTML, each replaced atomically (Support's `atomicReplace`).
    public static func write(_ report: Report, json jsonURL: URL?, html htmlURL: URL?) throws {
        if let jsonURL { try atomicReplace(json(report), at: jsonURL) }
        if let htmlURL { try atomicReplace(Data(html(report).utf8), at: htmlURL) }
    }
}
