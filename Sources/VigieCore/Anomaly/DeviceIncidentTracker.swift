/// Turns the per-sensor scores of one device's sensors into the device's incidents: one event
/// at a time per device, opened by the sensor whose alarm starts it (the event's `sensor`), and
/// carrying as `context` the device's other sensors that moved with it.
///
/// A pump or a meter is one device with several sensors; a fault moves several of them at once
/// and is one incident, while noise on one sensor is not an incident at all. So:
/// * a data-quality alarm (stuck, out of range, gap, device error) opens an incident alone, and
///   so does any alarm of a device with one sensor (then events are exactly the per-sensor ones),
///   and an extreme spike of a sensor read so seldom that its shift is no evidence (`standsAlone`);
/// * the device has evidence of its own: each sensor's short-term mean against its slow baseline
///   (`MeanShift`), frozen for a while when a large shift starts (but for the sensors whose own
///   shift stays small: they are not part of the fault), and remembered when an incident opens
///   so that the fault's recovery, a return to that state, is neither a shift nor an alarm
///   (`MeanShift.isRecovery`): it opens nothing and corroborates nothing. A shift whose surprise reaches the
///   threshold opens an incident on that sensor's reading (reason `unusual_behaviour`) and keeps
///   it open while it lasts, though no single reading is unusual;
/// * a sensor's statistical alarm opens one only when corroborated: by a shift of
///   `corroboration.shiftCorroboration` nats of any sensor of the device within its last
///   `corroboration.window` readings each; and, for a sensor whose shift is not scored (warming
///   up, not steady, or read so seldom that its baseline spans more than
///   `corroboration.shiftSpan`), also by `corroboration.sensors` other such sensors (all the
///   others, on a device with fewer) surprising (`corroboration.nats`) within their last
///   `corroboration.window` readings: a steady sensor speaks through its shift, and its surprise
///   while its mean has not moved is noise. An alarm not yet corroborated waits
///   `corroboration.window` of its sensor's readings;
/// * while an incident is open, the other sensors' readings over the threshold join it as
///   context (an `update` when a sensor joins) instead of opening their own events; its life
///   (updates, close) follows the sensor that opened it (`AnomalyEventTracker`).
///
/// State: per sensor a counter, a `MeanShift` and flags (128 bytes); per device one waiting alarm.
/// Pure, causal, deterministic.
public struct DeviceIncidentTracker: Sendable {
    public let corroboration: DeviceCorroboration
    private var events: AnomalyEventTracker
    private var sensors: [SensorID: SensorState] = [:]
    /// The device's readings so far, all sensors together.
    private var readings = 0
    /// The shifts learn again from this device reading on.
    private var frozenUntil = 0
    /// The device reading of the latest shift that corroborates (`Int.min`: none yet).
    private var lastShift = Int.min
    /// The sensor whose alarm opened the incident that is open.
    public private(set) var primary: SensorID?
    /// Whether the open incident was opened by a shift (its life then follows the shift).
    private var isShiftIncident = false
    /// The device reading on which the last incident closed.
    private var closedAt = 0
    /// A statistical alarm waiting for corroboration, and its sensor's readings left to wait.
    private var waiting: (reading: Reading, score: AnomalyScore, left: Int)?

    private struct SensorState {
        /// Readings since the sensor's last surprising one (`Int.max`: none yet).
        var sinceSurprise = Int.max
        var shift = MeanShift()
        /// Whether the sensor's latest shift was large enough to freeze the device's learning.
        var isShifted = false
        /// Whether the sensor's shift is scored (`MeanShift.isScored`) at its latest reading.
        var isScored = false
        /// The device reading of the sensor's latest reading without a large shift.
        var lastCalm = 0

        /// Counts a reading in the sensor's recent surprises, unless it is the recovery of the
        /// device's last incident (`MeanShift.isRecovery`); returns whether it is.
        mutating func note(_ value: Double, isSurprise: Bool) -> Bool {
            let isRecovery = shift.isRecovery(value)
            sinceSurprise = isSurprise && !isRecovery ? 0 : (sinceSurprise == .max ? .max : sinceSurprise + 1)
            return isRecovery
        }

