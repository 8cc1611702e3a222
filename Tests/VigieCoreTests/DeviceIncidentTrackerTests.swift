import Foundation
import Testing
@testable import VigieCore

private func sensor(_ point: String) -> SensorID { SensorID(device: "pompe", point: point) }

/// The `i`th reading of `point`, read every `seconds`.
private func reading(_ point: String, _ i: Int, _ value: Double = 1, every seconds: Int64 = 1) -> Reading {
    Reading(sensor: sensor(point), time: Int64(i) * seconds * 1_000, value: value)
}

/// A statistical alarm (a distribution change: score 0.8).
private let alarm = AnomalyScore(score: 0.8, severity: 0.8, reasons: .unusualBehaviour)
/// A reading surprising enough to corroborate (13 nats, `corroboration_nats` being 12), not an alarm itself.
private let surprising = AnomalyScore(score: 0, severity: Surprise.score(nats: 13), reasons: .unusualValue)

private func opened(_ action: AnomalyEventAction?) -> AnomalyEvent? {
    if case .open(let event)? = action { event } else { nil }
}

@Test func aFaultMovingSeveralSensorsIsOneIncidentWithTheOthersAsContext() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    var opens: [AnomalyEvent] = []
    for i in 0..<50 {
        for point in ["debit", "pression", "courant"] { _ = tracker.observe(reading(point, i), .normal) }
    }
    // The fault: pressure and current move, then the flow alarms; then the others alarm too.
    for point in ["pression", "courant"] { if let e = opened(tracker.observe(reading(point, 50), surprising)) { opens.append(e) } }
    if let e = opened(tracker.observe(reading("debit", 50, 9), alarm)) { opens.append(e) }
    for point in ["pression", "courant"] { if let e = opened(tracker.observe(reading(point, 51), alarm)) { opens.append(e) } }
    #expect(opens.count == 1)
    #expect(opens.first?.sensor == sensor("debit") && opens.first?.value == 9)
    #expect(opens.first?.context == [sensor("courant"), sensor("pression")])
    #expect(tracker.openEvent?.sensor == sensor("debit"))
}

@Test func aSingleNoisySensorOpensNoIncident() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    for i in 0..<1_000 {
        let noisy = i % 100 == 99 ? alarm : .normal
        #expect(tracker.observe(reading("vibration", i), noisy) == nil, "reading \(i)")
        #expect(tracker.observe(reading("debit", i), .normal) == nil)
        #expect(tracker.observe(reading("pression", i), .normal) == nil)
    }
    #expect(tracker.openEvent == nil)
}

@Test func anAlarmWaitsForCorroborationWithinTheWindow() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    _ = tracker.observe(reading("pression", 0), .normal)
    #expect(tracker.observe(reading("debit", 0, 9), alarm) == nil)
    #expect(tracker.observe(reading("debit", 1), .normal) == nil)
    // The pressure moves two readings later: the flow's alarm opens the incident now.
    let event = opened(tracker.observe(reading("pression", 2), surprising))
    #expect(event?.sensor == sensor("debit") && event?.start == 0 && event?.value == 9)
    #expect(event?.context == [sensor("pression")])

    // Past the window (`corroboration_window` of the alarming sensor's readings), the alarm is forgotten.
    var late = DeviceIncidentTracker(sensitivity: .medium)
    let window = late.corroboration.window
    _ = late.observe(reading("pression", 0), .normal)
    _ = late.observe(reading("debit", 0, 9), alarm)
    for i in 1...window { _ = late.observe(reading("debit", i), .normal) }
    #expect(late.observe(reading("pression", window + 1), surprising) == nil)
}

@Test func aDataQualityFindingOrALoneSensorOpensAlone() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    _ = tracker.observe(reading("pression", 0), .normal)
    let stuck = AnomalyScore(score: 0.7, severity: 0.7, reasons: .stuck)
    #expect(opened(tracker.observe(reading("debit", 0), stuck))?.reasons == .stuck)

    // A device of one sensor: exactly the per-sensor tracker.
    var single = DeviceIncidentTracker(sensitivity: .medium)
    var perSensor = AnomalyEventTracker(sensitivity: .medium)
    for i in 0..<300 {
        // Finite expected ranges: events with NaN fields never compare equal.
        let score = i % 37 == 36 ? AnomalyScore(score: 0.8, reasons: .spike, expectedLow: 0, expectedHigh: 2)
            : AnomalyScore(score: 0, severity: i % 37 < 3 ? 0.7 : 0, expectedLow: 0, expectedHigh: 2)
        #expect(single.observe(reading("debit", i), score) == perSensor.observe(reading("debit", i), score), "reading \(i)")
    }
}

