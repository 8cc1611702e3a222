import Testing
@testable import VigieCore

private let sensor = SensorID(device: "pompe", point: "pression")

private func reading(_ i: Int, _ value: Double = 1) -> Reading {
    Reading(sensor: sensor, time: Int64(i) * 10_000, value: value)
}

@Test func anAlarmOpensAnEventThatRepeatedAlarmsUpdateAndQuietClosesIt() {
    var tracker = AnomalyEventTracker(threshold: 0.6, quietReadings: 3)
    #expect(tracker.observe(reading(0), .normal) == nil)
    let open = tracker.observe(reading(1, 9), AnomalyScore(score: 0.7, reasons: .spike, expectedLow: 0, expectedHigh: 2))
    guard case .open(let event)? = open else { Issue.record("no event opened"); return }
    #expect(event.start == 10_000 && event.peakScore == 0.7 && event.value == 9 && event.reasons == .spike)
    // Same severity, same reason: merged silently.
    #expect(tracker.observe(reading(2, 9), AnomalyScore(score: 0, severity: 0.7, reasons: .spike)) == nil)
    // Higher peak and a new reason: one update.
    let update = tracker.observe(reading(3, 12), AnomalyScore(score: 0, severity: 0.9, reasons: .unusualBehaviour))
    guard case .update(let grown)? = update else { Issue.record("no update"); return }
    #expect(grown.peakScore == 0.9 && grown.peakTime == 30_000 && grown.reasons == [.spike, .unusualBehaviour])
    #expect(tracker.observe(reading(4), .normal) == nil)
    #expect(tracker.observe(reading(5), .normal) == nil)
    guard case .close(let closed)? = tracker.observe(reading(6), .normal) else { Issue.record("not closed"); return }
    #expect(closed.start == 10_000 && closed.lastAlarm == 30_000)
    #expect(tracker.openEvents.isEmpty)
}

@Test func aStuckSensorMakesOneEvent() {
    var series = AnomalyTestSeries.seasonal(count: 1500)
    for i in 1200..<1400 { series[i].value = series[1199].value }
    var detector = SeasonalBaselineDetector()
    var tracker = AnomalyEventTracker(sensitivity: .medium)
    var stuck: [Int] = []
    for (i, point) in series.enumerated() {
        let r = Reading(sensor: sensor, time: point.time, value: point.value)
        if case .open(let event)? = tracker.observe(r, detector.process(r)), event.reasons.contains(.stuck) { stuck.append(i) }
    }
    // One event for the 200 stuck readings (changes of distribution elsewhere open their own).
    #expect(stuck.count == 1 && (1200..<1210).contains(stuck[0]), "\(stuck)")
}

@Test func overridesResolvePerSensorByGlob() {
    let configuration = AnomalyConfiguration(sensitivity: .medium, overrides: [
        AnomalyOverride(sensor: "chaufferie/*", sensitivity: .high, min: 0, max: 90),
        AnomalyOverride(sensor: "*/co2", enabled: false),
    ])
    let boiler = configuration.settings(for: SensorID(device: "chaufferie", point: "depart"), minimum: -10)
    #expect(boiler?.sensitivity == .high && boiler?.minimum == 0 && boiler?.maximum == 90)
    #expect(configuration.settings(for: SensorID(device: "salle-1", point: "co2")) == nil)
    #expect(configuration.settings(for: SensorID(device: "salle-1", point: "temp"))?.sensitivity == .medium)
}
