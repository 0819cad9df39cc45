import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import PoseServer
import Testing

/// Every route in-process (no sockets), including each bad input the issue lists: each is a
/// 4xx with a JSON error naming the problem, and the server still answers afterwards.
@Suite struct RoutesTests {
    @Test func localizeAnswersTheCLIJSONWithAnchors() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        try await f.application().test(.router) { client in
            let r = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                             headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect(r.status == .ok)
            let o = try #require(r.json)
            #expect(o["status"] as? String == "localized")
            #expect(o["landmark"] as? String == "gate")
            let pose = try #require(o["cameraFromLandmark"] as? [String: Any])
            #expect(pose["translation"] as? [Double] == [1, 0, 5])
            #expect(pose["rotation"] as? [Double] == [1, 0, 0, 0])
            let inverse = try #require(o["landmarkFromCamera"] as? [String: Any])
            #expect(inverse["translation"] as? [Double] == [-1, 0, -5])
            let anchors = try #require(o["cameraFromAnchor"] as? [[String: Any]])
            #expect(anchors.count == 1)
            #expect(anchors.first?["name"] as? String == "roof")
            #expect(anchors.first?["translation"] as? [Double] == [1, 10, 5])
            for stage in ["decode", "features", "match", "pose", "total"] {
                #expect((o["timingsMs"] as? [String: Any])?[stage] != nil, "missing timing \(stage)")
            }
        }
    }

    @Test func localizeAcceptsPNGMultipartAndPriorHeader() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let png = try Frames.png()
        try await f.application().test(.router) { client in
            var h = imageHeaders("image/png")
            h[HTTPField.Name("X-Prior-Pose")!] = #"{"rotation":[1,0,0,0],"translation":[0,0,5]}"#
            let r1 = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                              headers: h, body: ByteBuffer(data: png))
            #expect(r1.status == .ok)

            let boundary = "XyZ123"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"prior\"\r\nContent-Type: application/json\r\n\r\n{\"rotation\":[1,0,0,0],\"translation\":[0,0,5]}\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"f.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            body.append(png)
            body.append(Data("\r\n--\(boundary)--\r\n".utf8))
            let r2 = try await client.execute(uri: "/v1/landmarks/gate/localize?focal=estimate", method: .post,
                                              headers: imageHeaders("multipart/form-data; boundary=\(boundary)"),
                                              body: ByteBuffer(data: body))
            #expect(r2.status == .ok)
            #expect(r2.json?["focalEstimated"] as? Bool == true)

            var bad = imageHeaders("image/png")
            bad[HTTPField.Name("X-Prior-Pose")!] = #"{"rotation":[1,0,0],"translation":[0,0,5]}"#
            let r3 = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                              headers: bad, body: ByteBuffer(data: png))
            #expect(r3.status == .badRequest)
            #expect(r3.errorMessage?.contains("rotation") == true)
        }
    }

    /// (name, uri query, content type, body, expected status, words the message must contain)
    static func badInputs() throws -> [(String, String, String, Data, HTTPResponse.Status, String)] {
        let jpeg = try Frames.jpeg()
        return [
            ("empty body", intrinsicsQuery, "image/jpeg", Data(), .badRequest, "empty body"),
            ("truncated JPEG", intrinsicsQuery, "image/jpeg", jpeg.prefix(jpeg.count / 2), .badRequest, "truncated"),
            ("PNG header declaring 60000×60000", intrinsicsQuery, "image/png", Frames.pngHeader(width: 60000, height: 60000),
             .contentTooLarge, "60000×60000"),
            ("bytes that are no image", intrinsicsQuery, "image/jpeg", Data("hello, this is not an image".utf8), .badRequest, "not a JPEG or PNG"),
            ("wrong content type", intrinsicsQuery, "text/plain", jpeg, .unsupportedMediaType, "text/plain"),
            ("missing content type", intrinsicsQuery, "", jpeg, .unsupportedMediaType, "missing Content-Type"),
            ("missing intrinsics", "", "image/jpeg", jpeg, .badRequest, "missing intrinsics: fx, fy, cx, cy"),
            ("missing cy", "fx=60&fy=60&cx=31.5", "image/jpeg", jpeg, .badRequest, "missing intrinsics: cy"),
            ("negative fx", "fx=-60&fy=60&cx=31.5&cy=23.5", "image/jpeg", jpeg, .badRequest, "fx is negative"),
            ("NaN fy", "fx=60&fy=nan&cx=31.5&cy=23.5", "image/jpeg", jpeg, .badRequest, "fy is not a finite number"),
            ("non-numeric cx", "fx=60&fy=60&cx=abc&cy=23.5", "image/jpeg", jpeg, .badRequest, "cx is not a number"),
            ("zero focal", "fx=0&fy=60&cx=31.5&cy=23.5", "image/jpeg", jpeg, .badRequest, "fx must be > 0"),
            ("cx outside the image", "fx=60&fy=60&cx=500&cy=23.5", "image/jpeg", jpeg, .badRequest, "cx = 500"),
            ("multipart without image", intrinsicsQuery, "multipart/form-data; boundary=b",
             Data("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nhi\r\n--b--\r\n".utf8), .badRequest,
             "no part named \"image\" (it has: \"x\")"),
            ("multipart without boundary", intrinsicsQuery, "multipart/form-data", multipartFrame(jpeg, boundary: "b"),
             .badRequest, "multipart/form-data without a boundary parameter"),
            ("multipart with another boundary", intrinsicsQuery, "multipart/form-data; boundary=other",
             multipartFrame(jpeg, boundary: "b"), .badRequest, "malformed multipart body: no part delimited by boundary \"other\""),
            ("multipart cut off inside the image", intrinsicsQuery, "multipart/form-data; boundary=b",
             multipartFrame(jpeg, boundary: "b").dropLast(40), .badRequest,
             "malformed multipart body: the body ends inside part 1, before its closing boundary"),
            ("multipart part without headers", intrinsicsQuery, "multipart/form-data; boundary=b",
             Data("--b\r\nthis is no header\r\n\r\nhi\r\n--b--\r\n".utf8), .badRequest,
             "malformed multipart body: part 1 does not start with header lines"),
        ]
    }

    /// A multipart body with one `image` part (a JPEG), closed by `--boundary--`.
    static func multipartFrame(_ jpeg: Data, boundary: String) -> Data {
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"f.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body.append(jpeg)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return body
    }

    @Test func multipartTakesAQuotedBoundaryAmongOtherParametersAndReadsThePriorPart() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        /// A preamble the parser skips, the image, then a `prior` part.
        func body(prior: String) -> Data {
            var body = Data("preamble to ignore\r\n".utf8)
            body.append(Self.multipartFrame(jpeg, boundary: "a b:c").dropLast(4))  // without the closing "--\r\n"
            body.append(Data("\r\nContent-Disposition: form-data; name=\"prior\"\r\n\r\n\(prior)\r\n--a b:c--\r\n".utf8))
            return body
        }
        let headers = imageHeaders(#"multipart/form-data; charset=utf-8; boundary="a b:c""#)
        let good = body(prior: #"{"rotation":[1,0,0,0],"translation":[0,0,5]}"#)
        let malformedPrior = body(prior: #"{"rotation":[1,0,0],"translation":[0,0,5]}"#)
        try await f.application().test(.router) { client in
            let r = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post, headers: headers,
                                             body: ByteBuffer(data: good))
            #expect(r.status == .ok, "\(r.errorMessage ?? "")")
            #expect(r.json?["status"] as? String == "localized")
            let bad = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post, headers: headers,
                                               body: ByteBuffer(data: malformedPrior))
            #expect(bad.status == .badRequest)
            #expect(bad.errorMessage?.contains("in the \"prior\" part") == true, "\(bad.errorMessage ?? "nil")")
        }
    }

    @Test func badInputsAreNamed4xxAndTheServerKeepsAnswering() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let cases = try Self.badInputs()
        let jpeg = try Frames.jpeg()
        try await f.application().test(.router) { client in
            for (name, query, type, body, status, words) in cases {
                let headers = type.isEmpty ? queryAuth : imageHeaders(type)
                let r = try await client.execute(uri: "/v1/landmarks/gate/localize?\(query)", method: .post,
                                                 headers: headers, body: ByteBuffer(data: body))
                #expect(r.status == status, "\(name): got \(r.status)")
                let message = r.errorMessage
                #expect(message?.contains(words) == true, "\(name): message \(message ?? "nil") lacks \"\(words)\"")
                // Still answering.
                let ok = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                                  headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
                #expect(ok.status == .ok, "after \(name)")
            }
        }
    }

    @Test func unknownLandmarkIs404() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        try await f.application().test(.router) { client in
            let r = try await client.execute(uri: "/v1/landmarks/nowhere/localize?\(intrinsicsQuery)", method: .post,
                                             headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect(r.status == .notFound)
            #expect(r.errorMessage == "landmark \"nowhere\" not found")
            let g = try await client.execute(uri: "/v1/landmarks/nowhere", method: .get, headers: queryAuth)
            #expect(g.status == .notFound)
            let route = try await client.execute(uri: "/v2/nothing", method: .get)
            #expect(route.status == .notFound)
            #expect(route.errorMessage == "no route for GET /v2/nothing")
            let ok = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                              headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect(ok.status == .ok, "still answering")
        }
    }

    @Test func bodyOver10MBIs413() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        var data = try Frames.jpeg()
        data.append(Data(count: 50 * 1024 * 1024))
        let big = data
        try await f.application().test(.router) { client in
            let r = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                             headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: big))
            #expect(r.status == .contentTooLarge)
            #expect(r.errorMessage?.contains("limit of 10485760 bytes") == true, "\(r.errorMessage ?? "nil")")
            let ok = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                              headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: try Frames.jpeg()))
            #expect(ok.status == .ok, "still answering")
        }
    }

    @Test func keys() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        try await f.application().test(.router) { client in
            let none = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                                headers: [.contentType: "image/jpeg"], body: ByteBuffer(data: jpeg))
            #expect(none.status == .unauthorized)
            #expect(none.errorMessage?.contains("missing API key") == true)
            let wrong = try await client.execute(uri: "/v1/landmarks", method: .get, headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorMessage == "unknown API key")
            let viaHeader = try await client.execute(uri: "/v1/landmarks", method: .get,
                                                     headers: [HTTPField.Name("X-API-Key")!: Fixture.queryKey])
            #expect(viaHeader.status == .ok)
            let queryOnAdmin = try await client.execute(uri: "/v1/landmarks/gate", method: .delete, headers: queryAuth)
            #expect(queryOnAdmin.status == .forbidden)
            #expect(queryOnAdmin.errorMessage?.contains("needs an admin key") == true)
            let putWithQuery = try await client.execute(uri: "/v1/landmarks/gate", method: .put, headers: queryAuth,
                                                        body: ByteBuffer(data: FakeMaps.data(name: "gate", version: 2)))
            #expect(putWithQuery.status == .forbidden)
            let adminQueries = try await client.execute(uri: "/v1/landmarks/gate", method: .get, headers: adminAuth)
            #expect(adminQueries.status == .ok)
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
    }

    @Test func listAndGetDescribeTheLandmark() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        try await f.application().test(.router) { client in
            let list = try await client.execute(uri: "/v1/landmarks", method: .get, headers: queryAuth)
            let items = try #require(list.json?["landmarks"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == ["gate"])
            let one = try await client.execute(uri: "/v1/landmarks/gate", method: .get, headers: queryAuth)
            let o = try #require(one.json)
            #expect(o["scale"] as? String == "metric")
            #expect((o["frame"] as? String)?.contains("Y up, metres") == true)
            #expect((o["anchors"] as? [[String: Any]])?.first?["name"] as? String == "roof")
        }
    }

    @Test func uploadSwapsAtomicallyAndCorruptUploadKeepsTheOldMap() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        try await f.application().test(.router) { client in
            func answeredVersion() async throws -> Double? {
                let r = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                                 headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
                return ((r.json?["cameraFromLandmark"] as? [String: Any])?["translation"] as? [Double])?.first
            }
            #expect(try await answeredVersion() == 1)
            let corrupt = try await client.execute(uri: "/v1/landmarks/gate", method: .put, headers: adminAuth,
                                                   body: ByteBuffer(string: "SQLite format 3\0 garbage"))
            #expect(corrupt.status == .unprocessableContent)
            #expect(corrupt.errorMessage?.contains("the previous map keeps serving") == true)
            #expect(try await answeredVersion() == 1)
            // The file on disk is untouched too.
            let onDisk = try Data(contentsOf: f.directory.appendingPathComponent("gate.landmark"))
            #expect(onDisk == FakeMaps.data(name: "gate", version: 1))

            let good = try await client.execute(uri: "/v1/landmarks/gate", method: .put, headers: adminAuth,
                                                body: ByteBuffer(data: FakeMaps.data(name: "gate", version: 2)))
            #expect(good.status == .ok)
            #expect(good.json?["replaced"] as? Bool == true)
            #expect(try await answeredVersion() == 2)

            let added = try await client.execute(uri: "/v1/landmarks/tower", method: .put, headers: adminAuth,
                                                 body: ByteBuffer(data: FakeMaps.data(name: "tower", version: 3)))
            #expect(added.status == .created)
            let badID = try await client.execute(uri: "/v1/landmarks/..%2Fetc", method: .put, headers: adminAuth,
                                                 body: ByteBuffer(data: FakeMaps.data(name: "x", version: 3)))
            #expect(badID.status == .badRequest)
            let empty = try await client.execute(uri: "/v1/landmarks/tower", method: .put, headers: adminAuth)
            #expect(empty.status == .badRequest)

            let deleted = try await client.execute(uri: "/v1/landmarks/tower", method: .delete, headers: adminAuth)
            #expect(deleted.status == .ok)
            #expect(!FileManager.default.fileExists(atPath: f.directory.appendingPathComponent("tower.landmark").path))
            let again = try await client.execute(uri: "/v1/landmarks/tower", method: .delete, headers: adminAuth)
            #expect(again.status == .notFound)
            // No temporary upload is left behind.
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: f.directory.path).filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test func fullQueueAnswers503WithRetryAfter() async throws {
        let f = try Fixture(delaySeconds: 0.6) { c in c.maxConcurrentQueries = 1; c.maxQueuedQueries = 0 }
        defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        try await f.application().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                                 headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
                    }
                }
                var all: [TestResponse] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(statuses.filter { $0.status == .ok }.count >= 1)
            let refused = statuses.filter { $0.status == .serviceUnavailable }
            #expect(refused.count >= 1)
            #expect(refused.allSatisfy { $0.headers[.retryAfter] == "1" && $0.errorMessage?.contains("too many queries") == true })
        }
    }

    @Test func deadlineAnswers503() async throws {
        let f = try Fixture(delaySeconds: 0.5) { c in c.requestDeadlineSeconds = 0.1 }
        defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        try await f.application().test(.router) { client in
            let r = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                             headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect(r.status == .serviceUnavailable)
            #expect(r.errorMessage?.contains("deadline") == true)
        }
    }

    @Test func metricsCountRequestsAndStages() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        try await f.application().test(.router) { client in
            _ = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                         headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            _ = try await client.execute(uri: "/v1/landmarks/gate/localize", method: .post,
                                         headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            let r = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: r.body)
            #expect(r.status == .ok)
            #expect(text.contains(#"landmark_http_requests_total{method="POST",route="/v1/landmarks/{id}/localize",status="200"} 1"#))
            #expect(text.contains(#"landmark_http_requests_total{method="POST",route="/v1/landmarks/{id}/localize",status="400"} 1"#))
            #expect(text.contains(#"landmark_localize_stage_seconds_count{stage="features"} 1"#))
            #expect(text.contains("landmark_maps_loaded 1"))
            #expect(text.contains("landmark_resident_memory_bytes "))
        }
    }
}
