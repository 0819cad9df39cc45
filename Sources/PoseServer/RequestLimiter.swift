import Foundation
import Hummingbird

/// A bounded queue in front of the CPU-bound localize work: at most `maxConcurrent`
/// queries run, at most `maxQueued` wait; the rest are refused at once (the route answers
/// 503 with Retry-After) rather than piling up latency.
actor RequestLimiter {
    let maxConcurrent: Int
    let maxQueued: Int
    private(set) var running = 0 { didSet { publish() } }
    private var waiters: [CheckedContinuation<Void, Never>] = [] { didSet { publish() } }
    /// In flight and queued, readable without awaiting (for /metrics).
    nonisolated let snapshot = DepthBox()

    init(maxConcurrent: Int, maxQueued: Int) {
        self.maxConcurrent = maxConcurrent; self.maxQueued = maxQueued
    }

    /// Takes a slot, waiting in line if needed; false when the line is full.
    func acquire() async -> Bool {
        if running < maxConcurrent { running += 1; return true }
        guard waiters.count < maxQueued else { return false }
        await withCheckedContinuation { waiters.append($0) }
        return true
    }

    /// Hands the slot to the next waiter or frees it. When the last query ends, freed heap
    /// memory goes back to the system (`AllocatorTuning`), off the request's path.
    func release() {
        if waiters.isEmpty { running -= 1 } else { waiters.removeFirst().resume() }
        if running == 0 && waiters.isEmpty {
            DispatchQueue.global(qos: .utility).async { AllocatorTuning.releaseFreeMemory() }
        }
    }

    private func publish() { snapshot.set(running, waiters.count) }
}

/// A lock-protected copy of the limiter's depth.
final class DepthBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = (inFlight: 0, queued: 0)
    func set(_ inFlight: Int, _ queued: Int) { lock.withLock { value = (inFlight, queued) } }
    var depth: (inFlight: Int, queued: Int) { lock.withLock { value } }
}

/// Deadline timers run on their own serial queue: it may start a thread of its own, so a
/// timer fires on time even when every worker of the (non-overcommitting) global queue is
/// busy with queries, which on a 2-core machine takes just two.
private let deadlineQueue = DispatchQueue(label: "landmark.pose-server.deadlines")

/// Runs CPU-bound `work` on a dispatch queue (off Swift's cooperative pool, so the server's
/// own tasks stay responsive) and returns its value, or throws `DeadlineExceeded` when
/// `seconds` pass first. The work itself is not interrupted; its result is then dropped.
/// `onFinish` runs when the work has really finished (after the deadline too), so a slot
/// released there bounds the CPU work in progress, not just the requests waiting for it.
func runWithDeadline<T: Sendable>(seconds: Double, onFinish: (@Sendable () -> Void)? = nil,
                                  _ work: @escaping @Sendable () throws -> T) async throws -> T {
    let once = Once()
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        DispatchQueue.global(qos: .userInitiated).async {
            let result = Result { try work() }
            onFinish?()
            if once.claim() { continuation.resume(with: result) }
        }
        deadlineQueue.asyncAfter(deadline: .now() + seconds) {
            if once.claim() { continuation.resume(throwing: DeadlineExceeded(seconds: seconds)) }
        }
    }
}

extension RequestLimiter {
    /// Runs CPU-bound `work` in one of the limiter's slots: 503 with Retry-After when the
    /// line is full or when the deadline passes. The slot is held until the work really
    /// ends, so a query past its deadline still counts against the concurrency bound.
    func runInSlot<T: Sendable>(deadlineSeconds: Double, retryAfterSeconds: Int,
                                _ work: @escaping @Sendable () throws -> T) async throws -> T {
        guard await acquire() else {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "\(retryAfterSeconds)"],
                            message: "too many queries in flight; retry after \(retryAfterSeconds) s")
        }
        do {
            return try await runWithDeadline(seconds: deadlineSeconds, onFinish: { Task { await self.release() } }, work)
        } catch let error as DeadlineExceeded {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "\(retryAfterSeconds)"], message: error.description)
        }
    }
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "the query took longer than the deadline of \(seconds) s" }
}

/// A flag that exactly one caller can claim.
private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func claim() -> Bool { lock.lock(); defer { lock.unlock() }; if done { return false }; done = true; return true }
}
