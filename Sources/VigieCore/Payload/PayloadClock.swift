/// Judges a payload's time against the gateway's clock at the message's arrival.
///
/// A device's clock can be wrong in two ways that the gateway sees at once:
/// - it glitched ahead (seconds read as milliseconds, an RTC that jumps a year): kept, the reading
///   would be stored, aggregated and forwarded a year ahead, and the detector would see the
///   readings after it as coming before their sensor's newest one. A payload time later than the
///   arrival by more than the subscription's `max_time_ahead` is a fault (`Fault.ahead`);
/// - it was never set (no battery, no NTP: 1970, or an RTC's 2000-01-01): kept, the reading would
///   fall in an aggregation window closed decades ago and be deleted by the next retention pass,
///   so the hub would never see it. A payload time before `WallClock.earliestPlausibleTime` is a
///   fault (`Fault.unset`).
///
/// Either way the reading keeps its value, is dated by its arrival and marked `uncertain` (the
/// quality DESIGN.md gives a reading whose time is in doubt); nothing is dropped. `max_time_ahead:
/// off` believes every payload time (a forecast feed, a replay of old data). The gateway's own
/// clock is trusted for this only when it is plausible: a gateway still at 1970 would find every
/// payload ahead, and there the devices know the time better.
public struct PayloadClock: Sendable, Equatable {
    /// What is wrong with a payload's time.
    public enum Fault: Sendable, Equatable {
        /// Later than its arrival by more than the limit.
        case ahead
        /// Before `WallClock.earliestPlausibleTime`: the device's clock was never set.
        case unset
    }

    /// Milliseconds a payload's time may be ahead of its arrival; nil: every payload time is believed.
    public let limit: Int64?

    public init(maxTimeAhead: Duration?) {
        limit = maxTimeAhead?.milliseconds
    }

    /// What is wrong with `time`, read from a payload that arrived at `receivedAt`; nil when it can be believed.
    public func fault(of time: Int64, receivedAt: Int64) -> Fault? {
        guard let limit, receivedAt >= WallClock.earliestPlausibleTime else { return nil }
        if time > receivedAt &+ limit { return .ahead }
        if time < WallClock.earliestPlausibleTime { return .unset }
        return nil
    }
}

/// The readings of one message whose payload time had the same fault (`PayloadClock`), dated by
/// their arrival instead: what to tell the operator about the device's clock.
public struct MisdatedPayload: Sendable, Equatable {
    public var fault: PayloadClock.Fault
    /// The first such reading's sensor.
    public var sensor: SensorID
    /// The time its payload gave, milliseconds since the epoch.
    public var payloadTime: Int64
    /// The arrival time it was dated by instead.
    public var receivedAt: Int64
    /// How many of the message's readings were dated by their arrival for this fault.
    public var readings: Int
}