        /// Accounts for a value in the sensor's shift: its z², and whether a shift large enough
        /// to freeze the device's learning starts on it.
        mutating func observeShift(_ value: Double, time: Int64, isFrozen: Bool, at reading: Int,
                                   _ settings: DeviceCorroboration) -> (squared: Double, starts: Bool) {
            let squared = shift.observe(value, at: time, isFrozen: isFrozen, settings)
            isScored = shift.isScored(settings)
            let isLarge = squared >= settings.shiftFreeze * settings.shiftFreeze
            if !isLarge { lastCalm = reading }
            defer { isShifted = isLarge }
            return (squared, isLarge && !isShifted)
        }
    }

    /// The device layer's state for each of its sensors (beside the sensor's detector).
    static var sensorStateBytes: Int { MemoryLayout<SensorID>.size + MemoryLayout<SensorState>.size }

    public init(sensitivity: Sensitivity, corroboration: DeviceCorroboration = .init(), quietReadings: Int = 10) {
        events = AnomalyEventTracker(sensitivity: sensitivity, quietReadings: quietReadings)
        self.corroboration = corroboration
    }

    /// The event open on this device, if any.
    public var openEvent: AnomalyEvent? { primary.flatMap { events.openEvents[$0] } }

    /// Takes the incident the previous run left open on this device (after a restart) as open
    /// again: it follows its sensor's own severity (a shift, warmed up from the store, is no
    /// longer measured against the state before the fault), and closes with its own start.
    public mutating func resume(_ event: AnomalyEvent) {
        events.resume(event)
        primary = event.sensor
        isShiftIncident = false
    }

    /// Accounts for one scored reading of one of the device's sensors; returns what to publish.
    public mutating func observe(_ reading: Reading, _ perSensor: AnomalyScore) -> AnomalyEventAction? {
        let isRecovery = note(reading, severity: perSensor.severity)
        let score = sensors.count > 1 ? withShift(reading, perSensor) : perSensor
        if let primary {
            if primary == reading.sensor {
                // An incident a shift opened lasts while the shift does; one a sensor's own alarm
                // opened follows that sensor's severity, as before (a building's meter ramps
                // away from a frozen baseline after a spike: its shift would hold it open).
                let action = events.observe(reading, isShiftIncident ? score : perSensor)
                if case .close = action {
                    self.primary = nil
                    isShiftIncident = false
                    closedAt = readings
                }
                return action
            }
            guard score.severity >= events.threshold else { return nil }
            return events.addContext(reading.sensor, to: primary).map { .update($0) }
        }
        if score.score >= events.threshold {
            if isRecovery && score.reasons.isDisjoint(with: Verdict.quality) { return nil }
            if score.score > perSensor.score {
                // A shift that was there when the last incident closed is that incident's.
                guard let sensor = sensors[reading.sensor], sensor.lastCalm > closedAt else { return nil }
                isShiftIncident = true
                return open(reading, score)
            }
            if sensors.count == 1 || !score.reasons.isDisjoint(with: Verdict.quality) || standsAlone(reading.sensor, score)
                || isCorroborated(reading.sensor) {
                return open(reading, score)
            }
            waiting = (reading, score, corroboration.window)
            return nil
        }
        guard let pending = waiting else { return nil }
        if pending.reading.sensor == reading.sensor {
            waiting = pending.left > 1 ? (pending.reading, pending.score, pending.left - 1) : nil
        }
        guard isCorroborated(pending.reading.sensor) else { return nil }
        return open(pending.reading, pending.score)
    }

    /// Teaches the device's evidence a sensor's stored past readings (oldest first), as a
    /// detector warms up from them after a restart: the shift of a sensor whose history is
    /// known is scored from its first live reading, against a baseline and spread learned from
    /// that history rather than from its first minutes live. Raises nothing.
    public mutating func learn(history: [Reading]) {
        for reading in history where reading.quality == .good && SeasonalBaselineDetector.isPlausible(reading.value) {
            _ = sensors[reading.sensor, default: SensorState()].shift.observe(reading.value, at: reading.time, isFrozen: false, corroboration)
        }
    }

