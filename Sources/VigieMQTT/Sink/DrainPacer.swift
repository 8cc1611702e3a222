/// Spaces publishes so a backlog drains at most `rate` messages per second.
///
/// A token bucket holding up to a tenth of a second of tokens: at 10,000 msg/s, bursts of
/// 1,000, then one message every 100 µs on average. `rate` 0 means no limit.
struct DrainPacer {
    private let rate: Int
    private let capacity: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant
    private let clock = ContinuousClock()

    init(rate: Int) {
        self.rate = max(0, rate)
        capacity = max(1, Double(self.rate) / 10)
        tokens = capacity
        last = clock.now
    }

    /// Takes one token, sleeping until one is available.
    /// Short of tokens it sleeps at least 5 ms (a sleep costs more than one publish), then
    /// continues with the tokens earned meanwhile.
    mutating func next() async throws {
        guard rate > 0 else { return }
        refill()
        if tokens < 1 {
            let missing = (1 - tokens) / Double(rate)
            try await Task.sleep(for: .seconds(max(missing, 0.005)))
            refill()
        }
        tokens -= 1
    }

    private mutating func refill() {
        let now = clock.now
        let elapsed = now - last
        last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(capacity, tokens + seconds * Double(rate))
    }
}
