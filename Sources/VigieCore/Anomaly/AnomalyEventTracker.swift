/// Turns per-reading scores into anomaly events, per sensor: a pure state machine.
///
/// A reading whose `score` reaches the threshold opens an event (when none is open for that
/// sensor). While it is open, readings whose `severity` reaches the threshold are merged into
/// it: an `update` is returned only when a new reason appears or the peak has risen by
/// `updateStep` (0.05) since the last message, so a stuck sensor, whose severity creeps up at
/// every poll, yields one event and a few updates, not one message per poll. The event closes after `quietReadings`
/// readings in a row below half the threshold (e.g. 10 readings: 100 s at a 10 s poll).
public struct AnomalyEventTracker: Sendable {
    public let threshold: Double
    public let quietReadings: Int
    private var open: [SensorID: (event: AnomalyEvent, quiet: Int, published: Double)] = [:]
    /// How much the peak must rise over the last published one to be worth an update.
    public static let updateStep = 0.05

    public init(threshold: Double, quietReadings: Int = 10) {
        self.threshold = threshold
        self.quietReadings = max(1, quietReadings)
    }

    /// The tracker for a sensitivity's threshold.
    public init(sensitivity: Sensitivity, quietReadings: Int = 10) {
        self.init(threshold: sensitivity.threshold, quietReadings: quietReadings)
    }

    /// The events currently open, by sensor.
    public var openEvents: [SensorID: AnomalyEvent] { open.mapValues(\.event) }

    /// Adds `other` to the context of the event open for `sensor`; the event, when `other` is new to it.
    mutating func addContext(_ other: SensorID, to sensor: SensorID) -> AnomalyEvent? {
        guard var state = open[sensor], !state.event.context.contains(other) else { return nil }
        state.event.context.insert(other, at: state.event.context.firstIndex { $0 > other } ?? state.event.context.endIndex)
        open[sensor] = state
        return state.event
    }

    /// Takes an event the previous run left open (after a restart) as open again: its sensor's
    /// readings update or close it, with its own start, instead of opening another.
    mutating func resume(_ event: AnomalyEvent) {
        open[event.sensor] = (event, 0, event.peakScore)
    }

    /// Accounts for one scored reading; returns what to publish, if anything.
    public mutating func observe(_ reading: Reading, _ score: AnomalyScore) -> AnomalyEventAction? {
        guard var state = open[reading.sensor] else {
            guard score.score >= threshold else { return nil }
            let event = AnomalyEvent(sensor: reading.sensor, start: reading.time, score: score, value: reading.value)
            open[reading.sensor] = (event, 0, event.peakScore)
            return .open(event)
        }
        if score.severity >= threshold {
            state.quiet = 0
            state.event.lastAlarm = reading.time
            let newReason = !state.event.reasons.isSuperset(of: score.reasons)
            state.event.reasons.formUnion(score.reasons)
            if score.severity > state.event.peakScore {
                state.event.peakScore = score.severity
                state.event.peakTime = reading.time
                state.event.value = reading.value
                state.event.expectedLow = score.expectedLow
                state.event.expectedHigh = score.expectedHigh
            }
            let grew = newReason || state.event.peakScore >= state.published + Self.updateStep
            if grew { state.published = state.event.peakScore }
            open[reading.sensor] = state
            return grew ? .update(state.event) : nil
        }
        state.quiet = score.severity < threshold / 2 ? state.quiet + 1 : 0
        guard state.quiet >= quietReadings else {
            open[reading.sensor] = state
            return nil
        }
        open[reading.sensor] = nil
        return .close(state.event)
    }
}
