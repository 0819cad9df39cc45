import Anchoring
import Foundation
import Geometry
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import LandmarkMap
import Localization
import PoseServer
import Rendering
import Testing
import Imaging

/// A box building (20 × 12 × 10 m, roof at y = 12) on a ground plane as map points with 5 mm
/// noise, seen by one registered image `0003.png` (1024×768, camera at (0, 22, 25) looking
/// at (0, 8, 0)). As AnchoringTests' fixture.
func makeBuildingMap(seed: UInt64 = 3) -> FeatureMap {
    var rng = SplitMix64(seed: seed)
    var points: [MapPoint] = []
    func add(_ p: Vec3) {
        let noise = Vec3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()) * 0.005
        points.append(MapPoint(id: Int64(points.count + 1), position: p + noise))
    }
    for _ in 0..<1500 { add(Vec3(Double.random(in: -10...10, using: &rng), 12, Double.random(in: -5...5, using: &rng))) }
    for _ in 0..<1500 { add(Vec3(Double.random(in: -10...10, using: &rng), Double.random(in: 0...12, using: &rng), 5)) }
    for _ in 0..<1500 { add(Vec3(Double.random(in: -20...20, using: &rng), 0, Double.random(in: 5...25, using: &rng))) }
    let k = CameraIntrinsics(width: 1024, height: 768, fx: 800, fy: 800, cx: 512, cy: 384)
    let keyframe = Keyframe(id: 1, name: "0003.png", cameraID: 1, cameraFromLandmark: BuildingFixture.cameraFromLandmark)
    return FeatureMap(metadata: MapMetadata(name: "box", isMetric: true),
                      cameras: [MapCamera(id: 1, intrinsics: k)], keyframes: [keyframe], points: points)
}

/// A localizer that answers one fixed pose (the registered image's) for any frame.
struct FixedPoseLocalizer: PoseLocalizing {
    var cameraFromLandmark: Rigid3
    func localize(_ query: LocalizationQuery) throws -> LocalizationResult {
        do { try ImageCheck.requireComplete(query.imageData) } catch {
            throw LocalizationError.unreadableImage(reason: "\(error)")
        }
        let size = try Image8.probeSize(query.imageData)
        let k = query.intrinsics.resolved(width: size.width, height: size.height)
        return LocalizationResult(status: .localized, cameraFromLandmark: cameraFromLandmark, inliers: 100, matches: 120,
                                  rmsePx: 0.5, confidence: 0.99, intrinsics: k, focalEstimated: false)
    }
}

/// A landmarks folder holding `box.landmark`, a real `.landmark` (LandmarkStore) of
/// `makeBuildingMap`, served with a fixed-pose localizer.
struct BuildingFixture {
    static let cameraFromLandmark: Rigid3 = {
        let center = Vec3(0, 22, 25), target = Vec3(0, 8, 0)
        let z = normalize(target - center)
        let x = normalize(cross(Vec3(0, -1, 0), z))   // OpenCV: x right, y down, z forward
        let y = cross(z, x)
        return Rigid3(rotation: Matrix3(columns: x, y, z), translation: center).inverse
    }()

    let directory: URL
    let configuration: PoseServerConfiguration
    let registry: LandmarkRegistry
    var file: URL { directory.appendingPathComponent("box.landmark") }

