import Hummingbird
import Logging
import Foundation

/// Makes every error a JSON body `{"error":{"message":…}}`: HTTP errors keep their status
/// (a missing message is filled in), an oversized body is 413, and anything unexpected is a
/// plain 500 whose detail goes to the log only.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = PoseRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            guard error.body == nil else { throw error }
            let message = error.status == .notFound
                ? "no route for \(request.method) \(request.uri.path)"
                : error.status.reasonPhrase
            throw HTTPError(error.status, headers: error.headers, message: message)
        } catch let error as any HTTPResponseError {
            // NIO's too-many-bytes error (a body over maxUploadSize) carries 413 but no message.
            if error.status == .contentTooLarge {
                throw HTTPError(.contentTooLarge, message: "request body is larger than the limit of \(context.maxUploadSize) bytes")
            }
            throw error
        } catch {
            logger.error("unexpected error on \(request.method) \(request.uri.path): \(error)")
            throw HTTPError(.internalServerError, message: "internal error")
        }
    }
}

/// Sets the context's body limit from the configuration.
struct LimitsMiddleware: RouterMiddleware {
    typealias Context = PoseRequestContext
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBodyBytes
        return try await next(request, context)
    }
}

/// Requires an API key on `/v1/…`: a query or admin key for GET and POST (localize, preview),
/// an admin key for PUT, DELETE and POST …/anchors (`needsAdmin`). 401 without a known key,
/// 403 with a query key on an admin route.
/// With no keys configured at all, query routes are open and admin routes are refused.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = PoseRequestContext
    let keys: APIKeys

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        let needsAdmin = Self.needsAdmin(method: request.method, path: request.uri.path)
        if keys.isEmpty {
            if needsAdmin {
                throw HTTPError(.forbidden, message: "admin routes are disabled: the server has no admin keys (--keys or LANDMARK_ADMIN_KEYS)")
            }
            return try await next(request, context)
        }
        guard let key = Self.presentedKey(request) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"],
                            message: "missing API key: send \"Authorization: Bearer KEY\" or \"X-API-Key: KEY\"")
        }
        guard let kind = keys.kind(of: key) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "unknown API key")
        }
        if needsAdmin && kind != .admin {
            throw HTTPError(.forbidden, message: "this route needs an admin key; a query key was sent")
        }
        var context = context
        context.keyKind = kind
        return try await next(request, context)
    }

    /// Routes that change what is served: uploads, deletions, anchor edits.
    static func needsAdmin(method: HTTPRequest.Method, path: String) -> Bool {
        method == .put || method == .delete || (method == .post && path.split(separator: "/").last == "anchors")
    }

    static func presentedKey(_ request: Request) -> String? {
        if let auth = request.headers[.authorization] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
        }
        if let key = request.headers.header(named: "x-api-key") {
            return key.trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}

/// Counts requests by route and status and times them.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = PoseRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, start: start)
            return response
        } catch let error as any HTTPResponseError {
            record(request, context, status: error.status.code, start: start)
            throw error
        } catch {
            record(request, context, status: 500, start: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(method: request.method.rawValue, route: route, status: status, seconds: seconds)
    }
}

extension HTTPFields {
    /// The first value of a header by case-insensitive name.
    func header(named name: String) -> String? {
        first { $0.name.canonicalName == name.lowercased() }?.value
    }
}