@Test func theOpenIncidentClosesWithItsSensorAndAnotherCanOpenAfter() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium, quietReadings: 3)
    _ = tracker.observe(reading("pression", 0), surprising)
    #expect(opened(tracker.observe(reading("debit", 0), alarm)) != nil)
    // Another sensor over the threshold while it is open joins it; it opens nothing of its own.
    guard case .update(let joined)? = tracker.observe(reading("courant", 1), alarm) else {
        Issue.record("no update"); return
    }
    #expect(joined.context == [sensor("courant"), sensor("pression")])
    var closed = false
    for i in 1...3 { if case .close? = tracker.observe(reading("debit", i), .normal) { closed = true } }
    #expect(closed && tracker.openEvent == nil)
    _ = tracker.observe(reading("debit", 4), surprising)
    #expect(opened(tracker.observe(reading("courant", 4), alarm))?.sensor == sensor("courant"))
}

/// Deterministic noise of standard deviation about 1 (a sum of uniforms from a linear
/// congruential generator), so that the device layer sees sensors that are never constant.
private struct Noise {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        var sum = 0.0
        for _ in 0..<4 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            sum += Double(state >> 11) / Double(1 << 53)
        }
        return (sum - 2) * 3.0.squareRoot()
    }
}

/// Feeds `readings` rows of three noisy sensors, each a per-sensor `.normal` score (no per-sensor
/// alarm at all), `offset(i, point)` added to the noise; returns the rows where an incident opened.
private func openings(_ tracker: inout DeviceIncidentTracker, rows: Range<Int>, every seconds: Int64 = 1,
                      noise: inout Noise, offset: (Int, String) -> Double) -> [(row: Int, event: AnomalyEvent)] {
    var opens: [(Int, AnomalyEvent)] = []
    for i in rows {
        for point in ["debit", "pression", "courant"] {
            let value = 20 + noise.next() + offset(i, point)
            if let event = opened(tracker.observe(reading(point, i, value, every: seconds), .normal)) {
                opens.append((i, event))
            }
        }
    }
    return opens
}

@Test func aSmallShiftOfTheDeviceOpensOneIncidentThroughItsOwnEvidence() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    var noise = Noise(seed: 17)
    #expect(openings(&tracker, rows: 0..<600, noise: &noise) { _, _ in 0 }.isEmpty)
    // From row 600 to 900 the flow and the pressure drop by two standard deviations of their
    // readings: no reading is unusual (the per-sensor scores are all normal), their short means are.
    let fault = openings(&tracker, rows: 600..<1_100, noise: &noise) { i, point in
        (600..<900).contains(i) && point != "courant" ? -2 : 0
    }
    #expect(fault.count == 1, "\(fault.map(\.row))")
    #expect(fault.first.map { (600..<660).contains($0.row) } == true)
    #expect(fault.first?.event.reasons == .unusualBehaviour)
}

@Test func aSlowDriftOfOneSensorOpensNoIncident() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    var noise = Noise(seed: 3)
    // The thermocouple's kind of drift: 10 standard deviations over 3 000 readings, steadily.
    let opens = openings(&tracker, rows: 0..<3_000, noise: &noise) { i, point in
        point == "pression" ? -Double(i) / 300 : 0
    }
    #expect(opens.isEmpty, "\(opens.map { $0.row })")
}

@Test func aShiftWarmsUpBeforeItCountsAndBadReadingsAreIgnored() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    var noise = Noise(seed: 5)
    // A step in the first readings is the device's start, not a shift: nothing is scored yet.
    #expect(openings(&tracker, rows: 0..<100, noise: &noise) { i, _ in i < 40 ? 0 : 5 }.isEmpty)
    // Readings without a usable value teach the shift nothing and raise nothing.
    for i in 100..<400 {
        #expect(tracker.observe(Reading(sensor: sensor("debit"), time: Int64(i) * 1_000, value: .nan), .normal) == nil)
        #expect(tracker.observe(Reading(sensor: sensor("pression"), time: Int64(i) * 1_000, value: 0,
                                        quality: .bad(.timeout)), .normal) == nil)
        #expect(tracker.observe(reading("courant", i, 25 + noise.next()), .normal) == nil)
    }
    #expect(tracker.openEvent == nil)
}

