/// The time a stage decides by, injected as one value: the clock it sleeps on and measures
/// intervals with, and the wall time (milliseconds since the epoch) it stamps readings and
/// aligns polls and aggregate windows to.
///
/// Both come from the same source, so they cannot disagree: in the daemon they are
/// `ContinuousClock` and `WallClock` (`system`); in tests one simulated time line drives both
/// (VigieTestKit's `FastForwardClock.gatewayClock`), so an hour of polling, a window closing
/// or a backoff sequence runs without waiting. Its `Instant` counts from the clock's creation;
/// compare instants of one `GatewayClock` only.
public struct GatewayClock: Clock {
    /// A point on this clock's time line: the time elapsed since the clock was made.
    public struct Instant: InstantProtocol, Sendable {
        public var sinceStart: Duration

        public init(sinceStart: Duration) { self.sinceStart = sinceStart }

        public func advanced(by duration: Duration) -> Instant { Instant(sinceStart: sinceStart + duration) }
        public func duration(to other: Instant) -> Duration { other.sinceStart - sinceStart }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.sinceStart < rhs.sinceStart }
        public static func + (lhs: Instant, rhs: Duration) -> Instant { lhs.advanced(by: rhs) }
    }

    /// Milliseconds since the Unix epoch, UTC, on this clock's time line.
    public let wallMilliseconds: @Sendable () -> Int64
    public let minimumResolution: Duration
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (_ until: Duration, _ tolerance: Duration?) async throws -> Void

    /// Sleeps and measures on `clock`, reads wall time from `wallMilliseconds`.
    public init<C: Clock>(_ clock: C, wallMilliseconds: @escaping @Sendable () -> Int64) where C.Duration == Duration {
        let origin = clock.now
        self.wallMilliseconds = wallMilliseconds
        minimumResolution = clock.minimumResolution
        elapsed = { origin.duration(to: clock.now) }
        sleeper = { until, tolerance in try await clock.sleep(until: origin.advanced(by: until), tolerance: tolerance) }
    }

    /// The daemon's time: `ContinuousClock` and the system's wall clock.
    public static let system = GatewayClock(ContinuousClock(), wallMilliseconds: WallClock.nowMilliseconds)

    public var now: Instant { Instant(sinceStart: elapsed()) }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleeper(deadline.sinceStart, tolerance)
    }
}
