/// How long a sink waits before trying again after consecutive failures.
///
/// Capped exponential with jitter: `initial × 2^(failures−1)`, at most `maximum`, then a random
/// ±`jitter` fraction so many gateways cut off together do not return together. With the
/// defaults (1 s, 60 s, 0.2): about 1 s, 2 s, 4 s, 8 s, 16 s, 32 s, then 60 s (48–72 s).
public struct RetryPolicy: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    /// Fraction of the delay added or removed at random, 0…1.
    public var jitter: Double

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(60), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The wait after `failures` consecutive failures (1 for the first).
    public func delay(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        let base = min(initial * (1 << exponent), maximum)
        guard jitter > 0 else { return base }
        return base * Double.random(in: (1 - jitter)...(1 + jitter))
    }
}