    init(character: PreviewCharacter? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("poseserver-anchors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try LandmarkStore.write(makeBuildingMap(), to: directory.appendingPathComponent("box.landmark"))
        var configuration = PoseServerConfiguration(landmarksDirectory: directory)
        configuration.keys = APIKeys(query: [Fixture.queryKey], admin: [Fixture.adminKey])
        configuration.previewCharacter = character
        self.configuration = configuration
        let pose = Self.cameraFromLandmark
        registry = LandmarkRegistry(directory: directory, loader: LandmarkLoader(
            readMap: { try LandmarkStore.read(from: $0) },
            makeLocalizer: { _ in FixedPoseLocalizer(cameraFromLandmark: pose) },
            readAnchors: { _, map in map.anchors.map { ServedAnchor(name: $0.name, landmarkFromAnchor: $0.landmarkFromAnchor) } }))
        registry.loadAll()
    }

    func application() -> some ApplicationProtocol {
        Application(router: buildRouter(configuration: configuration, registry: registry),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func cleanup() { try? FileManager.default.removeItem(at: directory) }

    /// The pixel of the registered image where `p` appears.
    static func pixel(of p: Vec3) -> Vec2 {
        CameraIntrinsics(width: 1024, height: 768, fx: 800, fy: 800, cx: 512, cy: 384).project(cameraFromLandmark * p)!
    }
}

func jsonHeaders(_ auth: HTTPFields = adminAuth) -> HTTPFields {
    var h = auth
    h[.contentType] = "application/json"
    return h
}

@Suite struct AnchorRoutesTests {
    @Test func addFromAPixelAndFromAPointThenRemove() async throws {
        let f = try BuildingFixture(); defer { f.cleanup() }
        let roofPixel = BuildingFixture.pixel(of: Vec3(3, 12, 1))
        try await f.application().test(.router) { client in
            // From a pixel of the registered image: on the roof plane (y = 12), as the CLI places it.
            let body = #"{"name":"roof","image":"0003.png","pixel":[\#(roofPixel.x),\#(roofPixel.y)],"yaw":90}"#
            let r = try await client.execute(uri: "/v1/landmarks/box/anchors", method: .post, headers: jsonHeaders(), body: ByteBuffer(string: body))
            #expect(r.status == .created, "\(r.errorMessage ?? "")")
            let anchor = try #require(r.json?["anchor"] as? [String: Any])
            let t = try #require((anchor["landmarkFromAnchor"] as? [String: Any])?["translation"] as? [Double])
            #expect(abs(t[1] - 12) < 0.02)
            #expect(distance(Vec3(t[0], t[1], t[2]), Vec3(3, 12, 1)) < 0.05)
            // The same placement as `landmark anchor add` (AnchorPlacer with seed 0).
            var options = AnchorPlacementOptions(yawDegrees: 90); options.seed = 0
            let expected = try AnchorPlacer.place(in: makeBuildingMap(), imageName: "0003.png", pixel: roofPixel, options: options)
            #expect(distance(Vec3(t[0], t[1], t[2]), expected.position) < 1e-5)   // the JSON rounds

            // From a 3D point: snapped down onto the roof.
            let plaza = try await client.execute(uri: "/v1/landmarks/box/anchors", method: .post, headers: jsonHeaders(),
                                                 body: ByteBuffer(string: #"{"name":"plaza","at":[2,13.5,-1]}"#))
            #expect(plaza.status == .created)
            let pt = try #require(((plaza.json?["anchor"] as? [String: Any])?["landmarkFromAnchor"] as? [String: Any])?["translation"] as? [Double])
            #expect(abs(pt[1] - 12) < 0.02 && abs(pt[0] - 2) < 1e-9)

            // Stored in the file and served: GET and every localize answer carry both.
            #expect(try LandmarkStore.anchors(in: f.file).map(\.name) == ["roof", "plaza"])
            let get = try await client.execute(uri: "/v1/landmarks/box", method: .get, headers: queryAuth)
            #expect((get.json?["anchors"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["roof", "plaza"])
            let jpeg = try Frames.jpeg()
            let loc = try await client.execute(uri: "/v1/landmarks/box/localize?\(intrinsicsQuery)", method: .post,
                                               headers: imageHeaders("image/jpeg"), body: ByteBuffer(data: jpeg))
            #expect((loc.json?["cameraFromAnchor"] as? [[String: Any]])?.count == 2)

            // Remove.
            let del = try await client.execute(uri: "/v1/landmarks/box/anchors/plaza", method: .delete, headers: adminAuth)
            #expect(del.status == .ok)
            #expect(try LandmarkStore.anchors(in: f.file).map(\.name) == ["roof"])
            let after = try await client.execute(uri: "/v1/landmarks/box", method: .get, headers: queryAuth)
            #expect((after.json?["anchors"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["roof"])
            // No temporary file is left in the folder.
            #expect(try FileManager.default.contentsOfDirectory(atPath: f.directory.path).filter { $0.hasPrefix(".") }.isEmpty)
        }
    }

    /// (name, method, uri, body, content type, status, words): each a 4xx naming the problem,
    /// the file byte-identical afterwards and the server still answering.
    @Test func badAnchorRequestsLeaveTheMapUnchanged() async throws {
        let f = try BuildingFixture(); defer { f.cleanup() }
        let sky = BuildingFixture.pixel(of: Vec3(0, 14, -60))
        let roof = BuildingFixture.pixel(of: Vec3(3, 12, 1))
        try await f.application().test(.router) { client in
            let add = try await client.execute(uri: "/v1/landmarks/box/anchors", method: .post, headers: jsonHeaders(),
                                               body: ByteBuffer(string: #"{"name":"roof","at":[0,13,0]}"#))
            #expect(add.status == .created)
            let before = try Data(contentsOf: f.file)
            let cases: [(String, HTTPRequest.Method, String, String, String, HTTPResponse.Status, String)] = [
                ("a pixel whose ray hits nothing", .post, "/v1/landmarks/box/anchors",
                 #"{"name":"sky","image":"0003.png","pixel":[\#(sky.x),\#(sky.y)]}"#, "application/json", .unprocessableContent, "hits no reconstructed surface"),
                ("a name that exists", .post, "/v1/landmarks/box/anchors",
                 #"{"name":"roof","image":"0003.png","pixel":[\#(roof.x),\#(roof.y)]}"#, "application/json", .conflict, "already has an anchor named \"roof\""),
                ("an unknown anchor", .delete, "/v1/landmarks/box/anchors/nope", "", "", .notFound, "has no anchor named \"nope\" (it has: roof)"),
                ("bad JSON", .post, "/v1/landmarks/box/anchors", #"{"name":"x","at":[1,2"#, "application/json", .badRequest, "not valid JSON"),
                ("empty body", .post, "/v1/landmarks/box/anchors", "", "application/json", .badRequest, "empty body"),
                ("a JSON array", .post, "/v1/landmarks/box/anchors", "[1,2]", "application/json", .badRequest, "not a JSON object"),
                ("no name", .post, "/v1/landmarks/box/anchors", #"{"at":[0,13,0]}"#, "application/json", .badRequest, "\"name\" is missing"),
                ("an empty name", .post, "/v1/landmarks/box/anchors", #"{"name":"","at":[0,13,0]}"#, "application/json", .badRequest, "must not be empty"),
                ("at with two numbers", .post, "/v1/landmarks/box/anchors", #"{"name":"a","at":[0,13]}"#, "application/json", .badRequest, "\"at\" must be an array of 3 finite numbers"),
                ("at and pixel", .post, "/v1/landmarks/box/anchors", #"{"name":"a","at":[0,13,0],"image":"0003.png","pixel":[1,2]}"#, "application/json", .badRequest, "not both"),
                ("neither", .post, "/v1/landmarks/box/anchors", #"{"name":"a"}"#, "application/json", .badRequest, "give \"at\""),
                ("pixel without image", .post, "/v1/landmarks/box/anchors", #"{"name":"a","pixel":[1,2]}"#, "application/json", .badRequest, "needs \"image\""),
                ("a misspelt field", .post, "/v1/landmarks/box/anchors", #"{"name":"a","at":[0,13,0],"yaww":3}"#, "application/json", .badRequest, "unknown field \"yaww\""),
                ("a string yaw", .post, "/v1/landmarks/box/anchors", #"{"name":"a","at":[0,13,0],"yaw":"east"}"#, "application/json", .badRequest, "\"yaw\" must be a finite number"),
                ("an unknown image", .post, "/v1/landmarks/box/anchors", #"{"name":"a","image":"9999.png","pixel":[1,2]}"#, "application/json", .unprocessableContent, "no registered image named '9999.png'"),
                ("a pixel outside the image", .post, "/v1/landmarks/box/anchors", #"{"name":"a","image":"0003.png","pixel":[5000,2]}"#, "application/json", .unprocessableContent, "outside the 1024×768 image"),
                ("a point far from any surface", .post, "/v1/landmarks/box/anchors", #"{"name":"a","at":[500,0,500]}"#, "application/json", .unprocessableContent, "no reconstructed surface near"),
                ("not JSON", .post, "/v1/landmarks/box/anchors", #"{"name":"a","at":[0,13,0]}"#, "text/plain", .unsupportedMediaType, "application/json"),
                ("an unknown landmark", .post, "/v1/landmarks/nowhere/anchors", #"{"name":"a","at":[0,13,0]}"#, "application/json", .notFound, "landmark \"nowhere\" not found"),
                ("an unknown landmark (delete)", .delete, "/v1/landmarks/nowhere/anchors/roof", "", "", .notFound, "landmark \"nowhere\" not found"),
            ]
            for (name, method, uri, body, type, status, words) in cases {
                var headers = adminAuth
                if !type.isEmpty { headers[.contentType] = type }
                let r = try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body))
                #expect(r.status == status, "\(name): got \(r.status) \(r.errorMessage ?? "")")
                #expect(r.errorMessage?.contains(words) == true, "\(name): message \(r.errorMessage ?? "nil") lacks \"\(words)\"")
                #expect(try Data(contentsOf: f.file) == before, "\(name) changed the file")
                let get = try await client.execute(uri: "/v1/landmarks/box", method: .get, headers: queryAuth)
                #expect((get.json?["anchors"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["roof"], "after \(name)")
            }
        }
    }

    @Test func anchorRoutesNeedAnAdminKey() async throws {
        let f = try BuildingFixture(); defer { f.cleanup() }
        try await f.application().test(.router) { client in
            let post = try await client.execute(uri: "/v1/landmarks/box/anchors", method: .post, headers: jsonHeaders(queryAuth),
                                                body: ByteBuffer(string: #"{"name":"a","at":[0,13,0]}"#))
            #expect(post.status == .forbidden)
            #expect(post.errorMessage?.contains("needs an admin key") == true)
            let del = try await client.execute(uri: "/v1/landmarks/box/anchors/a", method: .delete, headers: queryAuth)
            #expect(del.status == .forbidden)
            let none = try await client.execute(uri: "/v1/landmarks/box/anchors", method: .post, headers: [.contentType: "application/json"],
                                                body: ByteBuffer(string: #"{"name":"a","at":[0,13,0]}"#))
            #expect(none.status == .unauthorized)
            #expect(try LandmarkStore.anchors(in: f.file).isEmpty)
        }
    }

    @Test func anchorNamesWithSpacesAreRemovedByTheirEncodedPath() async throws {
        let f = try BuildingFixture(); defer { f.cleanup() }
        try await f.application().test(.router) { client in
            let add = try await client.execute(uri: "/v1/landmarks/box/anchors", method: .post, headers: jsonHeaders(),
                                               body: ByteBuffer(string: #"{"name":"north roof","at":[0,13,0]}"#))
            #expect(add.status == .created)
            let del = try await client.execute(uri: "/v1/landmarks/box/anchors/north%20roof", method: .delete, headers: adminAuth)
            #expect(del.status == .ok, "\(del.errorMessage ?? "")")
            #expect(try LandmarkStore.anchors(in: f.file).isEmpty)
        }
    }
}
