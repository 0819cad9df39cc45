import ArgumentParser
import Logging

/// The options every command that uses them shares, through `@OptionGroup var global: GlobalOptions`:
/// the seed of random choices, JSON output, and the log level on stderr.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Seed of every random choice; the same seed gives the same output (default: 0; synth and demo: 7, the built-in landmark).")
    var seed: UInt64?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Log messages on stderr from this level up: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// `--seed`, or the command's own default when it is not given.
    func seed(default value: UInt64) -> UInt64 { seed ?? value }

    /// Sends swift-log's messages to stderr from `--log-level` up. Once per process: swift-log
    /// allows one bootstrap, and tests run several commands in one process.
    func bootstrapLogging() {
        LoggingBootstrap.once(level: logLevel)
    }
}

/// swift-log's one bootstrap per process.
private enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false

    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
