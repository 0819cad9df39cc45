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
        var request = request
        // 1. Which landmark (404 before reading any body).
        let id = try context.parameters.require("id")
        guard let landmark = registry.landmark(id) else {
            throw HTTPError(.notFound, message: "landmark \"\(id)\" not found")
        }
        // 2. Media type (415) and intrinsics (400) are checked before the body is read.
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard ["image/jpeg", "image/png", "multipart/form-data"].contains(mediaType) else {
            throw HTTPError(.unsupportedMediaType, message: contentType.isEmpty
                ? "missing Content-Type: send the frame as image/jpeg, image/png or multipart/form-data"
                : "unsupported Content-Type \"\(contentType)\": send image/jpeg, image/png or multipart/form-data")
        }
        let intrinsics = try Self.parseIntrinsics(request.uri.queryParameters)
        // 3. Body within the limit (413), not empty (400).
        if let length = request.headers[.contentLength].flatMap(Int.init), length > context.maxUploadSize {
            throw HTTPError(.contentTooLarge, message: "request body is \(length) bytes, over the limit of \(context.maxUploadSize) bytes")
        }
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        var imageData = Data(buffer.readableBytesView)
        var prior: Rigid3?
        if let header = request.headers.header(named: "x-prior-pose") {
            prior = try Self.parsePrior(Data(header.utf8), source: "X-Prior-Pose header")
        }
        if mediaType == "multipart/form-data" {
            let parts: [MultipartPart]
            do { parts = try Multipart.parse(imageData, boundary: try Multipart.boundary(fromContentType: contentType)) }
            catch { throw HTTPError(.badRequest, message: "\(error)") }
            guard let image = parts.first(where: { $0.name == "image" }) else {
                throw HTTPError(.badRequest, message: "multipart body has no part named \"image\"")
            }
            imageData = image.body
            if let priorPart = parts.first(where: { $0.name == "prior" }) {
                prior = try Self.parsePrior(priorPart.body, source: "\"prior\" part")
            }
        }
        guard !imageData.isEmpty else {
            throw HTTPError(.badRequest, message: "empty body: send the frame as image/jpeg or image/png")
        }
        // 4. Image header: a JPEG/PNG (400) within the pixel limit (413), before decoding.
        let size: (width: Int, height: Int)
        do { size = try Image8.probeSize(imageData) } catch {
            throw HTTPError(.badRequest, message: "the body is not a JPEG or PNG image (\(error))")
        }
        guard size.width > 0, size.height > 0 else {
            throw HTTPError(.badRequest, message: "the image header declares an empty \(size.width)×\(size.height) image")
        }
        guard size.width * size.height <= configuration.maxImagePixels else {
            throw HTTPError(.contentTooLarge, message: "the image is \(size.width)×\(size.height) = \(size.width * size.height) pixels, over the limit of \(configuration.maxImagePixels) pixels")
        }
        if let cx = intrinsics.cx, cx > Double(size.width) { throw HTTPError(.badRequest, message: "invalid intrinsics: cx = \(cx) is outside the \(size.width)-pixel-wide image") }
        if let cy = intrinsics.cy, cy > Double(size.height) { throw HTTPError(.badRequest, message: "invalid intrinsics: cy = \(cy) is outside the \(size.height)-pixel-high image") }
        // 5. A slot in the bounded queue (503), then the work within the deadline (503).
        guard await limiter.acquire() else {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "\(configuration.retryAfterSeconds)"],
                            message: "too many queries in flight; retry after \(configuration.retryAfterSeconds) s")
        }
        let query = LocalizationQuery(imageData: imageData, name: nil, intrinsics: intrinsics, cameraFromLandmarkPrior: prior)
        let localizer = landmark.localizer
        let result: LocalizationResult
        do {
            defer { Task { await limiter.release() } }
            result = try await runWithDeadline(seconds: configuration.requestDeadlineSeconds) {
                try localizer.localize(query)
            }
        } catch let error as LocalizationError {
            throw HTTPError(Self.status(of: error), message: error.description)
        } catch let error as DeadlineExceeded {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "\(configuration.retryAfterSeconds)"], message: error.description)
        }
        metrics.recordStages(result.timings.byStage, status: result.status.rawValue)
        // 6. The answer, with each anchor in the camera's frame.
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

    static func status(of error: LocalizationError) -> HTTPResponse.Status {
        switch error {
        case .imageTooLarge: .contentTooLarge
        case .unusableMap, .invalidOptions: .unprocessableContent
        default: .badRequest
        }
    }

    /// fx, fy, cx, cy (all four, pixels), or `focal=estimate` with optional cx, cy.
    static func parseIntrinsics(_ query: Parameters) throws -> QueryIntrinsics {
        func number(_ name: String) throws -> Double? {
            guard let text = query[Substring(name)].map(String.init) else { return nil }
            guard let value = Double(text) else {
                throw HTTPError(.badRequest, message: "invalid intrinsics: \(name) is not a number (\"\(text)\")")
            }
            guard value.isFinite else { throw HTTPError(.badRequest, message: "invalid intrinsics: \(name) is not a finite number (\"\(text)\")") }
            guard value >= 0 else { throw HTTPError(.badRequest, message: "invalid intrinsics: \(name) is negative (\(text))") }
            return value
        }
        let fx = try number("fx"), fy = try number("fy"), cx = try number("cx"), cy = try number("cy")
        let estimate = query["focal"].map(String.init)
        if let estimate {
            guard estimate == "estimate" else {
                throw HTTPError(.badRequest, message: "invalid intrinsics: focal must be \"estimate\" (or give fx, fy, cx, cy)")
            }
            guard fx == nil, fy == nil else {
                throw HTTPError(.badRequest, message: "invalid intrinsics: give either fx and fy or focal=estimate, not both")
            }
            return QueryIntrinsics(cx: cx, cy: cy)
        }
        let missing = [("fx", fx), ("fy", fy), ("cx", cx), ("cy", cy)].filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else {
            throw HTTPError(.badRequest, message: "missing intrinsics: \(missing.joined(separator: ", ")) (pixels); give fx, fy, cx, cy or focal=estimate")
        }
        let intrinsics = QueryIntrinsics(fx: fx, fy: fy, cx: cx, cy: cy)
        do { try intrinsics.validate() } catch { throw HTTPError(.badRequest, message: "\(error)") }
        return intrinsics
    }

    static func parsePrior(_ data: Data, source: String) throws -> Rigid3 {
        do { return try PoseJSON.parseCameraFromLandmark(data) } catch {
            throw HTTPError(.badRequest, message: "\(error) (in the \(source); expected {\"rotation\":[w,x,y,z],\"translation\":[x,y,z]} as cameraFromLandmark)")
        }
    }
}

extension Response {
    /// A JSON response from a JSONSerialization-compatible object (sorted keys).
    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: LocalizationResult.serialize(object) + "\n")))
    }
}
