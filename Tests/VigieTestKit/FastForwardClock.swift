import Synchronization
import VigieCore

/// Simulated wall time in milliseconds, shared by a `FastForwardClock`, the simulator's point
/// values and the source's reading timestamps.
package final class SimulatedTime: Sendable {
    private let milliseconds: Mutex<Int64>

    package init(_ start: Int64) { milliseconds = Mutex(start) }

    package var now: Int64 { milliseconds.withLock { $0 } }

    package func advance(to time: Int64) { milliseconds.withLock { $0 = max($0, time) } }
}

/// A clock whose sleep does not wait: it moves the simulated time to the deadline and returns,
/// so an hour of polling runs as fast as the requests. A sleep past `end` throws, which ends
/// the poll loops that sleep on it.
package struct FastForwardClock: Clock {
    package struct Instant: InstantProtocol {
        package var milliseconds: Int64

        package init(milliseconds: Int64) { self.milliseconds = milliseconds }

        package func advanced(by duration: Duration) -> Instant {
            Instant(milliseconds: milliseconds + duration.components.seconds * 1000
                + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        package func duration(to other: Instant) -> Duration { .milliseconds(other.milliseconds - milliseconds) }
        package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }
    }

    package let time: SimulatedTime
    package let end: Int64

    package init(time: SimulatedTime, end: Int64) {
        self.time = time
        self.end = end
    }

    package var now: Instant { Instant(milliseconds: time.now) }

    /// This clock and its simulated wall time as the one clock a stage takes.
    package var gatewayClock: GatewayClock {
        let time = time
        return GatewayClock(self, wallMilliseconds: { time.now })
    }
    package var minimumResolution: Duration { .milliseconds(1) }

    package func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        guard deadline.milliseconds <= end else { throw CancellationError() }
        time.advance(to: deadline.milliseconds)
        await Task.yield()
    }
}
