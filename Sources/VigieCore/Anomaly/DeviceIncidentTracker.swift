/// Turns the per-sensor scores of one device's sensors into the device's incidents: one event
/// at a time per device, opened by the sensor whose alarm starts it (the event's `sensor`), and
/// carrying as `context` the device's other sensors that moved with it.
///
/// A pump or a meter is one device with several sensors; a fault moves several of them at once
/// and is one incident, while noise on one sensor is not an incident at all. So:
/// * a data-quality alarm (stuck, out of range, gap, device error) opens an incident alone, and
///   so does any alarm of a device with one sensor (then events are exactly the per-sensor ones);
/// * a statistical alarm opens one only when `corroboration.sensors` other sensors of the device
///   are surprising (`corroboration.nats`) within their last `corroboration.window` readings; an
///   alarm not yet corroborated waits that many of its sensor's readings for them;
/// * while an incident is open, the other sensors' readings over the threshold join it as
///   context (an `update` when a sensor joins) instead of opening their own events; its life
///   (updates, close) follows the sensor that opened it (`AnomalyEventTracker`).
///
/// State: one counter per sensor and one waiting alarm per device. Pure, causal, deterministic.
public struct DeviceIncidentTracker: Sendable {
    public let corroboration: DeviceCorroboration
    private var events: AnomalyEventTracker
    /// Each sensor's readings since its last surprising one (`Int.max`: none yet).
    private var sinceSurprise: [SensorID: Int] = [:]
    /// How many sensors had a surprising reading within their last `window` readings.
    private var surprising = 0
    /// The sensor whose alarm opened the incident that is open.
    public private(set) var primary: SensorID?
    /// A statistical alarm waiting for corroboration, and its sensor's readings left to wait.
    private var waiting: (reading: Reading, score: AnomalyScore, left: Int)?

    public init(sensitivity: Sensitivity, corroboration: DeviceCorroboration = .init(), quietReadings: Int = 10) {
        events = AnomalyEventTracker(sensitivity: sensitivity, quietReadings: quietReadings)
        self.corroboration = corroboration
    }

    /// The event open on this device, if any.
    public var openEvent: AnomalyEvent? { primary.flatMap { events.openEvents[$0] } }

    /// Accounts for one scored reading of one of the device's sensors; returns what to publish.
    public mutating func observe(_ reading: Reading, _ score: AnomalyScore) -> AnomalyEventAction? {
        let isSurprising = note(reading.sensor, severity: score.severity)
        if let primary {
            if primary == reading.sensor {
                let action = events.observe(reading, score)
                if case .close = action { self.primary = nil }
                return action
            }
            guard score.severity >= events.threshold else { return nil }
            return events.addContext(reading.sensor, to: primary).map { .update($0) }
        }
        if score.score >= events.threshold {
            if isCorroborated(reading.sensor, isSurprising: isSurprising, reasons: score.reasons) {
                return open(reading, score)
            }
            waiting = (reading, score, corroboration.window)
            return nil
        }
        guard let pending = waiting else { return nil }
        if pending.reading.sensor == reading.sensor {
            waiting = pending.left > 1 ? (pending.reading, pending.score, pending.left - 1) : nil
            return nil
        }
        let pendingSurprising = (sinceSurprise[pending.reading.sensor] ?? .max) <= corroboration.window
        guard surprising - (pendingSurprising ? 1 : 0) >= corroboration.sensors else { return nil }
        return open(pending.reading, pending.score)
    }

    /// Counts the reading in its sensor's recent surprises; whether the sensor is surprising now.
    private mutating func note(_ sensor: SensorID, severity: Double) -> Bool {
        let before = sinceSurprise[sensor] ?? .max
        let after = Surprise.nats(score: severity) >= corroboration.nats ? 0 : (before == .max ? .max : before + 1)
        sinceSurprise[sensor] = after
        let was = before <= corroboration.window, now = after <= corroboration.window
        surprising += (now ? 1 : 0) - (was ? 1 : 0)
        return now
    }

    private func isCorroborated(_ sensor: SensorID, isSurprising: Bool, reasons: AnomalyReasons) -> Bool {
        sinceSurprise.count == 1 || !reasons.isDisjoint(with: Verdict.quality)
            || surprising - (isSurprising ? 1 : 0) >= corroboration.sensors
    }

    /// Opens the device's incident on `reading`'s alarm, with the sensors surprising beside it as context.
    private mutating func open(_ reading: Reading, _ score: AnomalyScore) -> AnomalyEventAction? {
        waiting = nil
        guard case .open(var event) = events.observe(reading, score) else { return nil }
        primary = reading.sensor
        for (sensor, since) in sinceSurprise where sensor != reading.sensor && since <= corroboration.window {
            event = events.addContext(sensor, to: reading.sensor) ?? event
        }
        return .open(event)
    }
}
