import Foundation
import Hummingbird
import HummingbirdTesting
import PoseServer
import Testing

/// One run over real loopback sockets (HummingbirdTesting `.live`): a frame localized, an
/// upload swapped in, and the server still answering after bad input.
@Suite struct LiveServerTests {
    @Test func loopbackEndToEnd() async throws {
        let f = try Fixture(); defer { f.cleanup() }
        let jpeg = try Frames.jpeg()
        try await f.application().test(.live) { client in
            let r = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                             headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect(r.status == .ok)
            #expect(r.json?["status"] as? String == "localized")
            let bad = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                               headers: imageHeaders("image/png"), body: ByteBuffer(data: Frames.pngHeader(width: 60000, height: 60000)))
            #expect(bad.status == .contentTooLarge)
            let put = try await client.execute(uri: "/v1/landmarks/gate", method: .put, headers: adminAuth,
                                               body: ByteBuffer(data: FakeMaps.data(name: "gate", version: 7)))
            #expect(put.status == .ok)
            let again = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                                 headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect(((again.json?["cameraFromLandmark"] as? [String: Any])?["translation"] as? [Double])?.first == 7)
            // A 50 MB body over a real socket: 413 naming the limit, and the server still answers.
            var big = jpeg
            big.append(Data(count: 50 * 1024 * 1024))
            let huge = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                                headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: big))
            #expect(huge.status == .contentTooLarge)
            #expect(huge.errorMessage?.contains("limit of 10485760 bytes") == true, "\(huge.errorMessage ?? "nil")")
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            let after = try await client.execute(uri: "/v1/landmarks/gate/localize?\(intrinsicsQuery)", method: .post,
                                                 headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect(after.status == .ok)
        }
    }
}
