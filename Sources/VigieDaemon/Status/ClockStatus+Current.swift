#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ClockStatus {
    /// 2025-01-01T00:00:00Z: a wall clock before this is certainly wrong (no RTC, no NTP yet).
    public static let earliestPlausibleTime: Int64 = 1_735_689_600_000

    /// Checks the clock is plausible, and synchronised when systemd-timesyncd says so
    /// (`/run/systemd/timesync/synchronized`); unknown (nil) under another NTP client.
    /// (`adjtimex` would tell for any client but its header does not import into Swift's Glibc module.)
    public static func current() -> ClockStatus {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec / 1_000_000)
        let timesyncd = access("/run/systemd/timesync", F_OK) == 0
        let synchronized: Bool? = timesyncd ? access("/run/systemd/timesync/synchronized", F_OK) == 0 : nil
        return ClockStatus(synchronized: synchronized, plausible: milliseconds >= earliestPlausibleTime)
    }
}
