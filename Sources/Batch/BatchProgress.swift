import Foundation

/// The batch's one progress line on standard error: jobs done, failed and left, throughput
/// and ETA. Drawn only when stderr is a terminal (quiet in CI, pipes and logs). Thread-safe.
public final class BatchProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let enabled: Bool
    private let start = Date()
    private var done = 0
    private var failed = 0
    private var lastDraw = Date.distantPast

    public init(total: Int, enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.total = total
        self.enabled = enabled
    }

    public func jobFinished(success: Bool) {
        lock.lock(); defer { lock.unlock() }
        if success { done += 1 } else { failed += 1 }
        draw(force: false)
    }

    /// Redraws if due (called by the coordinator's tick too, so time advances on screen).
    public func tick() {
        lock.lock(); defer { lock.unlock() }
        draw(force: false)
    }

    public func finish() {
        lock.lock(); defer { lock.unlock() }
        guard enabled else { return }
        draw(force: true)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    /// The text of the line, e.g. "batch 12 done · 1 failed · 27 left · 0.80 jobs/s · ETA 34 s".
    public static func line(done: Int, failed: Int, total: Int, elapsed: Double) -> String {
        let finished = done + failed
        let left = max(0, total - finished)
        let rate = elapsed > 0 ? Double(finished) / elapsed : 0
        let eta = rate > 0 ? String(format: "ETA %.0f s", Double(left) / rate) : "ETA --"
        return String(format: "batch %d done · %d failed · %d left · %.2f jobs/s · %@", done, failed, left, rate, eta)
    }

    private func draw(force: Bool) {
        guard enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        let text = BatchProgress.line(done: done, failed: failed, total: total, elapsed: now.timeIntervalSince(start))
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }
}
