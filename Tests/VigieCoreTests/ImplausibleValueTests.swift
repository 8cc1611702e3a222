import Testing
@testable import VigieCore

// A corrupted value (an MQTT payload's 1e308, a float register read with the wrong word
// order) must neither crash a detector nor blind it: it is reported as out of range and
// teaches the sensor's statistics nothing.

private typealias Series = AnomalyTestSeries

/// Every score is a number in [0, 1]: a NaN would reach the event JSON and the status page.
private func expectWellFormed(_ scores: [AnomalyScore], sourceLocation: SourceLocation = #_sourceLocation) {
    for (i, score) in scores.enumerated() {
        #expect((0...1).contains(score.score) && (0...1).contains(score.severity), "reading \(i): \(score)",
                sourceLocation: sourceLocation)
    }
}

@Test func extremeValuesOfBothSignsNeitherCrashNorBlindTheDetector() {
    var series = Series.seasonal(count: 1_600)
    series[1_000].value = 1e308
    series[1_001].value = -1e308
    series[1_002].value = .greatestFiniteMagnitude
    series[1_400].value += 40
    let scores = Series.scores(series)
    expectWellFormed(scores)
    #expect(scores[1_000].score >= Sensitivity.low.threshold && scores[1_000].reasons.contains(.outOfRange))
    #expect(scores[1_001].reasons.contains(.outOfRange))
    // The same spike as on a clean series, four hundred readings later.
    var clean = Series.seasonal(count: 1_600)
    clean[1_400].value += 40
    #expect(scores[1_400].score >= Sensitivity.medium.threshold && scores[1_400].reasons.contains(.spike))
    #expect(Series.fingerprint(scores[1_400]) == Series.fingerprint(Series.scores(clean)[1_400]))
}

@Test func aHugeValueOnAConstantSensorKeepsScoresFinite() {
    var series = (0..<800).map { i in (time: Series.start + Int64(i) * Series.step, value: 0.0) }
    series[500].value = 1e200
    series[501].value = 1e29
    let scores = Series.scores(series)
    expectWellFormed(scores)
    #expect(scores[500].reasons.contains(.outOfRange))
    #expect(!scores[501].reasons.contains(.outOfRange))
}

/// A meter's register that reads 65 535 ("not available") for three polls, beyond its
/// profile's maximum of 100: an out-of-range event, and a spike later is still found.
@Test func anExcursionOutOfTheConfiguredRangeTeachesTheDetectorNothing() {
    let settings = AnomalyDetectorSettings(minimum: 0, maximum: 100)
    var series = Series.seasonal(count: 1_600)
    for i in 1_000..<1_003 { series[i].value = 65_535 }
    series[1_200].value += 12
    let scores = Series.scores(series, settings: settings)
    expectWellFormed(scores)
    #expect(scores[1_000].reasons.contains(.outOfRange) && scores[1_000].score >= Sensitivity.low.threshold)
    var clean = Series.seasonal(count: 1_600)
    clean[1_200].value += 12
    let cleanScores = Series.scores(clean, settings: settings)
    #expect(cleanScores[1_200].score >= Sensitivity.medium.threshold)
    #expect(scores[1_200].score >= Sensitivity.medium.threshold, "\(scores[1_200])")
}

@Test func theDeviceEvidenceIgnoresImplausibleValues() {
    var tracker = DeviceIncidentTracker(sensitivity: .medium)
    var detectors = [SeasonalBaselineDetector(), SeasonalBaselineDetector()]
    var noise = Series.Noise()
    var opened: [Int] = []
    for i in 0..<1_500 {
        for (s, name) in ["a", "b"].enumerated() {
            var value = 10 + noise.next()
            if i == 700, s == 0 { value = 1e308 }
            if i == 701, s == 0 { value = -1e308 }
            if i >= 1_200, s == 0 { value += 3 }
            let reading = Reading(sensor: SensorID(device: "pump", point: name), time: Series.start + Int64(i) * 1_000, value: value)
            let score = detectors[s].process(reading)
            if case .open = tracker.observe(reading, score) { opened.append(i) }
        }
    }
    // The corrupted values open one incident (out of range); the shift at 1 200 opens another.
    #expect(opened.contains(700), "\(opened)")
    #expect(opened.contains { (1_200..<1_215).contains($0) }, "\(opened)")
}
