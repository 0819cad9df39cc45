import Foundation
import Geometry
import Testing
@testable import LandmarkMap

@Suite struct PLYTests {
    @Test func binaryPointCloudHasExactLayout() throws {
        let map = FeatureMap(metadata: MapMetadata(name: "tiny", isMetric: true), cameras: [], keyframes: [],
                             points: [MapPoint(id: 1, position: Vec3(1, -2, 0.5), color: SIMD3(10, 20, 30)),
                                      MapPoint(id: 2, position: Vec3(0, 0, 3), color: SIMD3(255, 0, 1))])
        let data = PLY.pointCloud(map)
        let text = String(decoding: data, as: UTF8.self)
        let headerEnd = try #require(text.range(of: "end_header\n"))
        let header = String(text[..<headerEnd.upperBound])
        #expect(header.hasPrefix("ply\nformat binary_little_endian 1.0\n"))
        #expect(header.contains("element vertex 2\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n"))
        let body = [UInt8](data.suffix(from: header.utf8.count))
        #expect(body.count == 2 * 15)
        func float(_ at: Int) -> Float {
            Float(bitPattern: UInt32(body[at]) | UInt32(body[at + 1]) << 8 | UInt32(body[at + 2]) << 16 | UInt32(body[at + 3]) << 24)
        }
        #expect([float(0), float(4), float(8)] == [1, -2, 0.5])
        #expect(Array(body[12..<15]) == [10, 20, 30])
        #expect([float(15), float(19), float(23)] == [0, 0, 3])
        #expect(Array(body[27..<30]) == [255, 0, 1])
    }

    @Test func asciiWithCameraCentres() {
        let map = Fixtures.map(seed: 60, keyframeCount: 3, pointCount: 4)
        let text = String(decoding: PLY.pointCloud(map, includeCameras: true, encoding: .ascii), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.contains("element vertex 7"))
        let body = lines.drop(while: { $0 != "end_header" }).dropFirst()
        #expect(body.count == 7)
        let last = body.last!.split(separator: " ")
        let c = map.keyframes[2].center
        #expect(last.map(String.init) == ["\(Float(c.x))", "\(Float(c.y))", "\(Float(c.z))", "255", "0", "0"])
    }
}
