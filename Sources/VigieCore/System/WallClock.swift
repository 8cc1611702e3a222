import Glibc

/// The system's wall clock, for dating readings that arrive without a time.
public enum WallClock {
    /// 2025-01-01T00:00:00Z: a wall clock before this is certainly wrong (no RTC, no NTP yet).
    public static let earliestPlausibleTime: Int64 = 1_735_689_600_000

    /// Milliseconds since the Unix epoch, UTC.
    @Sendable public static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
