import Synchronization

/// Tells whether the pipeline still moves: the writer calls `beat()` after each commit, and also
/// when it is idle but healthy (nothing queued); `isFresh()` is false once no beat came for `staleAfter`.
///
/// The watchdog asks it before each ping, so a writer stuck inside SQLite stops the pings.
/// Starts fresh: the first `staleAfter` after creation counts as progress.
public final class ProgressHeartbeat: Sendable {
    private let staleAfter: Duration
    private let lastBeat: Mutex<ContinuousClock.Instant>

    /// - Parameter staleAfter: how long without a beat means stalled; longer than a batch interval
    ///   plus the slowest expected commit (e.g. 30 s for batches of 500 ms).
    public init(staleAfter: Duration, now: ContinuousClock.Instant = .now) {
        self.staleAfter = staleAfter
        self.lastBeat = Mutex(now)
    }

    /// Records a sign of life.
    public func beat(at now: ContinuousClock.Instant = .now) {
        lastBeat.withLock { $0 = max($0, now) }
    }

    /// True when the last beat is at most `staleAfter` old.
    public func isFresh(at now: ContinuousClock.Instant = .now) -> Bool {
        lastBeat.withLock { now - $0 <= staleAfter }
    }
}
