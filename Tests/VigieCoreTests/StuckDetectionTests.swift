import Testing
@testable import VigieCore

private typealias Series = AnomalyTestSeries
private let threshold = Sensitivity.medium.threshold

/// Runs a series through a detector and an event tracker; returns the actions.
private func events(_ series: [(time: Int64, value: Double)], sensitivity: Sensitivity = .medium) -> [AnomalyEventAction] {
    var detector = SeasonalBaselineDetector(settings: AnomalyDetectorSettings(sensitivity: sensitivity))
    var tracker = AnomalyEventTracker(sensitivity: sensitivity)
    let sensor = SensorID(device: "hall", point: "co2")
    return series.compactMap { point in
        let reading = Reading(sensor: sensor, time: point.time, value: point.value)
        return tracker.observe(reading, detector.process(reading))
    }
}

private func opened(_ actions: [AnomalyEventAction]) -> [AnomalyEvent] {
    actions.compactMap { if case .open(let event) = $0 { event } else { nil } }
}

@Test(arguments: [Sensitivity.low, .medium, .high])
func aStuckRunOpensExactlyOneStuckEvent(sensitivity: Sensitivity) {
    var series = Series.seasonal(count: 1500)
    for i in 1200..<1260 { series[i].value = series[1199].value }
    // (At high sensitivity a distribution change alone opens an event: the seasonal series has
    // some before the fault.)
    let during = opened(events(series, sensitivity: sensitivity)).filter { $0.start >= series[1200].time }
    #expect(during.count == 1)
    #expect(during.first?.reasons.contains(.stuck) == true)
}

@Test func aStuckRunIsReportedAtTheEventThresholdsSurprise() {
    var series = Series.seasonal(count: 1500)
    for i in 1200..<1260 { series[i].value = series[1199].value }
    let scores = Series.scores(series)
    let reported = scores.indices.filter { scores[$0].score > 0 && scores[$0].reasons.contains(.stuck) }
    #expect(reported.count == 1)
    // A sensor whose value changes at every reading: stuck after a handful of repeats.
    #expect(reported.allSatisfy { (1202..<1215).contains($0) })
    #expect(reported.allSatisfy { scores[$0].score >= Sensitivity.medium.threshold })
}

@Test func aCounterRestingAtZeroEveryNightIsNotStuck() {
    // Power of a canteen: 0 W exactly from 20:00 to 06:00 (UTC), a noisy load by day; 14 days
    // from midnight (the first night is learned during the warm-up, as from stored history).
    var noise = Series.Noise()
    let day: Int64 = 86_400_000
    let start = Series.start - Series.start % day
    let series = (0..<(288 * 14)).map { i -> (time: Int64, value: Double) in
        let time = start + Int64(i) * Series.step
        let hour = (time % day) / 3_600_000
        return (time, hour >= 20 || hour < 6 ? 0 : 3000 + 400 * noise.next())
    }
    let scores = Series.scores(series)
    #expect(!scores.contains { $0.reasons.contains(.stuck) })
    #expect(!opened(events(series)).contains { $0.reasons.contains(.stuck) })
}

@Test func aConstantStatusRegisterIsNeverStuck() {
    let series = (0..<3000).map { (time: Series.start + Int64($0) * Series.step, value: 0.0) }
    let scores = Series.scores(series, settings: AnomalyDetectorSettings(warmup: 15))
    #expect(!scores.contains { $0.reasons.contains(.stuck) })
}

@Test func aRunOfDeviceErrorsIsReportedOnceAtTheEventThreshold() {
    let series = Series.seasonal(count: 1500)
    let scores = Series.scores(series) { (1200..<1230).contains($0) ? .bad(.timeout) : .good }
    let reported = scores.indices.filter { scores[$0].score > 0 && scores[$0].reasons.contains(.deviceError) }
    #expect(reported.count == 1, "\(reported)")
    #expect(reported.allSatisfy { (1201..<1210).contains($0) && scores[$0].score >= threshold })
    #expect(scores[1229].severity >= threshold)
}
