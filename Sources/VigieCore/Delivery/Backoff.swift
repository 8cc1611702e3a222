/// Capped exponential backoff with jitter: the one backoff of vigie, for the MQTT client's
/// reconnections (source and sink) and the HTTP and hub sinks' retries.
///
/// The ceiling of attempt `k` (counted from 0) is `min(maximum, initial × multiplier^k)`; the
/// delay is drawn uniformly in `(ceiling × (1 − jitter), ceiling]`, so gateways that lost the
/// hub together do not all come back in the same second. Worked numbers with the defaults
/// (1 s, ×2, 60 s, 20 % jitter): 0.8–1 s, 1.6–2 s, 3.2–4 s, 6.4–8 s, 12.8–16 s, 25.6–32 s,
/// then 48–60 s for every later attempt, until `reset()` after a success. MQTT reconnections use
/// `Configuration.reconnect` (50 % jitter: gateways restarted together by a power cut spread
/// their reconnections wider): 0.5–1 s, 1–2 s, ... 30–60 s.
public struct Backoff: Sendable {
    /// The shape of the delays.
    public struct Configuration: Hashable, Sendable {
        public var initial: Duration
        public var maximum: Duration
        public var multiplier: Double
        /// Fraction of the ceiling the delay may be shortened by, 0...1.
        public var jitter: Double

        public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(60),
                    multiplier: Double = 2, jitter: Double = 0.2) {
            self.initial = initial
            self.maximum = maximum
            self.multiplier = multiplier
            self.jitter = jitter
        }

        /// The MQTT client's reconnection delays: 1 s to 60 s, 50 % jitter.
        public static let reconnect = Configuration(jitter: 0.5)
    }

    public let configuration: Configuration
    /// Failures since the last success.
    public private(set) var attempt = 0

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The longest delay of `attempt` (no jitter).
    public func ceiling(attempt: Int) -> Duration {
        let maximum = Double(Swift.max(0, configuration.maximum.milliseconds))
        var delay = Double(Swift.max(0, configuration.initial.milliseconds))
        var step = 0
        while step < attempt, delay < maximum {
            delay *= Swift.max(1, configuration.multiplier)
            step += 1
        }
        return .milliseconds(Int64(Swift.min(delay, maximum)))
    }

    /// The delay before the next try, drawn with `random`, and counts the attempt.
    public mutating func next(using random: inout some RandomNumberGenerator) -> Duration {
        let ceiling = Double(ceiling(attempt: attempt).milliseconds)
        attempt += 1
        let jitter = Swift.min(1, Swift.max(0, configuration.jitter))
        let fraction = Double.random(in: 0..<1, using: &random)
        return .milliseconds(Int64((ceiling * (1 - jitter * fraction)).rounded(.up)))
    }

    /// The delay before the next try, with the system's random source.
    public mutating func next() -> Duration {
        var random = SystemRandomNumberGenerator()
        return next(using: &random)
    }

    /// After a success: the next failure waits `initial` again.
    public mutating func reset() {
        attempt = 0
    }
}
