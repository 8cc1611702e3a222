import Glibc

/// The system's wall clock, for dating readings that arrive without a time.
public enum WallClock {
    /// Milliseconds since the Unix epoch, UTC.
    @Sendable public static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
