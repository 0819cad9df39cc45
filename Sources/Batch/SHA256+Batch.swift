import Crypto
import Foundation

/// The few conveniences Batch needs on top of swift-crypto's SHA-256 (FIPS 180-4): job ids,
/// input content hashes and the `checksum` kind are lowercase hex digests of text and files.
extension SHA256 {
    /// The lowercase hexadecimal digest of `string`'s UTF-8 bytes.
    static func hex(_ string: String) -> String {
        SHA256.hash(data: Data(string.utf8)).hex
    }

    /// Feeds `string`'s UTF-8 bytes.
    mutating func update(string: String) {
        update(data: Data(string.utf8))
    }

    /// Feeds a file's bytes in 1 MiB chunks. Throws when the file cannot be read.
    mutating func update(contentsOf url: URL) throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            update(data: chunk)
        }
    }
}

extension SHA256Digest {
    /// The 32 digest bytes as 64 lowercase hexadecimal digits.
    var hex: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
