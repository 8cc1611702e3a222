/// When polls are due: aligned to their interval, and backed off while a device fails.
///
/// Alignment keeps series regular: a 10 s poll runs at :00, :10, :20... of the wall clock, not
/// 10 s after whenever the daemon started. A device that times out is retried after
/// `interval × 2^(failures-1)`, capped: with a 10 s poll and the default 5 min cap, retries
/// come 10 s, 20 s, 40 s, 80 s, 160 s, then every 300 s, so a dead meter costs one timeout per
/// retry instead of one per poll; the first good reply restores the normal interval.
public struct PollTiming: Sendable, Equatable {
    /// The longest wait between two attempts at a failing device.
    public var maxBackoff: Duration

    public init(maxBackoff: Duration = .seconds(300)) {
        self.maxBackoff = maxBackoff
    }

    /// The first multiple of `interval` strictly after `now` (milliseconds since the epoch).
    public static func nextAligned(after now: Int64, interval: Duration) -> Int64 {
        let step = max(1, interval.milliseconds)
        let (quotient, _) = now.quotientAndRemainder(dividingBy: step)
        let floor = now >= 0 ? quotient * step : (quotient - 1) * step
        return floor + step
    }

    /// How long after a failure the device is tried again, after `failures` consecutive failures.
    public func backoff(interval: Duration, failures: Int) -> Duration {
        guard failures > 0 else { return interval }
        let base = max(1, interval.milliseconds)
        let cap = max(base, maxBackoff.milliseconds)
        let exponent = min(failures - 1, 30)
        let (delay, overflow) = base.multipliedReportingOverflow(by: Int64(1) << Int64(exponent))
        return .milliseconds(overflow ? cap : min(delay, cap))
    }
}
