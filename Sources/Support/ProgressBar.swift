import Foundation
import Logging

/// Progress of a long step, shown where someone can see it:
/// - stderr is a terminal: a bar with the count, elapsed time and an ETA, redrawn in place at
///   most ten times a second;
/// - otherwise (CI, pipes, batch jobs under a scheduler, whose stderr goes to a log file):
///   plain log lines through a `Logger` at `.info`, one per 10 % of the total or per 10 s,
///   whichever comes first, so a log shows the job is alive without a line per step.
///
/// Log lines are only written once the process has set up logging
/// (`LoggingSetup.bootstrap(level:)`): swift-log's default handler writes to standard output,
/// where lines would mix with a command's data output.
///
/// Thread-safe: `advance` may be called from parallel workers.
public final class ProgressBar: @unchecked Sendable {
    /// How progress is shown.
    enum Style: Equatable {
        /// A bar redrawn in place (`\r`) on a terminal.
        case bar
        /// Periodic plain lines, for logs.
        case logLines
        /// Nothing.
        case silent
    }

    /// Seconds between two log lines when the count moves slowly.
    static let logIntervalSeconds = 10.0
    /// Log lines are written each time another tenth of the total is done.
    static let logStepsPerTotal = 10
    /// Seconds between two redraws of the bar.
    static let redrawIntervalSeconds = 0.1

    private let title: String
    private let total: Int
    private let style: Style
    /// Monotonic seconds (any origin).
    private let now: @Sendable () -> Double
    /// Receives the bar's terminal text (`.bar`) or one log line (`.logLines`).
    private let emit: @Sendable (String) -> Void
    private let lock = NSLock()
    private let start: Double
    private var done = 0
    private var lastOutput: Double
    /// For `.logLines`: lines written, and the count and tenths of the total at the last one.
    private var linesWritten = 0
    private var loggedCount = 0
    private var loggedTenths = 0
    private var finished = false

    /// - Parameters:
    ///   - title: what is being done, e.g. "matching".
    ///   - total: the number of steps; 0 shows a counter with no fraction and no ETA.
    ///   - enabled: false shows nothing.
    ///   - logger: where log lines go when stderr is not a terminal; nil uses Support's
    ///     logger (`landmark.support`). Pass the calling module's logger so lines carry its label.
    public convenience init(_ title: String, total: Int, enabled: Bool = true, logger: Logger? = nil) {
        let style: Style
        if !enabled { style = .silent }
        else if ProgressBar.stderrIsTerminal { style = .bar }
        else if LoggingSetup.isBootstrapped { style = .logLines }
        else { style = .silent }
        let emit: @Sendable (String) -> Void
        switch style {
        case .bar: emit = { FileHandle.standardError.write(Data($0.utf8)) }
        case .logLines:
            let logger = logger ?? supportLogger
            emit = { logger.info("\($0)") }
        case .silent: emit = { _ in }
        }
        self.init(title, total: total, style: style, clock: { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }, emit: emit)
    }

    /// A bar with an injected clock and output, for tests.
    init(_ title: String, total: Int, style: Style, clock: @escaping @Sendable () -> Double,
         emit: @escaping @Sendable (String) -> Void) {
        self.title = title
        self.total = total
        self.style = style
        self.now = clock
        self.emit = emit
        start = clock()
        lastOutput = start
    }

    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// Advances by `steps` and shows progress if due.
    public func advance(_ steps: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        done += steps
        show()
    }

    /// Sets the absolute count.
    public func update(_ count: Int) {
        lock.lock(); defer { lock.unlock() }
        done = count
        show()
    }

    /// Ends the bar: a last redraw and a newline, or a last log line if the latest count has
    /// not been logged yet. Later calls do nothing.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        switch style {
        case .bar:
            drawBar(at: now())
            emit("\n")
        case .logLines:
            if linesWritten == 0 || done != loggedCount { logLine(at: now()) }
        case .silent:
            break
        }
    }

    // MARK: - Output

    private func show() {
        guard !finished else { return }
        let time = now()
        switch style {
        case .bar:
            if done >= total || time - lastOutput >= Self.redrawIntervalSeconds { drawBar(at: time) }
        case .logLines:
            if tenths() > loggedTenths || (done != loggedCount && time - lastOutput >= Self.logIntervalSeconds) {
                logLine(at: time)
            }
        case .silent:
            break
        }
    }

    /// Whole tenths of the total done, 0…10 (0 when the total is unknown).
    private func tenths() -> Int {
        total > 0 ? min(Self.logStepsPerTotal, max(0, done) * Self.logStepsPerTotal / total) : 0
    }

    private func drawBar(at time: Double) {
        lastOutput = time
        let width = 30
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        // "\u{1B}[K" clears what a longer previous line left on the right.
        emit("\r\(title) \(bar) \(done)/\(total) \(summary(elapsed: time - start))\u{1B}[K")
    }

    private func logLine(at time: Double) {
        lastOutput = time
        linesWritten += 1
        loggedCount = done
        loggedTenths = max(loggedTenths, tenths())
        let percent = total > 0 ? " (\(min(100, max(0, done) * 100 / total)) %)" : ""
        emit("\(title): \(done)/\(total)\(percent), \(summary(elapsed: time - start))")
    }

    /// "12.3 s" and, while the fraction is strictly between 0 and 1, ", ETA 45 s" (the
    /// remaining steps at the average rate so far).
    private func summary(elapsed: Double) -> String {
        var text = String(format: "%.1f s", elapsed)
        if total > 0, done > 0, done < total {
            let remaining = elapsed / Double(done) * Double(total - done)
            text += String(format: ", ETA %.0f s", remaining)
        }
        return text
    }
}

/// Support's own logger: progress lines of callers that pass none.
let supportLogger = makeLogger("support")
