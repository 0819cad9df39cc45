import Foundation
import Testing
@testable import Imaging

@Suite struct ImageTests {
    @Test func pngRoundTripIsLossless() throws {
        var img = Image8(width: 7, height: 5, channels: 3)
        for i in 0..<img.pixels.count { img.pixels[i] = UInt8(i * 37 % 256) }
        let data = try img.encoded(.png)
        #expect(try Image8.probeSize(data) == (7, 5))
        let back = try Image8(decoding: data)
        #expect(back == img)
    }

    @Test func jpegProbeAndDecode() throws {
        let img = Image8(width: 64, height: 48, channels: 3, fill: 200)
        let data = try img.encoded(.jpeg)
        #expect(try Image8.probeSize(data) == (64, 48))
        let back = try Image8(decoding: data, channels: 1)
        #expect(back.width == 64 && back.channels == 1)
    }

    @Test func truncatedAndGarbageAreRefused() throws {
        let data = try Image8(width: 64, height: 48, channels: 3, fill: 10).encoded(.jpeg)
        #expect(throws: ImageError.self) { try Image8(decoding: data.prefix(data.count / 3)) }
        #expect(throws: ImageError.self) { try Image8(decoding: Data("not an image".utf8)) }
        #expect(throws: ImageError.self) { try Image8(decoding: Data()) }
    }

    @Test func pixelLimitIsCheckedFromTheHeader() throws {
        // A PNG header declaring 60000×60000: refused before any decoding.
        var header = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
        header.append(contentsOf: Array("IHDR".utf8))
        header.append(contentsOf: [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60, 8, 2, 0, 0, 0])
        #expect(try Image8.probeSize(header) == (60000, 60000))
        #expect(throws: ImageError.tooLarge(width: 60000, height: 60000, maxPixels: 16_000_000)) {
            try Image8(decoding: header, maxPixels: 16_000_000)
        }
    }
}
