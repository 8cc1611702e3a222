/// Lets one log line of a kind through per interval (a minute by default) and counts the rest.
struct LogLineLimiter<C: Clock>: Sendable where C.Instant: Sendable {
    let interval: C.Duration
    private var lastLogged: C.Instant?
    private var suppressed = 0

    init(interval: C.Duration) {
        self.interval = interval
    }

    /// Nil when this line must stay quiet; else how many were suppressed since the last line.
    mutating func admit(at now: C.Instant) -> Int? {
        if let lastLogged, lastLogged.duration(to: now) < interval {
            suppressed += 1
            return nil
        }
        lastLogged = now
        defer { suppressed = 0 }
        return suppressed
    }
}
