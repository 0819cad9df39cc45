import Hummingbird

/// The per-request context: its body limit (sized for one camera frame, set from the
/// configuration by `LimitsMiddleware`) and the kind of API key the request carried.
public struct PoseRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Bodies larger than this are refused with 413.
    public var maxUploadSize: Int = 10 * 1024 * 1024
    /// Set by `APIKeyMiddleware`; nil for open routes.
    public var keyKind: APIKeys.Kind?

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
