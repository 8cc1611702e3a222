/// Capped exponential backoff with jitter between reconnection attempts.
///
/// The n-th consecutive failure waits `min(maximum, initial × 2^(n-1))`, shortened by a random
/// fraction up to `jitter` so that gateways restarted together (a power cut) do not reconnect in
/// step. With the defaults (1 s, 60 s, jitter 0.5), failures 1 to 8 wait:
/// 0.5–1 s, 1–2 s, 2–4 s, 4–8 s, 8–16 s, 16–32 s, 30–60 s, 30–60 s... A broker down for 10 minutes
/// is retried about 15 times, and found again at most 60 s after it is back. A successful
/// connection (CONNACK accepted) resets the sequence.
public struct ReconnectBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    /// In [0, 1]: the largest fraction of the delay removed at random.
    public var jitter: Double
    private(set) var failures = 0

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(60), jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The wait before the next attempt, counting one more failure.
    public mutating func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        failures += 1
        let initialMillis = Double(max(initial.milliseconds, 1))
        let capped = min(Double(maximum.milliseconds), initialMillis * Double(1 << min(failures - 1, 30)))
        let shortened = capped * (1 - jitter * Double.random(in: 0..<1, using: &generator))
        return .milliseconds(Int64(shortened.rounded()))
    }

    /// After a successful connection: the next failure waits `initial` again.
    public mutating func reset() { failures = 0 }
}
