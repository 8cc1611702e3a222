/// Judges a payload's time against the gateway's clock at the message's arrival.
///
/// A device whose clock glitches (seconds read as milliseconds, an RTC that jumps a year ahead)
/// sends a reading dated far in the future. Kept with that time it would be stored, aggregated
/// and forwarded a year ahead, and the detector would see the readings after it as coming
/// before their sensor's newest one. A payload time later than the arrival by more than the subscription's `max_time_ahead`
/// is therefore a fault of the device's clock: the reading keeps its value, is dated by its
/// arrival and marked `uncertain` (the quality DESIGN.md gives a reading whose time is in
/// doubt); nothing is dropped. The gateway's own clock is trusted for this only when it is
/// plausible (`WallClock.earliestPlausibleTime`): a gateway still at 1970 would find every
/// payload ahead, and there the devices know the time better.
public struct PayloadClock: Sendable, Equatable {
    /// Milliseconds a payload's time may be ahead of its arrival; nil: any.
    public let limit: Int64?

    public init(maxTimeAhead: Duration?) {
        limit = maxTimeAhead?.milliseconds
    }

    /// True when `time`, read from a payload that arrived at `receivedAt`, is too far ahead to be believed.
    public func isStampedAhead(_ time: Int64, receivedAt: Int64) -> Bool {
        guard let limit, receivedAt >= WallClock.earliestPlausibleTime else { return false }
        return time > receivedAt &+ limit
    }
}

/// The readings of one message whose payload time was too far ahead (`PayloadClock`): what to
/// tell the operator about the device's clock.
public struct StampedAheadPayload: Sendable, Equatable {
    /// The first such reading's sensor.
    public var sensor: SensorID
    /// The time its payload gave, milliseconds since the epoch.
    public var payloadTime: Int64
    /// The arrival time it was dated by instead.
    public var receivedAt: Int64
    /// How many of the message's readings were dated by their arrival.
    public var readings: Int
}
