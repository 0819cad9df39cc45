import Foundation

/// CPU time, for benchmarks and per-stage timings on a machine shared with other jobs
/// (where wall time overstates the cost).
public enum CPUClock {
    /// User + system CPU time of the whole process (all threads), in seconds.
    public static func processSeconds() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

    /// CPU time of the calling thread, in seconds.
    public static func threadSeconds() -> Double { seconds(CLOCK_THREAD_CPUTIME_ID) }

    private static func seconds(_ clock: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
