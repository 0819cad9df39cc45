import Foundation

/// A JSON value (named apart from AssetPipeline's glTF `JSONValue`): what a manifest's job parameters, a job's metrics and the reports are made of.
///
/// YAML manifests are converted to this type too, so both formats share one validator.
/// `canonicalJSON` writes objects with sorted keys and no whitespace: two equal values always
/// give the same bytes, which is what stable job ids are hashed from.
public enum ManifestValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ManifestValue])
    case object([String: ManifestValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Double.self) { self = .number(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([ManifestValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: ManifestValue].self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var numberValue: Double? { if case .number(let n) = self { return n }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var objectValue: [String: ManifestValue]? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [ManifestValue]? { if case .array(let a) = self { return a }; return nil }
    /// The number as an integer when it has no fractional part.
    public var intValue: Int? {
        guard let n = numberValue, n.rounded() == n, abs(n) < 9e15 else { return nil }
        return Int(n)
    }

    /// A short name of the value's type, for error messages ("a number", "a list").
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "a mapping"
        }
    }

    /// Compact JSON with sorted keys: equal values give equal bytes.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// Parses JSON text.
    public static func parse(json: String) throws -> ManifestValue {
        try JSONDecoder().decode(ManifestValue.self, from: Data(json.utf8))
    }

    /// Deep merge: keys of `overlay` win; two mappings under the same key are merged.
    public func merged(with overlay: ManifestValue) -> ManifestValue {
        guard case .object(var base) = self, case .object(let top) = overlay else { return overlay }
        for (key, value) in top {
            base[key] = base[key].map { $0.merged(with: value) } ?? value
        }
        return .object(base)
    }
}

extension ManifestValue: ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: ManifestValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, ManifestValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
