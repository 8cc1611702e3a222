#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import VigieCore

extension ClockStatus {
    /// Checks the clock is plausible (`WallClock.earliestPlausibleTime`), and synchronised when
    /// systemd-timesyncd says so (`/run/systemd/timesync/synchronized`); unknown (nil) under
    /// another NTP client. (`adjtimex` would tell for any client but its header does not import
    /// into Swift's Glibc module.)
    public static func current() -> ClockStatus {
        let timesyncd = access("/run/systemd/timesync", F_OK) == 0
        let synchronized: Bool? = timesyncd ? access("/run/systemd/timesync/synchronized", F_OK) == 0 : nil
        return ClockStatus(synchronized: synchronized,
                           plausible: WallClock.nowMilliseconds() >= WallClock.earliestPlausibleTime)
    }
}
