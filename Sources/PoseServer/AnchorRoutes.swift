import Anchoring
import Foundation
import Geometry
import Hummingbird
import LandmarkMap
import Localization

/// `POST /v1/landmarks/{id}/anchors` and `DELETE /v1/landmarks/{id}/anchors/{name}` (admin).
///
/// The body of POST is JSON, one of
/// `{"name":"plaza","at":[x,y,z],"yaw":90}` (a point in the landmark frame, snapped onto the
/// surface below it) or `{"name":"roof","image":"0003.png","pixel":[u,v],"yaw":180}` (a pixel
/// of a registered image); `yaw` (degrees about the anchor's up, 0 faces the landmark's +Z)
/// is optional, default: face the capture cameras.
struct AnchorRoutes: Sendable {
    let configuration: PoseServerConfiguration
    let registry: LandmarkRegistry

    /// JSON bodies are small; anything larger is a mistake (413).
    static let maxBodyBytes = 64 * 1024

    func add(_ request: Request, context: PoseRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.require("id")
        guard registry.landmark(id) != nil else { throw HTTPError(.notFound, message: RegistryError.landmarkNotFound(id).description) }
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType == "application/json" else {
            throw HTTPError(.unsupportedMediaType, message: contentType.isEmpty
                ? "missing Content-Type: send the anchor as application/json"
                : "unsupported Content-Type \"\(contentType)\": send the anchor as application/json")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: Self.maxBodyBytes) } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw HTTPError(.contentTooLarge, message: "anchor body is over the limit of \(Self.maxBodyBytes) bytes")
        }
        let body = try Self.parseBody(Data(buffer.readableBytesView))
        let registry = self.registry
        do {
            let (anchor, placement) = try await runWithDeadline(seconds: 600) {
                try registry.addAnchor(named: body.name, to: id, at: body.target, yawDegrees: body.yawDegrees)
            }
            return .json(["landmark": id, "anchor": Self.anchorJSON(anchor),
                          "supportPoints": placement.supportPoints, "rmsDistance": placement.rmsDistance],
                         status: .created)
        } catch let error as RegistryError {
            throw HTTPError(Self.status(of: error), message: error.description)
        } catch let error as AnchorPlacementError {
            let status: HTTPResponse.Status = if case .invalidValue = error { .badRequest } else { .unprocessableContent }
            throw HTTPError(status, message: "cannot place anchor \"\(body.name)\" on landmark \"\(id)\": \(error.description)")
        } catch let error as LandmarkStoreError {
            if case .invalidAnchor = error { throw HTTPError(.badRequest, message: error.description) }
            throw error
        }
    }

    func remove(_ request: Request, context: PoseRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let raw = try context.parameters.require("name")
        let name = raw.removingPercentEncoding ?? raw   // the path is not percent-decoded by the router
        let registry = self.registry
        do {
            try await runWithDeadline(seconds: 600) { try registry.removeAnchor(named: name, from: id) }
        } catch let error as RegistryError {
            throw HTTPError(Self.status(of: error), message: error.description)
        }
        return .json(["landmark": id, "deleted": name])
    }

    static func status(of error: RegistryError) -> HTTPResponse.Status {
        switch error {
        case .landmarkNotFound, .anchorNotFound: .notFound
        case .anchorExists: .conflict
        case .invalidID: .badRequest
        case .invalidMap: .unprocessableContent
        case .io: .internalServerError
        }
    }

    /// A parsed POST body.
    struct Body: Equatable {
        var name: String
        var target: AnchorTarget
        var yawDegrees: Double?
    }

    static let fields = ["name", "at", "image", "pixel", "yaw"]

    /// Parses and checks the JSON body; every problem is a 400 naming the field.
    static func parseBody(_ data: Data) throws -> Body {
        func bad(_ s: String) -> HTTPError { HTTPError(.badRequest, message: "invalid anchor body: \(s)") }
        guard !data.isEmpty else {
            throw bad(#"empty body; send {"name":…,"at":[x,y,z]} or {"name":…,"image":…,"pixel":[u,v]}"#)
        }
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw bad("not a JSON object") }
            object = o
        } catch let error as HTTPError { throw error } catch {
            throw bad("not valid JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"))")
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw bad("unknown field \"\(unknown)\" (expected \(fields.joined(separator: ", ")))")
        }
        // Types through JSONDecoder (JSONSerialization's numbers cannot tell 0 from false on Linux).
        struct Fields: Decodable { var name: String?; var at: [Double]?; var image: String?; var pixel: [Double]?; var yaw: Double? }
        let typed: Fields
        do { typed = try JSONDecoder().decode(Fields.self, from: data) } catch let DecodingError.typeMismatch(_, context) {
            let key = context.codingPath.first?.stringValue ?? "?"
            switch key {
            case "at": throw bad("\"at\" must be an array of 3 finite numbers")
            case "pixel": throw bad("\"pixel\" must be an array of 2 finite numbers")
            case "yaw": throw bad("\"yaw\" must be a finite number of degrees")
            default: throw bad("\"\(key)\" must be a string")
            }
        } catch {
            throw bad("\(error)")
        }
        guard let name = typed.name else { throw bad("\"name\" is missing or not a string") }
        if let problem = Anchor.problem(withName: name) { throw bad("\"name\": \(problem)") }
        func numbers(_ key: String, _ value: [Double]?, count: Int) throws -> [Double]? {
            guard let value else { return nil }
            guard value.count == count, value.allSatisfy(\.isFinite) else {
                throw bad("\"\(key)\" must be an array of \(count) finite numbers")
            }
            return value
        }
        if let yaw = typed.yaw, !yaw.isFinite { throw bad("\"yaw\" must be a finite number of degrees") }
        let yaw = typed.yaw
        let at = try numbers("at", typed.at, count: 3), pixel = try numbers("pixel", typed.pixel, count: 2)
        let image = typed.image
        switch (at, pixel, image) {
        case (let at?, nil, nil):
            return Body(name: name, target: .point(Vec3(at[0], at[1], at[2])), yawDegrees: yaw)
        case (nil, let pixel?, let image?):
            guard !image.isEmpty else { throw bad("\"image\" must be a registered image's name") }
            return Body(name: name, target: .pixel(image: image, pixel: Vec2(pixel[0], pixel[1])), yawDegrees: yaw)
        case (nil, _?, nil): throw bad("\"pixel\" needs \"image\": the registered image it is in")
        case (nil, nil, _?): throw bad("\"image\" needs \"pixel\": [u, v] in that image")
        case (nil, nil, nil): throw bad("give \"at\": [x, y, z], or \"image\" and \"pixel\": [u, v]")
        default: throw bad("give either \"at\" or \"image\" and \"pixel\", not both")
        }
    }

    /// An anchor as JSON (landmark frame; rotation [w, x, y, z]), as `landmark anchor list --json`.
    static func anchorJSON(_ a: Anchor) -> [String: Any] {
        ["name": a.name,
         "landmarkFromAnchor": LocalizationResult.poseJSON(a.landmarkFromAnchor),
         "surfacePoint": [a.surfacePoint.x, a.surfacePoint.y, a.surfacePoint.z],
         "surfaceNormal": [a.surfaceNormal.x, a.surfaceNormal.y, a.surfaceNormal.z],
         "createdAt": a.createdAt]
    }
}
