import Foundation
import Geometry
import Hummingbird
import Localization
import Rendering
import Imaging
import MultipartKit

/// A camera frame sent to `…/localize` or `…/preview`, checked before any decoding: media
/// type (415), intrinsics (400), body size (413), not empty (400), a JPEG/PNG header (400)
/// within the pixel limit (413), cx/cy inside the frame (400).
struct FrameRequest: Sendable {
    /// The encoded frame (JPEG or PNG) as sent.
    var imageData: Data
    /// Intrinsics in pixels of the frame as sent (or focal=estimate).
    var intrinsics: QueryIntrinsics
    /// A tracking prior (`X-Prior-Pose` header or a multipart `prior` part), OpenCV camera axes.
    var cameraFromLandmarkPrior: Rigid3?
    /// The frame's size read from its header.
    var width: Int
    var height: Int

    var query: LocalizationQuery {
        LocalizationQuery(imageData: imageData, name: nil, intrinsics: intrinsics, cameraFromLandmarkPrior: cameraFromLandmarkPrior)
    }

    /// Reads and checks the frame of `request` (its body is consumed).
    static func read(_ request: Request, context: PoseRequestContext,
                     configuration: PoseServerConfiguration) async throws -> FrameRequest {
        var request = request
        // Media type (415) and intrinsics (400) are checked before the body is read.
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard ["image/jpeg", "image/png", "multipart/form-data"].contains(mediaType) else {
            throw HTTPError(.unsupportedMediaType, message: contentType.isEmpty
                ? "missing Content-Type: send the frame as image/jpeg, image/png or multipart/form-data"
                : "unsupported Content-Type \"\(contentType)\": send image/jpeg, image/png or multipart/form-data")
        }
        let intrinsics = try parseIntrinsics(request.uri.queryParameters)
        // Body within the limit (413), not empty (400).
        if let length = request.headers[.contentLength].flatMap(Int.init), length > context.maxUploadSize {
            throw HTTPError(.contentTooLarge, message: "request body is \(length) bytes, over the limit of \(context.maxUploadSize) bytes")
        }
        // A multipart body needs its boundary (400) before it is worth reading.
        let boundary: String?
        do { boundary = mediaType == "multipart/form-data" ? try MultipartForm.boundary(fromContentType: contentType) : nil }
        catch let error as MultipartFormError { throw HTTPError(.badRequest, message: error.description) }
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        var imageData = Data(buffer.readableBytesView)
        var prior: Rigid3?
        if let header = request.headers.header(named: "x-prior-pose") {
            prior = try parsePrior(Data(header.utf8), source: "X-Prior-Pose header")
        }
        if let boundary {
            let parts: [MultipartPart]
            do { parts = try MultipartForm.parts(of: buffer, boundary: boundary) }
            catch let error as MultipartFormError { throw HTTPError(.badRequest, message: error.description) }
            guard let image = parts.firstPart(named: "image") else {
                throw HTTPError(.badRequest, message: "multipart body has no part named \"image\" (it has: \(Self.partNames(parts)))")
            }
            imageData = Data(image.body.readableBytesView)
            if let priorPart = parts.firstPart(named: "prior") {
                prior = try parsePrior(Data(priorPart.body.readableBytesView), source: "\"prior\" part")
            }
        }
        guard !imageData.isEmpty else {
            throw HTTPError(.badRequest, message: "empty body: send the frame as image/jpeg or image/png")
        }
        // Image header: a JPEG/PNG (400) within the pixel limit (413), before decoding.
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
        return FrameRequest(imageData: imageData, intrinsics: intrinsics, cameraFromLandmarkPrior: prior,
                            width: size.width, height: size.height)
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

    /// The parts' names for an error message, quoted, in order (`(unnamed)` for a part without one).
    static func partNames(_ parts: [MultipartPart]) -> String {
        parts.map { $0.name.map { "\"\($0)\"" } ?? "(unnamed)" }.joined(separator: ", ")
    }

    static func parsePrior(_ data: Data, source: String) throws -> Rigid3 {
        do { return try PoseJSON.parseCameraFromLandmark(data) } catch {
            throw HTTPError(.badRequest, message: "\(error) (in the \(source); expected {\"rotation\":[w,x,y,z],\"translation\":[x,y,z]} as cameraFromLandmark)")
        }
    }
}

extension LocalizationError {
    /// The HTTP status of a query the localizer refused.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .imageTooLarge: .contentTooLarge
        case .unusableMap, .invalidOptions: .unprocessableContent
        default: .badRequest
        }
    }
}
