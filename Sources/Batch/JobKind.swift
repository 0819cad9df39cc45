import Foundation

/// The type a manifest field must have.
public indirect enum ParameterType: Sendable {
    /// A file the job reads; relative paths are resolved against the manifest's folder.
    /// Its content goes into the job's input hash. The kind's first input may be a glob.
    case inputPath
    /// A file the job writes; may use the templates `{stem}`, `{name}`, `{ext}`, `{parent}`,
    /// `{dir}` of the job's glob-matched input. Written to a temporary file, renamed on success.
    case outputPath
    case string
    case number
    case integer
    case boolean
    /// A mapping with its own fields (unknown keys are errors too).
    case object([ParameterSpec])
    case list(ParameterType)
    /// Any one of these types.
    case oneOf([ParameterType])

    var description: String {
        switch self {
        case .inputPath, .outputPath: "a path"
        case .string: "a string"
        case .number: "a number"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .object: "a mapping"
        case .list(let element): "a list of \(element.description.replacingOccurrences(of: "a ", with: "").replacingOccurrences(of: "an ", with: ""))s"
        case .oneOf(let types): types.map(\.description).joined(separator: " or ")
        }
    }
}

/// One field a job kind accepts in the manifest.
public struct ParameterSpec: Sendable {
    public var key: String
    public var type: ParameterType
    public var required: Bool
    /// One line for `docs/batch.md` and error messages.
    public var help: String

    public init(_ key: String, _ type: ParameterType, required: Bool = false, help: String = "") {
        self.key = key
        self.type = type
        self.required = required
        self.help = help
    }
}

/// What a job kind receives to run one job.
public struct JobInvocation: Sendable {
    /// The job's label, for messages.
    public var jobName: String
    /// The job's parameters after defaults, with every path absolute.
    public var parameters: [String: ManifestValue]
    /// Where each output field must be written: a temporary file beside the final output,
    /// with the same extension. The batch renames it into place when the job succeeds.
    public var outputs: [String: URL]

    public init(jobName: String, parameters: [String: ManifestValue], outputs: [String: URL]) {
        self.jobName = jobName
        self.parameters = parameters
        self.outputs = outputs
    }

    public func string(_ key: String) -> String? { parameters[key]?.stringValue }
    public func number(_ key: String) -> Double? { parameters[key]?.numberValue }
    public func int(_ key: String) -> Int? { parameters[key]?.intValue }
    public func bool(_ key: String) -> Bool? { parameters[key]?.boolValue }
    public func url(_ key: String) -> URL? { string(key).map { URL(fileURLWithPath: $0) } }
}

/// What a job reports besides its outputs: figures for the summary report.
/// Conventional keys: `trianglesIn`, `trianglesOut`, `frames`, `bones`, `checksum`.
public struct JobOutcome: Sendable, Codable, Equatable {
    public var metrics: [String: ManifestValue]
    public init(metrics: [String: ManifestValue] = [:]) { self.metrics = metrics }
}

/// A kind of batch job (`optimize`, `retarget`, `copy`, ...): the fields it accepts and how it
/// runs. Kinds are stateless values; the same kind runs in the coordinator (validation) and in
/// the `exec-job` child (running).
///
/// Contract for `run`: read only the inputs, write each output only to
/// `invocation.outputs[field]` (a temporary path), throw an error that names the problem on
/// failure. The batch does the renaming, the bookkeeping and the resource limits.
public protocol JobKind: Sendable {
    /// The manifest's `kind:` value.
    var name: String { get }
    /// The fields a job of this kind accepts (besides `kind` and `name`).
    var parameters: [ParameterSpec] { get }
    /// Checks values beyond their types (ranges, combinations). Throws a message naming the field.
    func validate(_ parameters: [String: ManifestValue]) throws(BatchError)
    /// Outputs implied by the parameters besides the output fields (e.g. LOD files beside the
    /// main output): key → absolute path. They are committed with the job like the others.
    func derivedOutputs(parameters: [String: ManifestValue], outputs: [String: String]) -> [String: String]
    /// Runs one job. Called in a child process by default.
    func run(_ invocation: JobInvocation) throws -> JobOutcome
}

extension JobKind {
    public func validate(_ parameters: [String: ManifestValue]) throws(BatchError) {}
    public func derivedOutputs(parameters: [String: ManifestValue], outputs: [String: String]) -> [String: String] { [:] }

    /// The input fields, in declaration order; the first one may be a glob.
    public var inputKeys: [String] { parameters.filter { if case .inputPath = $0.type { true } else { false } }.map(\.key) }
    /// The output fields, in declaration order.
    public var outputKeys: [String] { parameters.filter { if case .outputPath = $0.type { true } else { false } }.map(\.key) }
}

/// The job kinds a batch knows, by name.
public struct JobKindRegistry: Sendable {
    public private(set) var kinds: [String: any JobKind] = [:]

    public init(_ kinds: [any JobKind]) {
        for kind in kinds { self.kinds[kind.name] = kind }
    }

    /// The kinds of a `landmark` build: `optimize`, `retarget` and the diagnostic kinds
    /// `copy`, `checksum` and `stress`.
    public static let standard = JobKindRegistry([
        OptimizeKind(), RetargetKind(), CopyKind(), ChecksumKind(), StressKind(),
    ])

    public func kind(named name: String) throws(BatchError) -> any JobKind {
        guard let kind = kinds[name] else { throw .unknownKind(name, known: kinds.keys.sorted()) }
        return kind
    }

    public func adding(_ kind: any JobKind) -> JobKindRegistry {
        var copy = self
        copy.kinds[kind.name] = kind
        return copy
    }
}
