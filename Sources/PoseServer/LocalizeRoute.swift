import Foundation
import Geometry
import Hummingbird
import Localization
import Rendering

/// `POST /v1/landmarks/{id}/localize?fx=&fy=&cx=&cy=` (or `?focal=estimate[&cx=&cy=]`).
/// Body: the frame as `image/jpeg` / `image/png`, or `multipart/form-data` with an `image`
/// part and an optional `prior` JSON part. A prior may also come in the `X-Prior-Pose`
/// header. Answers the CLI's JSON plus `landmark` and `cameraFromAnchor`.
struct LocalizeRoute: Sendable {
    let configuration: PoseServerConfiguration
    let registry: LandmarkRegistry
    let limiter: RequestLimiter
    let metrics: ServerMetrics

    func handle(_ request: Request, context: PoseRequestContext) async throws -> Response {
        // 1. Which landmark (404 before reading any body).
        let id = try context.parameters.require("id")
        guard let landmark = registry.landmark(id) else {
            throw HTTPError(.notFound, message: "landmark \"\(id)\" not found")
        }
        // 2. The frame, checked before decoding (415, 400, 413).
        let frame = try await FrameRequest.read(request, context: context, configuration: configuration)
        // 3. A slot in the bounded queue, then the work within the deadline (503).
        let query = frame.query
        let localizer = landmark.localizer
        let result: LocalizationResult
        do {
            result = try await limiter.runInSlot(deadlineSeconds: configuration.requestDeadlineSeconds,
                                                 retryAfterSeconds: configuration.retryAfterSeconds) {
                try localizer.localize(query)
            }
        } catch let error as LocalizationError {
            throw HTTPError(error.httpStatus, message: error.description)
        }
        metrics.recordStages(result.timings.byStage, status: result.status.rawValue)
        // 4. The answer, with each anchor in the camera's frame.
        var object = result.jsonObject(image: nil)
        object["landmark"] = id
        object["cameraFromAnchor"] = landmark.anchors.compactMap { anchor -> [String: Any]? in
            guard let cameraFromLandmark = result.cameraFromLandmark else { return nil }
            var pose = LocalizationResult.poseJSON(cameraFromLandmark * anchor.landmarkFromAnchor)
            pose["name"] = anchor.name
            return pose
        }
        return Response.json(object)
    }
}

extension Response {
    /// A JSON response from a JSONSerialization-compatible object (sorted keys).
    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: LocalizationResult.serialize(object) + "\n")))
    }
}
