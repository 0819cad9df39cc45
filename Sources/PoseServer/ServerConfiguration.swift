import Foundation
import Localization

/// Everything `buildApplication` needs: where to listen, which maps to serve, keys and limits.
/// The CLI fills it from flags; tests build it directly.
public struct PoseServerConfiguration: Sendable {
    /// Interface to bind, e.g. "127.0.0.1" (loopback only) or "0.0.0.0".
    public var host: String = "127.0.0.1"
    /// TCP port; 0 picks a free one.
    public var port: Int = 8080
    /// The folder of `*.landmark` files served; uploads are written here.
    public var landmarksDirectory: URL
    /// Query and admin keys. Empty: query routes are open and admin routes refused.
    public var keys: APIKeys = APIKeys()
    /// Largest localize request body in bytes (one camera frame); larger is 413. Default 10 MB.
    public var maxBodyBytes: Int = 10 * 1024 * 1024
    /// Largest `.landmark` upload in bytes; larger is 413. Default 512 MB.
    public var maxLandmarkUploadBytes: Int = 512 * 1024 * 1024
    /// Largest frame in pixels, read from the image header before decoding; larger is 413.
    /// Default 16 MP.
    public var maxImagePixels: Int = 16_000_000
    /// Queries computed at once (CPU-bound: about one per core). Must be ≥ 1.
    public var maxConcurrentQueries: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Queries allowed to wait for a slot; more are answered 503 with Retry-After. 0 means none wait.
    public var maxQueuedQueries: Int = 16
    /// Seconds a query may take once it holds a slot; over it the answer is 503.
    public var requestDeadlineSeconds: Double = 5
    /// Seconds suggested to clients in Retry-After on 503.
    public var retryAfterSeconds: Int = 1
    /// The character `POST …/preview` renders; nil answers those requests 404. The CLI
    /// gives `--character` (and `--animation`) or the project's procedural humanoid walking.
    public var previewCharacter: PreviewCharacter?

    public init(landmarksDirectory: URL) {
        self.landmarksDirectory = landmarksDirectory
    }

    /// Checks ranges; throws a message naming the field.
    public func validate() throws {
        func fail(_ s: String) -> PoseServerConfigurationError { .invalid(s) }
        guard (0...65535).contains(port) else { throw fail("port must be in 0...65535, got \(port)") }
        guard maxBodyBytes > 0 else { throw fail("maxBodyBytes must be > 0") }
        guard maxLandmarkUploadBytes > 0 else { throw fail("maxLandmarkUploadBytes must be > 0") }
        guard maxImagePixels > 0 else { throw fail("maxImagePixels must be > 0") }
        guard maxConcurrentQueries >= 1 else { throw fail("maxConcurrentQueries must be ≥ 1") }
        guard maxQueuedQueries >= 0 else { throw fail("maxQueuedQueries must be ≥ 0") }
        guard requestDeadlineSeconds > 0, requestDeadlineSeconds.isFinite else {
            throw fail("requestDeadlineSeconds must be a positive number")
        }
    }
}

public enum PoseServerConfigurationError: Error, CustomStringConvertible {
    case invalid(String)
    case keysFile(path: String, reason: String)
    public var description: String {
        switch self {
        case .invalid(let s): "invalid server configuration: \(s)"
        case .keysFile(let path, let reason): "\(path): \(reason)"
        }
    }
}
