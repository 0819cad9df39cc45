import Dispatch
import Foundation

// Small concurrency helpers shared by the modules that split work over the machine's cores.

/// A pointer that may cross into `concurrentPerform` workers, each writing disjoint rows.
public struct SharedPointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// A lock-protected array that worker threads fill by index.
public final class SlotArray<T>: @unchecked Sendable {
    private var items: [T?]
    private let lock = NSLock()
    public init(count: Int) { items = Array(repeating: nil, count: count) }
    public subscript(i: Int) -> T? {
        get { lock.lock(); defer { lock.unlock() }; return items[i] }
        set { lock.lock(); items[i] = newValue; lock.unlock() }
    }
    public var all: [T?] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Runs `body(i)` for i in 0..<count on the machine's cores.
public func parallelFor(_ count: Int, _ body: @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
}
