import Foundation
import Hummingbird
import LandmarkMap
import Localization

/// `GET /v1/landmarks`, `GET|PUT|DELETE /v1/landmarks/{id}`.
struct LandmarkRoutes: Sendable {
    let configuration: PoseServerConfiguration
    let registry: LandmarkRegistry

    func list(_ request: Request, context: PoseRequestContext) async throws -> Response {
        .json(["landmarks": registry.all.map(Self.summary)])
    }

    func get(_ request: Request, context: PoseRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let landmark = registry.landmark(id) else {
            throw HTTPError(.notFound, message: "landmark \"\(id)\" not found")
        }
        return .json(Self.summary(landmark))
    }

    /// Upload: validated fully (read + indexed) before it replaces anything.
    func put(_ request: Request, context: PoseRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.require("id")
        guard LandmarkRegistry.isValidID(id) else { throw HTTPError(.badRequest, message: RegistryError.invalidID(id).description) }
        let limit = configuration.maxLandmarkUploadBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HTTPError(.contentTooLarge, message: "upload is \(length) bytes, over the limit of \(limit) bytes")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw HTTPError(.contentTooLarge, message: "upload is over the limit of \(limit) bytes")
        }
        guard buffer.readableBytes > 0 else {
            throw HTTPError(.badRequest, message: "empty body: send the .landmark file as application/octet-stream")
        }
        let data = Data(buffer.readableBytesView)
        let registry = self.registry
        do {
            let (loaded, replaced) = try await runWithDeadline(seconds: 600) { try registry.install(id: id, data: data) }
            var object = Self.summary(loaded)
            object["replaced"] = replaced
            return .json(object, status: replaced ? .ok : .created)
        } catch let error as RegistryError {
            switch error {
            case .invalidID: throw HTTPError(.badRequest, message: error.description)
            case .invalidMap:
                let keeps = registry.landmark(id) != nil ? "; the previous map keeps serving" : ""
                throw HTTPError(.unprocessableContent, message: error.description + keeps)
            case .io, .landmarkNotFound, .anchorExists, .anchorNotFound: throw error
            }
        }
    }

    func delete(_ request: Request, context: PoseRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard LandmarkRegistry.isValidID(id) else { throw HTTPError(.badRequest, message: RegistryError.invalidID(id).description) }
        guard try registry.remove(id: id) else {
            throw HTTPError(.notFound, message: "landmark \"\(id)\" not found")
        }
        return .json(["deleted": id])
    }

    /// Metadata, frame, scale, sizes and anchors of one landmark.
    static func summary(_ l: LoadedLandmark) -> [String: Any] {
        let m = l.metadata
        return [
            "id": l.id,
            "name": m.name,
            "featureKind": m.featureKind.rawValue,
            "frame": m.isMetric
                ? "landmark frame: right-handed, Y up, metres"
                : m.isGravityAligned ? "reconstruction frame: Y up (gravity from the cameras), arbitrary scale"
                : "reconstruction frame: arbitrary orientation and scale",
            "scale": m.isMetric ? "metric" : "arbitrary",
            "alignment": m.alignment ?? NSNull(),
            "createdAt": m.createdAt,
            "generator": m.generator,
            "keyframes": l.keyframeCount,
            "points": l.pointCount,
            "observations": l.observationCount,
            "fileBytes": l.fileBytes,
            "loadSeconds": (l.loadSeconds * 1000).rounded() / 1000,
            "anchors": l.anchors.map { a -> [String: Any] in
                ["name": a.name, "landmarkFromAnchor": LocalizationResult.poseJSON(a.landmarkFromAnchor)]
            },
        ]
    }
}
