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

    /// Takes a series as the daemon does; returns each reading's arrival.
    private static func arrivals(_ series: [(time: Int64, value: Double)]) -> (arrivals: [SeasonalBaselineDetector.Arrival], detector: SeasonalBaselineDetector) {
        var detector = SeasonalBaselineDetector(settings: settings)
        let arrivals = series.map { detector.take(time: $0.time, value: $0.value) }
        return (arrivals, detector)
    }

    @Test func aReadingStampedAheadOfTimeSetsTheClockBackAtTheNextReading() {
        // Reading 450's time is a year ahead (a device's clock glitch); its value is ordinary.
        // Reading 460 is a spike of the kind the detector finds in order.
        var series = Series.seasonal(count: 600)
        let stampedAhead = series[450].time + 365 * 86_400_000
        series[450].time = stampedAhead
        series[460].value += 40
        let (arrivals, detector) = Self.arrivals(series)
        if case .clockRestored(_, let ahead) = arrivals[451] {
            #expect(ahead == stampedAhead)
        } else {
            Issue.record("reading 451: \(arrivals[451])")
        }
        // Without the rule, readings 451 to 510 were late, checked for their range only: the spike
        // at 460 went unseen.
        let late = arrivals.indices.filter { if case .late = arrivals[$0] { true } else { false } }
        #expect(late.isEmpty, "\(late)")
        #expect(arrivals[460].score.score >= Sensitivity.medium.threshold, "\(arrivals[460].score)")
        #expect(!arrivals[452...].contains { $0.score.reasons.contains(.gap) })
        #expect(detector.lastTime == series[599].time)
    }

    @Test func aBacklogDeliveredAfterAnOutagesFirstReadingIsTakenInOrder() {
        // Readings 450 to 469 are delivered after reading 470 (a device's queue after an outage).
        let inOrder = Series.seasonal(count: 600)
        let delivered = Array(inOrder[..<450]) + [inOrder[470]] + Array(inOrder[450..<470]) + Array(inOrder[471...])
        let (arrivals, detector) = Self.arrivals(delivered)
        #expect(arrivals.indices.filter { if case .late = arrivals[$0] { true } else { false } }.isEmpty)
        #expect(arrivals.indices.filter { if case .clockRestored = arrivals[$0] { true } else { false } } == [451])
        #expect(detector.lastTime == inOrder[599].time)
    }

    @Test func aReadingEarlierThanTheOneBeforeAGapIsStillLate() {
        // After ten missed polls, a payload from before them arrives: it is late, the clock stays.
        var series = Series.seasonal(count: 600)
        for index in 450..<600 { series[index].time += 10 * Series.step }
        series.insert((series[449].time - 12 * Series.step, series[437].value), at: 451)
        let (arrivals, detector) = Self.arrivals(series)
        if case .late(_, let newest) = arrivals[451] {
            #expect(newest == series[450].time)
        } else {
            Issue.record("reading 451: \(arrivals[451])")
        }
        #expect(arrivals[450].score.reasons.contains(.gap))
        #expect(detector.lastTime == series[600].time)
    }
}
