import Testing
@testable import VigieCore

private typealias Series = AnomalyTestSeries

/// Readings out of time order: a payload a device or broker queued and delivered after newer
/// ones, a repeated one, a gateway clock set back. Each is checked for its range only; the sensor's
/// clock stays at its newest reading, unless the readings keep coming earlier (the clock
/// itself went back).
@Suite struct LateReadingTests {
    static let settings = AnomalyDetectorSettings(expectedInterval: Series.step)

    @Test func aLateReadingIsScoredForItsValueAndMakesNoGapOfTheNextOne() {
        var series = Series.seasonal(count: 600)
        // Reading 450 comes from two hours before reading 449 (a queued payload).
        series[450].time = series[449].time - 24 * Series.step
        var detector = SeasonalBaselineDetector(settings: Self.settings)
        var scores: [AnomalyScore] = []
        for (index, point) in series.enumerated() {
            #expect(detector.isLate(point.time) == (index == 450), "reading \(index)")
            scores.append(detector.process(time: point.time, value: point.value))
        }
        // Set back to the late reading's time, the clock made reading 451 a gap of 25 polls.
        #expect(!scores[450...].contains { $0.reasons.contains(.gap) || $0.score >= Sensitivity.medium.threshold },
                "\(scores[450...].filter { $0.score > 0 })")
        #expect(detector.lastTime == series[599].time)
    }

    @Test func aLateReadingIsStillCheckedForItsValue() {
        var series = Series.seasonal(count: 600)
        series[450] = (series[449].time - 24 * Series.step, 1e6)
        var settings = Self.settings
        settings.maximum = 100
        let scores = Series.scores(series, settings: settings)
        #expect(scores[450].reasons.contains(.outOfRange) && scores[450].score >= Sensitivity.medium.threshold)
    }

    @Test func aReadingAtTheSameTimeIsNotLate() {
        var detector = SeasonalBaselineDetector(settings: Self.settings)
        _ = detector.process(time: Series.start, value: 1)
        #expect(!detector.isLate(Series.start) && detector.isLate(Series.start - 1))
    }

    @Test func aClockSetBackIsFollowedAndGapsAreSeenAgain() {
        // The gateway's clock goes back a day at reading 400; the polls go on every 5 minutes,
        // and from reading 600 on ten polls are missed.
        var series = Series.seasonal(count: 700)
        for index in 400..<700 { series[index].time -= 288 * Series.step }
        for index in 600..<700 { series[index].time += 10 * Series.step }
        var detector = SeasonalBaselineDetector(settings: Self.settings)
        var scores: [AnomalyScore] = []
        var late: [Int] = []
        for (index, point) in series.enumerated() {
            if detector.isLate(point.time) { late.append(index) }
            scores.append(detector.process(time: point.time, value: point.value))
        }
        // Late until the sensor's clock follows the gateway's, then in order again.
        #expect(late == Array(400..<(400 + Int(SeasonalBaselineDetector.clockStepReadings))), "\(late)")
        #expect(scores[600].reasons.contains(.gap), "the outage after the clock went back is seen")
        #expect(!scores[400..<600].contains { $0.reasons.contains(.gap) })
    }
}
