import Crypto
import Foundation
import Testing
@testable import Batch

/// Batch's hex digests over swift-crypto: the same FIPS 180-4 vectors the hand-written
/// hasher was checked against, so job ids and input hashes do not change.
@Suite struct SHA256BatchTests {
    @Test func knownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func streamingEqualsOneShot() {
        let text = String(repeating: "landmark", count: 1000)
        var hasher = SHA256()
        for chunk in stride(from: 0, to: text.utf8.count, by: 37) {
            let bytes = Array(text.utf8)[chunk..<min(chunk + 37, text.utf8.count)]
            hasher.update(data: bytes)
        }
        #expect(hasher.finalize().hex == SHA256.hex(text))
    }

    @Test func fileContentsEqualTheirText() throws {
        let box = try Sandbox()
        defer { box.cleanUp() }
        let url = box.url.appendingPathComponent("input.txt")
        let text = String(repeating: "0123456789", count: 300_000)  // 3 MB: several 1 MiB chunks
        try Data(text.utf8).write(to: url)
        var hasher = SHA256()
        try hasher.update(contentsOf: url)
        #expect(hasher.finalize().hex == SHA256.hex(text))
    }
}
