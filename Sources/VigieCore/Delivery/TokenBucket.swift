/// Limits how fast a sink drains its backlog after an outage, so the hub is not flooded.
///
/// Holds up to `burst` tokens, refilled at `rate` per second; sending a message takes one.
/// Time comes from the caller (`now`, any `InstantProtocol`), so tests drive it by hand.
/// Worked numbers: rate 1000/s, burst 100: after an outage the first 100 messages go at once,
/// then one per millisecond: a backlog of 60,000 drains in about a minute.
public struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Swift.Duration, Instant: Sendable {
    /// Tokens per second; 0 means no limit.
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var updated: Instant

    /// A full bucket at `now`. `rate` 0 (or less) disables the limit.
    public init(rate: Int, burst: Int, now: Instant) {
        self.rate = Double(Swift.max(0, rate))
        self.burst = Double(Swift.max(1, burst))
        self.tokens = self.burst
        self.updated = now
    }

    /// Takes `count` tokens if available at `now`; false (nothing taken) otherwise. A `count`
    /// above `burst` never succeeds: take messages one by one.
    public mutating func tryTake(_ count: Int = 1, now: Instant) -> Bool {
        guard rate > 0 else { return true }
        refill(now: now)
        guard tokens >= Double(count) else { return false }
        tokens -= Double(count)
        return true
    }

    /// How long from `now` until `count` tokens are available (zero when they already are).
    /// A count above `burst` is never fully available at once: the wait for `burst` is returned.
    public mutating func waitTime(for count: Int = 1, now: Instant) -> Duration {
        guard rate > 0 else { return .zero }
        refill(now: now)
        let missing = Swift.min(Double(count), burst) - tokens
        guard missing > 0 else { return .zero }
        // Capped far below Int64.max nanoseconds (~146 years), so an odd rate cannot trap.
        return .nanoseconds(Int64(Swift.min((missing / rate * 1e9).rounded(.up), 4.6e18)))
    }

    private mutating func refill(now: Instant) {
        let elapsed = updated.duration(to: now)
        guard elapsed > .zero else { return }
        let (seconds, attoseconds) = elapsed.components
        let elapsedSeconds = Double(seconds) + Double(attoseconds) / 1e18
        tokens = Swift.min(burst, tokens + elapsedSeconds * rate)
        updated = now
    }
}