/// A school's load on the `i`th minute from 02:00, for `courant` only: rising from 07:00 by up
/// to 20 standard deviations of the readings' noise (the shape `DemoBuilding` gives it).
private func morning(_ i: Int, _ point: String) -> Double {
    let hour = 2 + Double(i) / 60
    return point == "courant" && hour > 7 ? 20 * max(0, sin((hour - 7) / 11 * Double.pi)) : 0
}

/// A meter read every minute from 02:00: one point rises with the morning's load (as the demo
/// canteen's power factor does), the other two stay flat. A baseline of 600 readings would span
/// 10 hours, so the shift is not evidence (`shiftSpan`): against such a baseline the ramp is a
/// shift, and in the demo it opened an incident that lasted the morning and swallowed a fault.
@Test func aMorningRampOfASensorReadEveryMinuteOpensNoIncident() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    var noise = Noise(seed: 11)
    let opens = openings(&tracker, rows: 0..<600, every: 60, noise: &noise, offset: morning)
    #expect(opens.isEmpty, "\(opens.map { $0.row })")

    // The same readings against a baseline allowed to span the 10 hours: the ramp opens one.
    var corroboration = DeviceCorroboration()
    corroboration.shiftSpan = 0
    var unlimited = DeviceIncidentTracker(sensitivity: .medium, corroboration: corroboration)
    noise = Noise(seed: 11)
    #expect(!openings(&unlimited, rows: 0..<600, every: 60, noise: &noise, offset: morning).isEmpty)
}

@Test func aShiftOfSensorsReadEveryMinuteIsLeftToTheirDetectors() {
    // The step that opens an incident through the device's evidence when read every second
    // (`aSmallShiftOfTheDeviceOpensOneIncidentThroughItsOwnEvidence`) opens none read every minute.
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    var noise = Noise(seed: 17)
    let opens = openings(&tracker, rows: 0..<1_100, every: 60, noise: &noise) { i, point in
        (600..<900).contains(i) && point != "courant" ? -2 : 0
    }
    #expect(opens.isEmpty, "\(opens.map { $0.row })")
}


/// While a large shift holds the device's learning, a sensor whose own shift stays small is not
/// part of the fault and keeps learning: frozen, a sensor following a slow ramp (the demo
/// canteen's power factor over the morning, while a spike of the meter's power froze the
/// device) came out of the freeze shifted by what it had not learned, and opened an incident.
@Test func aSensorWithASmallShiftKeepsLearningWhileItsDeviceIsFrozen() {
    let settings = DeviceCorroboration()
    var noise = Noise(seed: 29)
    var ramp = MeanShift(), step = MeanShift()
    for i in 0..<1_000 {
        _ = ramp.observe(noise.next(), at: Int64(i) * 1_000, isFrozen: false, settings)
        _ = step.observe(noise.next(), at: Int64(i) * 1_000, isFrozen: false, settings)
    }
    // The device is frozen for 400 readings: one sensor ramps slowly, the other steps by 3 σ.
    var rampSquared = 0.0, stepSquared = 0.0
    for i in 1_000..<1_400 {
        rampSquared = ramp.observe(Double(i - 1_000) / 200 + noise.next(), at: Int64(i) * 1_000, isFrozen: true, settings)
        stepSquared = step.observe(3 + noise.next(), at: Int64(i) * 1_000, isFrozen: true, settings)
    }
    // The step is measured against the state before it; the ramp was learned as it came.
    #expect(stepSquared > 2 * settings.shiftCorroboration, "\(stepSquared)")
    #expect(settings.shiftGain * rampSquared / 2 < settings.shiftCorroboration, "\(rampSquared)")
}

