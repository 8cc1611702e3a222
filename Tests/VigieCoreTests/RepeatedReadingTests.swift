import Testing
@testable import VigieCore

private typealias Series = AnomalyTestSeries

/// A reading delivered twice (same time, same value: MQTT's at-least-once delivery, a retained
/// message sent again) is absorbed: it is not scored and teaches the detector nothing, unless
/// the repeats go on long enough to be a device that hung.
@Suite struct RepeatedReadingTests {
    static let settings = AnomalyDetectorSettings(expectedInterval: Series.step)

    /// The scores of the readings that are not absorbed, and how many were.
    static func scored(_ series: [(time: Int64, value: Double)]) -> (scores: [AnomalyScore], absorbed: Int) {
        var detector = SeasonalBaselineDetector(settings: settings)
        var scores: [AnomalyScore] = []
        var absorbed = 0
        for point in series {
            let arrival = detector.take(time: point.time, value: point.value)
            if case .repeated = arrival { absorbed += 1 } else { scores.append(arrival.score) }
        }
        return (scores, absorbed)
    }

    @Test func repeatedReadingsChangeNothing() {
        let series = Series.seasonal(count: 2_100)
        // Readings 300 to 399 are each delivered twice, reading 2 000 six times.
        var delivered: [(time: Int64, value: Double)] = []
        for (index, point) in series.enumerated() {
            let copies = (300..<400).contains(index) ? 2 : index == 2_000 ? 6 : 1
            delivered += Array(repeating: point, count: copies)
        }
        let clean = Series.scores(series, settings: Self.settings)
        let (scores, absorbed) = Self.scored(delivered)
        #expect(absorbed == 105)
        #expect(scores.map(Series.fingerprint) == clean.map(Series.fingerprint))
        // Scored, reading 2 000's copies were a stuck run (an alarm at medium).
        let unabsorbed = Series.scores(delivered, settings: Self.settings)
        #expect(unabsorbed.contains { $0.reasons.contains(.stuck) && $0.score >= Sensitivity.medium.threshold })
        #expect(!scores.contains { $0.reasons.contains(.stuck) })
    }

    @Test func aReadingAtTheSameTimeWithAnotherValueIsScored() {
        var detector = SeasonalBaselineDetector(settings: Self.settings)
        _ = detector.process(time: Series.start, value: 1)
        let otherValue = detector.absorbRepeat(time: Series.start, value: 2)
        let otherTime = detector.absorbRepeat(time: Series.start + 1, value: 1)
        let failed = detector.absorbRepeat(time: Series.start, value: 1, quality: .bad(.timeout))
        let repeated = detector.absorbRepeat(time: Series.start, value: 1)
        #expect(!otherValue && !otherTime && !failed && repeated)
    }

    @Test func aDeviceThatKeepsSendingItsLastReadingIsReportedStuck() {
        var series = Series.seasonal(count: 600)
        // From reading 500 on, the device sends reading 499 again and again.
        for index in 500..<600 { series[index] = series[499] }
        let (scores, absorbed) = Self.scored(series)
        #expect(absorbed == Int(SeasonalBaselineDetector.repeatLimit))
        let stuck = scores.firstIndex { $0.reasons.contains(.stuck) && $0.score >= Sensitivity.medium.threshold }
        #expect(stuck != nil, "a hung device's repeats are scored after the limit and found stuck")
    }
}
