import Foundation
import Logging
import Testing
@testable import Support

/// A handler that records the messages it is given.
private struct RecordingHandler: LogHandler {
    final class Messages: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ s: String) { lock.lock(); stored.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return stored }
    }
    let messages: Messages
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { messages.append("\(event.level) \(event.message)") }
}

/// A level the test changes after the logger exists, as a later `bootstrap(level:)` does.
private final class SharedLevel: @unchecked Sendable {
    private let lock = NSLock()
    private var level = Logger.Level.info
    func get() -> Logger.Level { lock.lock(); defer { lock.unlock() }; return level }
    func set(_ l: Logger.Level) { lock.lock(); level = l; lock.unlock() }
}

@Suite struct LoggingSetupTests {
    @Test func loggersFollowTheSharedLevelSetAfterTheyWereMade() {
        let messages = RecordingHandler.Messages(), shared = SharedLevel()
        let logger = Logger(label: "landmark.test") { _ in
            LevelFollowingHandler(RecordingHandler(messages: messages), level: { shared.get() })
        }
        logger.debug("hidden")
        logger.info("shown")
        shared.set(.debug)
        logger.debug("now shown")
        #expect(messages.all == ["info shown", "debug now shown"])
    }

    @Test func aLevelSetOnOneLoggerOverridesTheSharedLevelForThatLoggerOnly() {
        let messages = RecordingHandler.Messages(), shared = SharedLevel()
        let make = {
            Logger(label: "landmark.test") { _ in
                LevelFollowingHandler(RecordingHandler(messages: messages), level: { shared.get() })
            }
        }
        var quiet = make()
        quiet.logLevel = .error
        let other = make()
        quiet.warning("dropped")
        other.warning("kept")
        shared.set(.trace)
        quiet.info("still dropped")
        #expect(messages.all == ["warning kept"])
    }

    @Test func moduleLoggersAreLabelledByModule() {
        #expect(makeLogger("reconstruction").label == "landmark.reconstruction")
    }
}