/// A steady sensor speaks through its shift: its surprise while its mean has not moved is noise,
/// and does not corroborate the alarm of a sensor that is judged by its own detector (one that
/// moves smoothly, such as SKAB's temperatures: 3 of their false alarms were corroborated by
/// such surprises). Other smoothly moving sensors' surprises still do (a building meter's level
/// shift moves all its rhythmic points together): two of them on a device of three sensors or
/// more, the other one on a device of two (a room's temperature and humidity). One is not enough
/// on a larger device: two sensors measuring the same thing (SKAB's temperature and thermocouple)
/// surprise together by chance, and 3 of SKAB's false alarms were theirs.
@Test func aSteadySensorsSurpriseDoesNotCorroborateASmoothSensorsAlarm() {
    func tracker(smooth: [String], steady: [String]) -> DeviceIncidentTracker {
        var tracker = DeviceIncidentTracker(sensitivity: .medium)
        var noise = Noise(seed: 31)
        for i in 0..<1_000 {
            for point in smooth { _ = tracker.observe(reading(point, i, 60 + 5 * sin(Double(i) / 50)), .normal) }
            for point in steady { _ = tracker.observe(reading(point, i, 20 + noise.next()), .normal) }
        }
        return tracker
    }
    var withSteady = tracker(smooth: ["temperature"], steady: ["debit", "pression"])
    #expect(withSteady.observe(reading("debit", 1_000, 24), surprising) == nil)
    #expect(withSteady.observe(reading("temperature", 1_000, 70), alarm) == nil)
    for i in 1_001..<1_040 { #expect(withSteady.observe(reading("pression", i, 20), .normal) == nil) }
    #expect(withSteady.openEvent == nil)

    var withOneSmooth = tracker(smooth: ["temperature", "temperature_2"], steady: ["debit"])
    #expect(withOneSmooth.observe(reading("temperature_2", 1_000, 70), surprising) == nil)
    #expect(withOneSmooth.observe(reading("temperature", 1_000, 70), alarm) == nil)
    #expect(withOneSmooth.openEvent == nil)

    var withTwoSmooth = tracker(smooth: ["temperature", "temperature_2", "humidite"], steady: ["debit"])
    #expect(withTwoSmooth.observe(reading("temperature_2", 1_000, 70), surprising) == nil)
    #expect(withTwoSmooth.observe(reading("humidite", 1_000, 70), surprising) == nil)
    #expect(opened(withTwoSmooth.observe(reading("temperature", 1_000, 70), alarm))?.sensor == sensor("temperature"))

    var pair = tracker(smooth: ["temperature", "humidite"], steady: [])
    #expect(pair.observe(reading("humidite", 1_000, 70), surprising) == nil)
    #expect(opened(pair.observe(reading("temperature", 1_000, 70), alarm))?.sensor == sensor("temperature"))
}

@Test func anOutageDoesNotChangeASensorsLearnedPace() {
    var interval = 0.0
    for _ in 0..<100 { interval = ReadingInterval.updated(interval, after: 1_000) }
    #expect(abs(interval - 1_000) < 1)
    // A six-hour outage counts as four intervals: the pace moves by 15 %, then comes back.
    interval = ReadingInterval.updated(interval, after: 6 * 3_600_000)
    #expect(interval < 1_200, "\(interval)")
    // Readings at the same time, or going back, change nothing.
    #expect(ReadingInterval.updated(interval, after: 0) == interval)
    #expect(ReadingInterval.updated(interval, after: -5_000) == interval)
    // A lasting change of pace is followed: every 10 s instead of every second.
    for _ in 0..<100 { interval = ReadingInterval.updated(interval, after: 10_000) }
    #expect(abs(interval - 10_000) < 100, "\(interval)")
}

/// A fault that outlasts the freeze is learned by the baseline: without the state remembered
/// when its incident opened, its end would be a new shift, and the flow's jump back a new
/// statistical alarm (SKAB's 12.csv: two of the false alarms after the labelled fault), and the
/// spread it grew would make the flow seem unsteady, its next fault unseen. The recovery belongs
/// to the fault; the sensors come back to their state from before it, and see the next fault.
@Test func theEndOfALongFaultIsItsRecoveryNotANewIncident() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    var noise = Noise(seed: 41)
    #expect(openings(&tracker, rows: 0..<600, noise: &noise) { _, _ in 0 }.isEmpty)
    // The flow and the pressure drop by four standard deviations for 500 readings, then recover.
    let fault = openings(&tracker, rows: 600..<1_100, noise: &noise) { _, point in point == "courant" ? 0 : -4 }
    #expect(fault.count == 1 && (600..<630).contains(fault[0].row), "\(fault.map(\.row))")
    for i in 1_100..<1_140 where tracker.openEvent != nil {
        for point in ["debit", "pression", "courant"] { _ = tracker.observe(reading(point, i, 16 + noise.next()), .normal) }
    }
    #expect(tracker.openEvent == nil)
    // Both jump back: the pressure's reading surprises its detector, the flow's alarms on it
    // (they would corroborate each other); this is the recovery.
    #expect(tracker.observe(reading("pression", 1_140, 20), surprising) == nil)
    #expect(tracker.observe(reading("debit", 1_140, 20), alarm) == nil)
    let recovery = openings(&tracker, rows: 1_141..<1_600, noise: &noise) { _, _ in 0 }
    #expect(recovery.isEmpty, "\(recovery.map(\.row))")
    #expect(tracker.openEvent == nil)
    // Back to its old state, the device sees the next fault as before.
    let next = openings(&tracker, rows: 1_600..<1_700, noise: &noise) { _, point in point == "debit" ? -4 : 0 }
    #expect(next.count == 1 && (1_600..<1_630).contains(next[0].row), "\(next.map(\.row))")
}

