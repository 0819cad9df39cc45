import Foundation

/// What can go wrong in a batch, each case naming the file, job and field concerned.
public enum BatchError: Error, CustomStringConvertible, Equatable {
    /// The manifest as a whole cannot be used (syntax, top-level structure, bad defaults).
    case manifest(file: String, line: Int?, message: String)
    /// One job entry of the manifest is invalid; the other jobs still run.
    case invalidJob(job: String, field: String?, message: String)
    /// A job's input file is missing or unreadable.
    case missingInput(job: String, field: String, path: String)
    /// A job's output cannot be written there.
    case unwritableOutput(job: String, field: String, path: String, reason: String)
    /// A job kind that is not known to this build.
    case unknownKind(String, known: [String])
    /// A feature (a job kind, a field) whose implementation has not landed in this build.
    case notAvailable(feature: String, reason: String)
    /// The job's code failed.
    case jobFailed(String)
    /// `--shard i/n` is malformed.
    case badShard(String)
    /// The job database cannot be used.
    case database(String)

    public var description: String {
        switch self {
        case let .manifest(file, line, message):
            return "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
        case let .invalidJob(job, field, message):
            return "job \(job)\(field.map { ", field '\($0)'" } ?? ""): \(message)"
        case let .missingInput(job, field, path):
            return "job \(job), field '\(field)': input file '\(path)' does not exist"
        case let .unwritableOutput(job, field, path, reason):
            return "job \(job), field '\(field)': output '\(path)' cannot be written: \(reason)"
        case let .unknownKind(kind, known):
            return "unknown job kind '\(kind)'\(suggestion(for: kind, among: known)); known kinds: \(known.joined(separator: ", "))"
        case let .notAvailable(feature, reason):
            return "\(feature) is not available yet in this build: \(reason)"
        case let .jobFailed(message):
            return message
        case let .badShard(text):
            return "--shard '\(text)' must be i/n with 0 <= i < n, e.g. 3/16 (i counts from 0, like JOB_COMPLETION_INDEX)"
        case let .database(message):
            return "job database: \(message)"
        }
    }
}

/// " — did you mean 'x'?" when one of `candidates` is close to `word`, else "".
func suggestion(for word: String, among candidates: [String]) -> String {
    guard let best = closest(to: word, among: candidates) else { return "" }
    return " (did you mean '\(best)'?)"
}

/// The candidate with the smallest edit distance to `word`, if it is close enough to be a typo.
func closest(to word: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    let limit = max(2, min(word.count, best.0.count) / 3)
    return best.1 <= limit ? best.0 : nil
}

/// Levenshtein distance, with an adjacent transposition counted as one edit.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}
