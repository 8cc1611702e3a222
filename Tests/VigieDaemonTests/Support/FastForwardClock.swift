import Synchronization

/// Simulated wall time in milliseconds, shared by a `FastForwardClock`, the simulator's point
/// values and the source's reading timestamps.
final class SimulatedTime: Sendable {
    private let milliseconds: Mutex<Int64>

    init(_ start: Int64) { milliseconds = Mutex(start) }

    var now: Int64 { milliseconds.withLock { $0 } }

    func advance(to time: Int64) { milliseconds.withLock { $0 = max($0, time) } }
}

/// A clock whose sleep does not wait: it moves the simulated time to the deadline and returns,
/// so an hour of polling runs as fast as the requests. A sleep past `end` throws, which ends
/// the poll loops that sleep on it.
struct FastForwardClock: Clock {
    struct Instant: InstantProtocol {
        var milliseconds: Int64
        func advanced(by duration: Duration) -> Instant {
            Instant(milliseconds: milliseconds + duration.components.seconds * 1000
                + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        func duration(to other: Instant) -> Duration { .milliseconds(other.milliseconds - milliseconds) }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }
    }

    let time: SimulatedTime
    let end: Int64

    var now: Instant { Instant(milliseconds: time.now) }
    var minimumResolution: Duration { .milliseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        guard deadline.milliseconds <= end else { throw CancellationError() }
        time.advance(to: deadline.milliseconds)
        await Task.yield()
    }
}
