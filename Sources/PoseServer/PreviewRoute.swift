import Anchoring
import Foundation
import HTTPTypes
import Hummingbird
import Localization
import Rendering
import Imaging

/// `POST /v1/landmarks/{id}/preview?fx=&fy=&cx=&cy=&anchor=NAME[&time=T]` with a frame as the
/// body (as `…/localize`): localizes the frame, renders the server's character standing on
/// the anchor at `time` seconds of its animation into the frame, the map's points hiding it
/// where the building is in front, and answers the PNG. The same code as `landmark preview`
/// (`PreviewRenderer.render`). Runs in the localize queue's slots (503 when full).
struct PreviewRoute: Sendable {
    let configuration: PoseServerConfiguration
    let registry: LandmarkRegistry
    let limiter: RequestLimiter
    let metrics: ServerMetrics

    /// Occluding map points are drawn as squares of this many pixels' radius (as the CLI).
    static let pointRadiusPixels = 3.0

    func handle(_ request: Request, context: PoseRequestContext) async throws -> Response {
        // 1. Landmark, anchor, time and character: all checked before the body is read.
        let id = try context.parameters.require("id")
        guard let landmark = registry.landmark(id) else {
            throw HTTPError(.notFound, message: "landmark \"\(id)\" not found")
        }
        let parameters = request.uri.queryParameters
        guard let anchorName = parameters["anchor"].map(String.init), !anchorName.isEmpty else {
            throw HTTPError(.badRequest, message: "missing anchor: give ?anchor=NAME, one of the landmark's anchors")
        }
        guard let anchor = landmark.anchors.first(where: { $0.name == anchorName }) else {
            throw HTTPError(.notFound, message: RegistryError.anchorNotFound(id: id, name: anchorName, existing: landmark.anchors.map(\.name)).description)
        }
        let time = try Self.parseTime(parameters["time"].map(String.init))
        guard let character = configuration.previewCharacter else {
            throw HTTPError(.notFound, message: "this server has no preview character (start it with --character FILE)")
        }
        // 2. The frame, checked before decoding (415, 400, 413), as for localize.
        let frame = try await FrameRequest.read(request, context: context, configuration: configuration)
        let query = frame.query
        let localizer = landmark.localizer
        let points = landmark.pointPositions
        // 3. Localize, decode and render in one slot (CPU-bound), within the deadline.
        let outcome: Outcome
        do {
            outcome = try await limiter.runInSlot(deadlineSeconds: configuration.requestDeadlineSeconds,
                                                  retryAfterSeconds: configuration.retryAfterSeconds) { () throws -> Outcome in
                let result = try localizer.localize(query)
                guard let cameraFromLandmark = result.cameraFromLandmark, let k = result.intrinsics else {
                    return .notLocalized(result)
                }
                let image = try Image8(decoding: query.imageData, channels: 3, name: "frame")
                let rendered = try PreviewRenderer.render(
                    frame: image, intrinsics: k, cameraFromLandmark: cameraFromLandmark,
                    landmarkFromAnchor: anchor.landmarkFromAnchor, character: try character.scene(at: time),
                    occluder: .points(points, radiusPixels: Self.pointRadiusPixels))
                return .rendered(result, png: try rendered.image.encoded(.png), visible: rendered.visiblePixels,
                                 silhouette: rendered.silhouettePixels)
            }
        } catch let error as LocalizationError {
            throw HTTPError(error.httpStatus, message: error.description)
        } catch let error as PreviewError {
            throw HTTPError(.unprocessableContent, message: "cannot render the preview: \(error.description)")
        } catch let error as ImageError {
            throw HTTPError(.badRequest, message: "the frame could not be decoded: \(error)")
        }
        // 4. The PNG, with the pose and what is visible in headers.
        switch outcome {
        case .notLocalized(let result):
            metrics.recordStages(result.timings.byStage, status: result.status.rawValue)
            throw HTTPError(.unprocessableContent, message: "the frame could not be localized against landmark \"\(id)\": \(result.reason ?? "not localized"); no preview")
        case .rendered(let result, let png, let visible, let silhouette):
            metrics.recordStages(result.timings.byStage, status: result.status.rawValue)
            var headers: HTTPFields = [.contentType: "image/png"]
            if let pose = result.cameraFromLandmark {
                headers[HTTPField.Name("X-Camera-From-Landmark")!] = LocalizationResult.serialize(LocalizationResult.poseJSON(pose))
            }
            headers[HTTPField.Name("X-Character-Pixels")!] = "\(visible)/\(silhouette)"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: png)))
        }
    }

    /// `time` in seconds (≥ 0, finite); absent: 0.
    static func parseTime(_ text: String?) throws -> Double {
        guard let text else { return 0 }
        guard let t = Double(text), t.isFinite, t >= 0 else {
            throw HTTPError(.badRequest, message: "invalid time \"\(text)\": give seconds ≥ 0 into the character's animation")
        }
        return t
    }

    enum Outcome: Sendable {
        case notLocalized(LocalizationResult)
        case rendered(LocalizationResult, png: Data, visible: Int, silhouette: Int)
    }
}
