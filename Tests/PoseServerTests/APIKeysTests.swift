import Foundation
import PoseServer
import Testing

@Suite struct APIKeysTests {
    @Test func kindsAndPrecedence() {
        let keys = APIKeys(query: ["q1", "both"], admin: ["a1", "both"])
        #expect(keys.kind(of: "q1") == .query)
        #expect(keys.kind(of: "a1") == .admin)
        #expect(keys.kind(of: "both") == .admin)
        #expect(keys.kind(of: "q") == nil)
        #expect(keys.kind(of: "q1x") == nil)
        #expect(keys.kind(of: "") == nil)
    }

    @Test func fileAndEnvironment() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"query":["q1"],"admin":["a1"]}"#.utf8).write(to: url)
        let file = try APIKeys.load(from: url)
        #expect(file == APIKeys(query: ["q1"], admin: ["a1"]))
        let env = APIKeys.fromEnvironment(["LANDMARK_QUERY_KEYS": "q2, q3", "LANDMARK_ADMIN_KEYS": ""])
        #expect(file.merged(with: env) == APIKeys(query: ["q1", "q2", "q3"], admin: ["a1"]))

        try Data(#"{"query":"q1"}"#.utf8).write(to: url)
        #expect(throws: PoseServerConfigurationError.self) { try APIKeys.load(from: url) }
        try Data(#"{"querry":["q1"]}"#.utf8).write(to: url)
        let error = #expect(throws: PoseServerConfigurationError.self) { try APIKeys.load(from: url) }
        #expect("\(error!)".contains("querry"))
    }
}
