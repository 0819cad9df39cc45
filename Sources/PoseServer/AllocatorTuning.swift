import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a long-running server's resident memory flat under glibc's allocator.
///
/// Why: each query decodes a frame and extracts features into buffers of megabytes (a
/// 1024×768 gray frame, its scale-space pyramid, descriptors) from whichever worker thread
/// runs it. glibc gives each thread an arena of its own (up to 8 per core) and raises its
/// mmap threshold dynamically up to 32 MB once a large block is freed, so these buffers move
/// from `mmap` (returned to the system on free) into the arenas' heaps, where freed memory is
/// kept and fragments: resident memory then climbs with every new arena and pattern of
/// sizes although nothing leaks.
///
/// `apply()` bounds the arenas (so the memory kept is at most `maxArenas` queries' working
/// sets), and `releaseFreeMemory()` (`malloc_trim`) hands freed heap pages back; the server
/// calls it when the last query in flight ends (idle), so a busy server keeps reusing warm
/// memory and a quiet one returns to its baseline. Fixing the mmap threshold instead
/// (`mmapThresholdBytes`) also flattens RSS but maps and faults in every large buffer afresh:
/// measured +67 % CPU per 2048×1536 query, so it is off by default. No-ops where glibc's
/// `mallopt`/`malloc_trim` are absent.
public struct AllocatorTuning: Sendable, Equatable {
    /// Largest number of malloc arenas; 0 leaves glibc's default (8 per core).
    public var maxArenas: Int = 2
    /// Blocks this large or larger are served by mmap; 0 (default) leaves glibc's dynamic
    /// threshold (cheaper: see above).
    public var mmapThresholdBytes: Int = 0
    /// Trim freed heap memory back to the system when no query is in flight.
    public var trimWhenIdle: Bool = true

    public init() {}

    /// glibc's defaults: no tuning at all (for comparison runs).
    public static let glibcDefaults: AllocatorTuning = {
        var t = AllocatorTuning()
        t.maxArenas = 0; t.mmapThresholdBytes = 0; t.trimWhenIdle = false
        return t
    }()

    /// Applies the settings to the process's allocator (call once, at start).
    /// - Returns: whether glibc's `mallopt` was found and accepted each setting.
    @discardableResult
    public func apply() -> Bool {
        guard let mallopt = Self.mallopt else { return false }
        var ok = true
        // M_ARENA_MAX = -8, M_MMAP_THRESHOLD = -3 (malloc.h).
        if maxArenas > 0 { ok = mallopt(-8, Int32(clamping: maxArenas)) == 1 && ok }
        if mmapThresholdBytes > 0 { ok = mallopt(-3, Int32(clamping: mmapThresholdBytes)) == 1 && ok }
        AllocatorTuning.trimEnabled.withLock { $0 = trimWhenIdle }
        return ok
    }

    /// Returns freed heap memory to the system when `trimWhenIdle` is set.
    public static func releaseFreeMemory() {
        guard trimEnabled.withLock({ $0 }), let trim = mallocTrim else { return }
        _ = trim(0)
    }

    private static let trimEnabled = LockedValue(false)

    private typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
    private typealias TrimFunction = @convention(c) (Int) -> Int32

    private static let mallopt: MalloptFunction? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: MalloptFunction.self)
    }()

    private static let mallocTrim: TrimFunction? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: TrimFunction.self)
    }()
}

/// A value behind a lock.
final class LockedValue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) -> R) -> R { lock.lock(); defer { lock.unlock() }; return body(&value) }
}
