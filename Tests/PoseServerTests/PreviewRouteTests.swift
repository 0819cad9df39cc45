import Anchoring
import Foundation
import Geometry
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import LandmarkMap
import Localization
import Motion
import PoseServer
import Rendering
import Testing
import Imaging
import Synthetic

@Suite struct PreviewRouteTests {
    /// The procedural humanoid at rest (no animation).
    static func character() throws -> PreviewCharacter {
        try PreviewCharacter(character: try CharacterPoser(asset: ProceduralHumanoid.characterAsset(), name: "humanoid"))
    }

    /// A 512×384 grey frame (the registered view at half its size) and its intrinsics.
    static let frame: Image8 = Image8(width: 512, height: 384, channels: 3, fill: 90)
    static let query = "fx=400&fy=400&cx=256&cy=192"

    @Test func previewIsThePNGLandmarkPreviewRenders() async throws {
        let character = try Self.character()
        let f = try BuildingFixture(character: character); defer { f.cleanup() }
        let png = try Self.frame.encoded(.png)
        try await f.application().test(.router) { client in
            let add = try await client.execute(uri: "/v1/landmarks/box/anchors", method: .post, headers: jsonHeaders(),
                                               body: ByteBuffer(string: #"{"name":"roof","at":[0,13,0],"yaw":0}"#))
            #expect(add.status == .created)
            let r = try await client.execute(uri: "/v1/landmarks/box/preview?\(Self.query)&anchor=roof&time=0", method: .post,
                                             headers: imageHeaders("image/png"), body: ByteBuffer(data: png))
            #expect(r.status == .ok, "\(r.errorMessage ?? "")")
            #expect(r.headers[.contentType] == "image/png")
            let image = try Image8(decoding: Data(r.body.readableBytesView), channels: 3, name: "preview")
            #expect(image.width == 512 && image.height == 384)
            // Exactly what PreviewRenderer (the code behind `landmark preview`) draws for this pose.
            let anchor = try #require(try LandmarkStore.anchors(in: f.file).first)
            let expected = try PreviewRenderer.render(
                frame: Self.frame, intrinsics: CameraIntrinsics(width: 512, height: 384, fx: 400, fy: 400, cx: 256, cy: 192),
                cameraFromLandmark: BuildingFixture.cameraFromLandmark, landmarkFromAnchor: anchor.landmarkFromAnchor,
                character: try character.scene(at: 0),
                occluder: .points(makeBuildingMap().points.map(\.position), radiusPixels: 3))
            #expect(expected.visiblePixels > 100)   // the humanoid is ~30 px tall here
            #expect(image.pixels == expected.image.pixels)
            #expect(r.headers[HTTPField.Name("X-Character-Pixels")!] == "\(expected.visiblePixels)/\(expected.silhouettePixels)")
        }
    }

    @Test func previewRefusalsAreNamed() async throws {
        let f = try BuildingFixture(character: try Self.character()); defer { f.cleanup() }
        let png = try Self.frame.encoded(.png)
        try await f.application().test(.router) { client in
            _ = try await client.execute(uri: "/v1/landmarks/box/anchors", method: .post, headers: jsonHeaders(),
                                         body: ByteBuffer(string: #"{"name":"roof","at":[0,13,0]}"#))
            let cases: [(String, String, String, Data, HTTPResponse.Status, String)] = [
                ("unknown anchor", "/v1/landmarks/box/preview?\(Self.query)&anchor=nope", "image/png", png, .notFound, "no anchor named \"nope\" (it has: roof)"),
                ("missing anchor", "/v1/landmarks/box/preview?\(Self.query)", "image/png", png, .badRequest, "missing anchor"),
                ("negative time", "/v1/landmarks/box/preview?\(Self.query)&anchor=roof&time=-1", "image/png", png, .badRequest, "invalid time \"-1\""),
                ("NaN time", "/v1/landmarks/box/preview?\(Self.query)&anchor=roof&time=nan", "image/png", png, .badRequest, "invalid time"),
                ("unknown landmark", "/v1/landmarks/nowhere/preview?\(Self.query)&anchor=roof", "image/png", png, .notFound, "landmark \"nowhere\" not found"),
                ("missing intrinsics", "/v1/landmarks/box/preview?anchor=roof", "image/png", png, .badRequest, "missing intrinsics"),
                ("no image", "/v1/landmarks/box/preview?\(Self.query)&anchor=roof", "image/png", Data("not an image".utf8), .badRequest, "not a JPEG or PNG"),
                ("wrong content type", "/v1/landmarks/box/preview?\(Self.query)&anchor=roof", "text/plain", png, .unsupportedMediaType, "text/plain"),
            ]
            for (name, uri, type, body, status, words) in cases {
                let r = try await client.execute(uri: uri, method: .post, headers: imageHeaders(type), body: ByteBuffer(data: body))
                #expect(r.status == status, "\(name): got \(r.status)")
                #expect(r.errorMessage?.contains(words) == true, "\(name): message \(r.errorMessage ?? "nil") lacks \"\(words)\"")
            }
            let ok = try await client.execute(uri: "/v1/landmarks/box/preview?\(Self.query)&anchor=roof", method: .post,
                                              headers: imageHeaders("image/png"), body: ByteBuffer(data: png))
            #expect(ok.status == .ok)
        }
        // Without a character the route says so.
        let g = try BuildingFixture(character: nil); defer { g.cleanup() }
        try await g.application().test(.router) { client in
            _ = try await client.execute(uri: "/v1/landmarks/box/anchors", method: .post, headers: jsonHeaders(),
                                         body: ByteBuffer(string: #"{"name":"roof","at":[0,13,0]}"#))
            let r = try await client.execute(uri: "/v1/landmarks/box/preview?\(Self.query)&anchor=roof", method: .post,
                                             headers: imageHeaders("image/png"), body: ByteBuffer(data: png))
            #expect(r.status == .notFound)
            #expect(r.errorMessage?.contains("no preview character") == true)
        }
    }

    @Test func aFrameThatDoesNotLocalizeIs422() async throws {
        // A localizer that never localizes.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("poseserver-nl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try LandmarkStore.write(makeBuildingMap(), to: directory.appendingPathComponent("box.landmark"))
        let registry = LandmarkRegistry(directory: directory, loader: LandmarkLoader(
            readMap: { try LandmarkStore.read(from: $0) },
            makeLocalizer: { _ in NeverLocalizes() },
            readAnchors: { _, _ in [ServedAnchor(name: "roof", landmarkFromAnchor: Rigid3(translation: Vec3(0, 12, 0)))] }))
        registry.loadAll()
        var configuration = PoseServerConfiguration(landmarksDirectory: directory)
        configuration.previewCharacter = try Self.character()
        let app = Application(router: buildRouter(configuration: configuration, registry: registry),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let png = try Self.frame.encoded(.png)
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/v1/landmarks/box/preview?\(Self.query)&anchor=roof", method: .post,
                                             headers: [.contentType: "image/png"], body: ByteBuffer(data: png))
            #expect(r.status == .unprocessableContent)
            #expect(r.errorMessage?.contains("could not be localized against landmark \"box\": too few inliers") == true, "\(r.errorMessage ?? "nil")")
        }
    }
}

struct NeverLocalizes: PoseLocalizing {
    func localize(_ query: LocalizationQuery) throws -> LocalizationResult {
        LocalizationResult(status: .notLocalized, reason: "too few inliers (3 < 30)", cameraFromLandmark: nil, inliers: 3, matches: 40,
                           rmsePx: nil, confidence: 0, intrinsics: nil, focalEstimated: false)
    }
}