/// A sensor read so seldom that its shift is no evidence (a building meter polled every minute)
/// has only its own detector: an extreme jump of one of its points is an incident alone (the
/// demo canteen's power spike, which moves no other point of the meter, waited forever for
/// corroboration once the morning's ramp no longer supplied it). A weaker jump still waits, and
/// so does any jump of a sensor read every second, whose shift speaks for it.
@Test func anExtremeJumpOfASensorReadEveryMinuteIsAnIncidentAlone() {
    let extreme = AnomalyScore(score: 0.8, severity: 0.95, reasons: .spike)
    let weaker = AnomalyScore(score: 0.7, severity: 0.7, reasons: .spike)
    func tracker(every seconds: Int64) -> DeviceIncidentTracker {
        var tracker = DeviceIncidentTracker(sensitivity: .medium)
        var noise = Noise(seed: 43)
        #expect(openings(&tracker, rows: 0..<600, every: seconds, noise: &noise) { _, _ in 0 }.isEmpty)
        return tracker
    }
    var everyMinute = tracker(every: 60)
    #expect(opened(everyMinute.observe(reading("debit", 600, 20, every: 60), extreme))?.sensor == sensor("debit"))
    var weakerEveryMinute = tracker(every: 60)
    #expect(weakerEveryMinute.observe(reading("debit", 600, 20, every: 60), weaker) == nil)
    #expect(weakerEveryMinute.openEvent == nil)

    var everySecond = tracker(every: 1)
    #expect(everySecond.observe(reading("debit", 600, 20), extreme) == nil)
    #expect(everySecond.openEvent == nil)
}

/// After a restart, the incident the previous run left open is resumed: its sensor's alarms
/// update it instead of opening another, another sensor joins it as context, and it closes with
/// its own start after the quiet readings.
@Test func anIncidentResumedAfterARestartIsUpdatedAndClosedWithItsOwnStart() {
    let message = AnomalyEventMessage(sensor: sensor("debit"), phase: .update, start: 5_000, time: 7_000, score: 0.7,
                                      peakScore: 0.7, reasons: ["stuck", "not_a_reason"], value: 31, expectedLow: 30,
                                      expectedHigh: 34, context: ["pompe/pression"])
    let resumed = AnomalyEvent(resuming: message)
    #expect(resumed.reasons == .stuck && resumed.context == [sensor("pression")] && resumed.lastAlarm == 7_000)
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    tracker.resume(resumed)
    #expect(tracker.openEvent == resumed)
    let stuck = AnomalyScore(score: 0.2, severity: 0.9, reasons: .stuck)
    guard case .update(let grown)? = tracker.observe(reading("debit", 10, 31), stuck) else {
        Issue.record("a higher peak updates the resumed incident")
        return
    }
    #expect(grown.start == 5_000 && grown.peakScore == 0.9)
    guard case .update(let joined)? = tracker.observe(reading("courant", 10), alarm) else {
        Issue.record("another sensor's alarm joins the resumed incident")
        return
    }
    #expect(joined.context == [sensor("courant"), sensor("pression")])
    var actions: [AnomalyEventAction] = []
    for i in 11..<30 { if let action = tracker.observe(reading("debit", i, Double(i)), .normal) { actions.append(action) } }
    guard case .close(let closed)? = actions.first, actions.count == 1 else {
        Issue.record("one close after the quiet readings: \(actions)")
        return
    }
    #expect(closed.start == 5_000 && closed.lastAlarm == 10_000)
    #expect(tracker.openEvent == nil)
}
