/// One anomaly of one sensor, from its first alarm to its close: what the outbox carries.
public struct AnomalyEvent: Hashable, Sendable {
    public var sensor: SensorID
    /// Time (ms since the epoch) of the reading that opened the event.
    public var start: Int64
    /// Time of the last reading over the threshold; the end of the event once it is closed.
    public var lastAlarm: Int64
    /// The highest score (severity) seen, and the reading it was seen on.
    public var peakScore: Double
    public var peakTime: Int64
    public var value: Double
    /// The range the detector expected at the peak (NaN when it had learned none).
    public var expectedLow: Double
    public var expectedHigh: Double
    /// Every reason seen during the event.
    public var reasons: AnomalyReasons
    /// The other sensors of the device that moved with it (`DeviceIncidentTracker`), sorted.
    public var context: [SensorID] = []

    public init(sensor: SensorID, start: Int64, score: AnomalyScore, value: Double) {
        self.sensor = sensor
        self.start = start
        lastAlarm = start
        peakScore = score.severity
        peakTime = start
        self.value = value
        expectedLow = score.expectedLow
        expectedHigh = score.expectedHigh
        reasons = score.reasons
    }
}

extension AnomalyEvent {
    /// The event a published message describes (its latest step), to resume it after a restart:
    /// `lastAlarm` and `peakTime` are the message's time, its score the peak.
    public init(resuming message: AnomalyEventMessage) {
        sensor = message.sensor
        start = message.start
        lastAlarm = message.end ?? message.time
        peakScore = message.peakScore
        peakTime = message.time
        value = message.value ?? .nan
        expectedLow = message.expectedLow ?? .nan
        expectedHigh = message.expectedHigh ?? .nan
        reasons = AnomalyReasons(names: message.reasons)
        context = message.context.compactMap(SensorID.init)
    }
}

/// What the pipeline must write to the outbox after a reading.
public enum AnomalyEventAction: Hashable, Sendable {
    /// A new event: publish it.
    case open(AnomalyEvent)
    /// The open event grew (higher peak or a new reason): publish the new state.
    case update(AnomalyEvent)
    /// The event is over: scores stayed low for the quiet period.
    case close(AnomalyEvent)
}
