import Foundation
import Geometry
import Hummingbird
import HummingbirdTesting
import LandmarkMap
import Localization
import PoseServer
import Rendering
import Imaging

/// A localizer that decodes the frame like the real one and answers a fixed pose whose
/// x translation is `version`, so a test can tell which map answered.
struct FakeLocalizer: PoseLocalizing {
    var version: Double
    var delaySeconds: Double = 0

    func localize(_ query: LocalizationQuery) throws -> LocalizationResult {
        guard !query.imageData.isEmpty else { throw LocalizationError.emptyImage }
        let image: Image8
        do { try ImageCheck.requireComplete(query.imageData); image = try Image8(decoding: query.imageData, channels: 1) } catch {
            throw LocalizationError.unreadableImage(reason: "\(error)")
        }
        if delaySeconds > 0 { Thread.sleep(forTimeInterval: delaySeconds) }
        let k = query.intrinsics.resolved(width: image.width, height: image.height)
        return LocalizationResult(status: .localized, cameraFromLandmark: Rigid3(translation: Vec3(version, 0, 5)),
                                  inliers: 100, matches: 120, rmsePx: 0.5, confidence: 0.99,
                                  intrinsics: k, focalEstimated: k == nil)
    }
}

/// Fake `.landmark` files: JSON `{"name": "...", "version": N}`; anything else is corrupt.
enum FakeMaps {
    static func data(name: String, version: Double) -> Data {
        Data(#"{"name":"\#(name)","version":\#(version)}"#.utf8)
    }

    static func loader(delaySeconds: Double = 0) -> LandmarkLoader {
        LandmarkLoader(
            readMap: { url in
                let data = try Data(contentsOf: url)
                guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let name = o["name"] as? String, let version = o["version"] as? Double else {
                    throw FakeMapError.corrupt
                }
                // The version rides in the generator field so makeLocalizer can see it.
                return FeatureMap(metadata: MapMetadata(name: name, isMetric: true, generator: "\(version)"))
            },
            makeLocalizer: { map in
                FakeLocalizer(version: Double(map.metadata.generator) ?? -1, delaySeconds: delaySeconds)
            },
            readAnchors: { _, _ in
                [ServedAnchor(name: "roof", landmarkFromAnchor: Rigid3(translation: Vec3(0, 10, 0)))]
            })
    }

    enum FakeMapError: Error, CustomStringConvertible {
        case corrupt
        var description: String { "not a fake landmark file" }
    }
}

/// A temporary landmarks folder holding `gate.landmark` (version 1), removed by `cleanup`.
struct Fixture {
    let directory: URL
    let configuration: PoseServerConfiguration
    let registry: LandmarkRegistry

    static let queryKey = "query-key-0123456789"
    static let adminKey = "admin-key-9876543210"

    init(delaySeconds: Double = 0, configure: (inout PoseServerConfiguration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("poseserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FakeMaps.data(name: "gate", version: 1).write(to: directory.appendingPathComponent("gate.landmark"))
        var configuration = PoseServerConfiguration(landmarksDirectory: directory)
        configuration.keys = APIKeys(query: [Self.queryKey], admin: [Self.adminKey])
        configure(&configuration)
        self.configuration = configuration
        registry = LandmarkRegistry(directory: directory, loader: FakeMaps.loader(delaySeconds: delaySeconds))
        registry.loadAll()
    }

    func application() -> some ApplicationProtocol {
        let router = buildRouter(configuration: configuration, registry: registry)
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func cleanup() { try? FileManager.default.removeItem(at: directory) }
}

enum Frames {
    /// A 64×48 textured frame.
    static func image() -> Image8 {
        var img = Image8(width: 64, height: 48, channels: 3)
        for y in 0..<48 { for x in 0..<64 { for c in 0..<3 { img.pixels[(y * 64 + x) * 3 + c] = UInt8((x * 7 + y * 13 + c * 50) % 256) } } }
        return img
    }
    static func jpeg() throws -> Data { try image().encoded(.jpeg) }
    static func png() throws -> Data { try image().encoded(.png) }

    /// A PNG signature and IHDR declaring `width`×`height`, and nothing else.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var d = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
        d.append(contentsOf: Array("IHDR".utf8))
        for v in [width, height] { d.append(contentsOf: [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)]) }
        d.append(contentsOf: [8, 2, 0, 0, 0, 0, 0, 0, 0])
        return d
    }
}

extension TestResponse {
    /// The JSON error message, or nil when the body is not `{"error":{"message":…}}`.
    var errorMessage: String? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let e = o["error"] as? [String: Any] else { return nil }
        return e["message"] as? String
    }
    var json: [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
    }
}

let intrinsicsQuery = "fx=60&fy=60&cx=31.5&cy=23.5"
let queryAuth: HTTPFields = [.authorization: "Bearer \(Fixture.queryKey)"]
let adminAuth: HTTPFields = [.authorization: "Bearer \(Fixture.adminKey)"]
func imageHeaders(_ type: String, auth: HTTPFields = queryAuth) -> HTTPFields {
    var h = auth
    h[.contentType] = type
    return h
}
