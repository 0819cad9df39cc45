import Foundation

/// A progress bar on standard error, drawn only when stderr is a terminal (quiet in CI,
/// pipes and logs). Thread-safe; redraws at most ten times a second.
public final class ProgressBar: @unchecked Sendable {
    private let title: String
    private let total: Int
    private var done = 0
    private var lastDraw = Date.distantPast
    private let lock = NSLock()
    private let enabled: Bool
    private let start = Date()

    /// - Parameters:
    ///   - title: what is being done, e.g. "matching".
    ///   - total: the number of steps; 0 draws a spinner-less counter.
    public init(_ title: String, total: Int, enabled: Bool = ProgressBar.stderrIsTerminal) {
        self.title = title
        self.total = total
        self.enabled = enabled
    }

    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// Advances by `steps` and redraws if due.
    public func advance(_ steps: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        done += steps
        draw(force: done >= total)
    }
    /// Sets the absolute count.
    public func update(_ count: Int) {
        lock.lock(); defer { lock.unlock() }
        done = count
        draw(force: done >= total)
    }
    /// Ends the bar with a newline.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        guard enabled else { return }
        draw(force: true)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw(force: Bool) {
        guard enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let width = 30
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let elapsed = now.timeIntervalSince(start)
        let line = String(format: "\r%@ %@ %d/%d %.1fs", title, bar, done, total, elapsed)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
