import Foundation

/// API keys of two kinds: query keys may localize and read landmark metadata; admin keys
/// may also upload and delete landmarks.
///
/// Keys file (`landmark serve --keys keys.json`):
///
///     {"query": ["q-2f9c…", "q-77aa…"], "admin": ["a-91be…"]}
///
/// Environment (added to the file's keys): `LANDMARK_QUERY_KEYS` and `LANDMARK_ADMIN_KEYS`,
/// comma-separated. Clients send a key as `Authorization: Bearer KEY` or `X-API-Key: KEY`.
public struct APIKeys: Sendable, Equatable {
    public enum Kind: String, Sendable { case query, admin }

    public var query: [String]
    public var admin: [String]

    public init(query: [String] = [], admin: [String] = []) {
        self.query = query.filter { !$0.isEmpty }
        self.admin = admin.filter { !$0.isEmpty }
    }

    public var isEmpty: Bool { query.isEmpty && admin.isEmpty }

    /// Reads a keys file (format above).
    public static func load(from url: URL) throws -> APIKeys {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PoseServerConfigurationError.keysFile(path: url.path, reason: "cannot read the file")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PoseServerConfigurationError.keysFile(path: url.path, reason: "not a JSON object like {\"query\":[…],\"admin\":[…]}")
        }
        func strings(_ key: String) throws -> [String] {
            guard let value = object[key] else { return [] }
            guard let list = value as? [String] else {
                throw PoseServerConfigurationError.keysFile(path: url.path, reason: "\"\(key)\" must be a list of strings")
            }
            return list
        }
        let unknown = Set(object.keys).subtracting(["query", "admin"])
        guard unknown.isEmpty else {
            throw PoseServerConfigurationError.keysFile(path: url.path, reason: "unknown field(s) \(unknown.sorted()); expected \"query\" and \"admin\"")
        }
        return APIKeys(query: try strings("query"), admin: try strings("admin"))
    }

    /// Keys from `LANDMARK_QUERY_KEYS` / `LANDMARK_ADMIN_KEYS` (comma-separated).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> APIKeys {
        func split(_ s: String?) -> [String] {
            (s ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return APIKeys(query: split(env["LANDMARK_QUERY_KEYS"]), admin: split(env["LANDMARK_ADMIN_KEYS"]))
    }

    public func merged(with other: APIKeys) -> APIKeys {
        APIKeys(query: query + other.query, admin: admin + other.admin)
    }

    /// The kind of `key`, comparing against every configured key in time independent of
    /// where (or whether) it matches; admin wins when a key is listed as both.
    public func kind(of key: String) -> Kind? {
        let candidate = Array(key.utf8)
        var isQuery = false, isAdmin = false
        for k in query { isQuery = Self.constantTimeEqual(candidate, Array(k.utf8)) || isQuery }
        for k in admin { isAdmin = Self.constantTimeEqual(candidate, Array(k.utf8)) || isAdmin }
        return isAdmin ? .admin : isQuery ? .query : nil
    }

    /// Compares all bytes of the longer input whatever the contents.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt64(a.count ^ b.count)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= UInt64(x ^ y)
        }
        return diff == 0
    }
}
