import Logging

/// The package's loggers, one label per module (`landmark.<module>`). The CLI bootstraps
/// swift-log's handler and level; libraries only ask for a logger.
public func makeLogger(_ module: String) -> Logger {
    Logger(label: "landmark.\(module)")
}
