import Foundation
import Hummingbird
import HummingbirdTesting
import PoseServer
import Testing

@Suite struct OpenAPIDocumentTests {
    /// (METHOD, path) pairs read from the document's `paths:` block.
    static func documentedRoutes() -> Set<String> {
        var routes = Set<String>()
        var inPaths = false, path: String?
        for line in OpenAPIDocument.yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "patch", "head"].contains(String(key)) {
                    routes.insert("\(key.uppercased()) \(path)")
                }
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndViceVersa() throws {
        let f = try Fixture(); defer { f.cleanup() }
        let router = buildRouter(configuration: f.configuration, registry: f.registry)
        let registered = Set(router.routes.map { "\($0.method) \($0.path)" })
        let documented = Self.documentedRoutes()
        #expect(documented.count == poseServerRoutes.count)
        #expect(registered == documented, "undocumented: \(registered.subtracting(documented)); not served: \(documented.subtracting(registered))")
        #expect(Set(poseServerRoutes.map { "\($0.method) \($0.path)" }) == registered)
    }

    /// docs/openapi.yaml is the served document, byte for byte (regenerate it from
    /// `OpenAPIDocument.yaml` when the API changes).
    @Test func docsCopyIsTheServedDocument() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/openapi.yaml").standardizedFileURL
        let docs = try String(contentsOf: url, encoding: .utf8)
        #expect(docs == OpenAPIDocument.yaml + "\n" || docs == OpenAPIDocument.yaml, "docs/openapi.yaml differs from OpenAPIDocument.yaml")
    }

    @Test func servedAtOpenAPIYAML() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        try await f.application().test(.router) { client in
            let r = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(r.status == .ok)
            #expect(String(buffer: r.body) == OpenAPIDocument.yaml)
        }
    }
}