    /// Counts the reading in its sensor's recent surprises; returns whether it is a recovery.
    private mutating func note(_ reading: Reading, severity: Double) -> Bool {
        sensors[reading.sensor, default: SensorState()].note(reading.value, isSurprise: Surprise.nats(score: severity) >= corroboration.nats)
    }

    /// The per-sensor score with the device's evidence of a shift of this sensor's mean: its
    /// severity at least the shift's, and its score too when the shift reaches the threshold.
    private mutating func withShift(_ reading: Reading, _ score: AnomalyScore) -> AnomalyScore {
        // A value out of the physical range is the sensor's own fault, not a shift of its mean.
        guard reading.quality == .good, SeasonalBaselineDetector.isPlausible(reading.value),
              !score.reasons.contains(.outOfRange) else { return score }
        readings += 1
        let (squared, starts) = sensors[reading.sensor, default: SensorState()]
            .observeShift(reading.value, time: reading.time, isFrozen: readings < frozenUntil, at: readings, corroboration)
        // A shift freezes the device's learning when it starts, for a while: not for as long as
        // it lasts, or a sensor following a ramp (a building's morning) would never learn again.
        if starts { frozenUntil = readings + corroboration.shiftHold * sensors.count }
        let nats = corroboration.shiftGain * squared / 2
        if nats >= corroboration.shiftCorroboration { lastShift = readings }
        let severity = Surprise.score(nats: nats)
        var merged = score
        merged.severity = max(score.severity, severity)
        if severity >= events.threshold, severity > score.score {
            merged.score = severity
            merged.reasons.insert(.unusualBehaviour)
        }
        return merged
    }

    /// Whether the device corroborates a statistical alarm of `sensor`: a shift of any of its
    /// sensors within the device's last `window` readings of each sensor does; for a sensor whose
    /// shift is not scored (warming up, not steady, read seldom), so do the surprises of
    /// `corroboration.sensors` other sensors whose shifts are not scored either (the device's only
    /// other sensor, on a device of two), within their last `window` readings. A sensor whose
    /// shift is scored speaks through its shift: its surprise while its mean is where it was is
    /// noise, and corroborates nothing.
    private func isCorroborated(_ sensor: SensorID) -> Bool {

        if lastShift != .min && readings - lastShift <= corroboration.window * sensors.count { return true }
        guard sensors[sensor]?.isScored != true else { return false }
        let others = sensors.reduce(0) { count, entry in
            count + (entry.key != sensor && !entry.value.isScored && entry.value.sinceSurprise <= corroboration.window ? 1 : 0)
        }
        return others >= min(corroboration.sensors, sensors.count - 1)
    }

    /// Whether a statistical alarm of `sensor` is an incident alone: an extreme jump (a `spike`
    /// whose severity reaches the low sensitivity's threshold) of a sensor read so seldom that
    /// its shift is no evidence (`MeanShift.isReadSlowly`). Such a sensor has only its own
    /// detector, and a building meter's point that spikes alone (its power, not its current)
    /// would otherwise wait for the other points' surprises forever.
    private func standsAlone(_ sensor: SensorID, _ score: AnomalyScore) -> Bool {
        score.reasons.contains(.spike) && score.severity >= Sensitivity.low.threshold
            && sensors[sensor]?.shift.isReadSlowly(corroboration) == true
    }

    /// Opens the device's incident on `reading`'s alarm, with the sensors surprising beside it as context.
    private mutating func open(_ reading: Reading, _ score: AnomalyScore) -> AnomalyEventAction? {
        waiting = nil
        guard case .open(var event) = events.observe(reading, score) else { return nil }
        primary = reading.sensor
        for (sensor, state) in sensors where sensor != reading.sensor && state.sinceSurprise <= corroboration.window {
            event = events.addContext(sensor, to: reading.sensor) ?? event
        }
        for sensor in sensors.keys { sensors[sensor]?.shift.rememberState(corroboration) }
        return .open(event)
    }
}
