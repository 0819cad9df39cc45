import Foundation
import Hummingbird
import Logging

/// The routes this server answers, as documented in `OpenAPIDocument.yaml` (a test checks
/// both ways).
public let poseServerRoutes: [(method: String, path: String)] = [
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.yaml"),
    ("GET", "/v1/landmarks"),
    ("GET", "/v1/landmarks/{id}"),
    ("PUT", "/v1/landmarks/{id}"),
    ("DELETE", "/v1/landmarks/{id}"),
    ("POST", "/v1/landmarks/{id}/localize"),
    ("POST", "/v1/landmarks/{id}/anchors"),
    ("DELETE", "/v1/landmarks/{id}/anchors/{name}"),
    ("POST", "/v1/landmarks/{id}/preview"),
]

/// Builds the router: middleware (metrics → JSON errors → limits → API keys) and routes.
public func buildRouter(configuration: PoseServerConfiguration, registry: LandmarkRegistry,
                        metrics: ServerMetrics = ServerMetrics(), logger: Logger = Logger(label: "landmark.server")) -> Router<PoseRequestContext> {
    let limiter = RequestLimiter(maxConcurrent: configuration.maxConcurrentQueries,
                                 maxQueued: configuration.maxQueuedQueries)
    metrics.mapsLoaded = { registry.count }
    let depth = limiter.snapshot
    metrics.queueDepth = { depth.depth }
    let router = Router(context: PoseRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ErrorMiddleware(logger: logger))
    router.add(middleware: LimitsMiddleware(maxBodyBytes: configuration.maxBodyBytes))
    router.add(middleware: APIKeyMiddleware(keys: configuration.keys))

    router.get("/healthz") { _, _ in
        Response.json(["status": "ok", "landmarks": registry.count])
    }
    router.get("/metrics") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
    }
    router.get("/openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml"],
                 body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
    }
    let landmarks = LandmarkRoutes(configuration: configuration, registry: registry)
    let localize = LocalizeRoute(configuration: configuration, registry: registry, limiter: limiter, metrics: metrics)
    router.get("/v1/landmarks", use: landmarks.list)
    router.get("/v1/landmarks/{id}", use: landmarks.get)
    router.put("/v1/landmarks/{id}", use: landmarks.put)
    router.delete("/v1/landmarks/{id}", use: landmarks.delete)
    router.post("/v1/landmarks/{id}/localize", use: localize.handle)
    let anchors = AnchorRoutes(configuration: configuration, registry: registry)
    router.post("/v1/landmarks/{id}/anchors", use: anchors.add)
    router.delete("/v1/landmarks/{id}/anchors/{name}", use: anchors.remove)
    let preview = PreviewRoute(configuration: configuration, registry: registry, limiter: limiter, metrics: metrics)
    router.post("/v1/landmarks/{id}/preview", use: preview.handle)
    return router
}

/// The pose-query server as a Hummingbird application: loads the landmarks folder, then
/// serves. Run it with `try await app.runService()`.
public func buildApplication(_ configuration: PoseServerConfiguration, loader: LandmarkLoader,
                             logger: Logger = Logger(label: "landmark.server")) throws -> some ApplicationProtocol {
    try configuration.validate()
    let registry = LandmarkRegistry(directory: configuration.landmarksDirectory, loader: loader)
    registry.loadAll()
    let router = buildRouter(configuration: configuration, registry: registry, logger: logger)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                             serverName: "landmark-pose-server"),
        logger: logger)
}
