import Foundation
import Logging

/// The package's loggers, one per module, labelled `landmark.<module>` (e.g.
/// `makeLogger("reconstruction")`). Libraries only ask for a logger; the process that runs
/// them (the `landmark` command line) calls `LoggingSetup.bootstrap(level:)` once.
public func makeLogger(_ module: String) -> Logger {
    Logger(label: "landmark.\(module)")
}

/// The process's logging set-up: every logger writes one line per message to standard error
/// (swift-log's default is standard output, which would mix log lines into `--json` output).
public enum LoggingSetup {
    /// Sends all loggers to standard error and shows messages at `level` and above.
    ///
    /// Idempotent: swift-log accepts one bootstrap per process, so the first call installs the
    /// handler and later calls only change the level. Loggers made before a later call follow
    /// the new level too (unless one had its own `logLevel` set).
    public static func bootstrap(level: Logger.Level = .info) {
        let first = state.withLock { state in
            state.level = level
            defer { state.isBootstrapped = true }
            return !state.isBootstrapped
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            LevelFollowingHandler(StreamLogHandler.standardError(label: label), level: { LoggingSetup.level })
        }
    }

    /// Whether `bootstrap(level:)` has run in this process.
    public static var isBootstrapped: Bool { state.withLock { $0.isBootstrapped } }

    /// The level set by the latest `bootstrap(level:)` (`.info` before any).
    public static var level: Logger.Level { state.withLock { $0.level } }

    private struct State {
        var level = Logger.Level.info
        var isBootstrapped = false
    }
    private static let state = LockedValue(State())
}

/// A handler whose level follows a process-wide setting unless set on this logger (swift-log
/// copies a handler into each `Logger`, so a level stored in the handler would freeze at the
/// logger's creation).
struct LevelFollowingHandler<Inner: LogHandler>: LogHandler {
    private var inner: Inner
    private let sharedLevel: @Sendable () -> Logger.Level
    /// Set when a caller changes this logger's level; nil follows `sharedLevel`.
    private var ownLevel: Logger.Level?

    /// - Parameters:
    ///   - inner: writes the messages (its own `logLevel` is ignored).
    ///   - level: the shared level, read at each message.
    init(_ inner: Inner, level: @escaping @Sendable () -> Logger.Level) {
        self.inner = inner
        sharedLevel = level
    }

    var logLevel: Logger.Level {
        get { ownLevel ?? sharedLevel() }
        set { ownLevel = newValue }
    }
    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }
    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }
    func log(event: LogEvent) { inner.log(event: event) }
}

/// A value behind a lock, for process-wide state read from any thread.
private final class LockedValue<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        return try body(&value)
    }
}
