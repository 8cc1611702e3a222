import Testing
@testable import VigieCore

private func sensor(_ point: String) -> SensorID { SensorID(device: "pompe", point: point) }

private func reading(_ point: String, _ i: Int, _ value: Double = 1) -> Reading {
    Reading(sensor: sensor(point), time: Int64(i) * 1_000, value: value)
}

/// A statistical alarm (a distribution change: score 0.8).
private let alarm = AnomalyScore(score: 0.8, severity: 0.8, reasons: .unusualBehaviour)
/// A reading surprising enough to corroborate (12 nats), not an alarm itself.
private let surprising = AnomalyScore(score: 0, severity: Surprise.score(nats: 12), reasons: .unusualValue)

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

    // Past the window (30 of the alarming sensor's readings), the alarm is forgotten.
    var late = DeviceIncidentTracker(sensitivity: .medium)
    _ = late.observe(reading("pression", 0), .normal)
    _ = late.observe(reading("debit", 0, 9), alarm)
    for i in 1...30 { _ = late.observe(reading("debit", i), .normal) }
    #expect(late.observe(reading("pression", 31), surprising) == nil)
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
