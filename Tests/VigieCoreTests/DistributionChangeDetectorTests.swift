import Testing
@testable import VigieCore

private typealias Series = AnomalyTestSeries

/// Uniform noise in [centre − width/2, centre + width/2], the same on every run.
private func flags(_ segments: [(count: Int, centre: Double, width: Double)]) -> [Bool] {
    var noise = Series.Noise()
    var detector = DistributionChangeDetector()
    var result: [Bool] = []
    for segment in segments {
        for _ in 0..<segment.count {
            result.append(detector.update(segment.centre + segment.width * noise.next(), rangeReset: AnomalyTuning().rangeReset))
        }
    }
    return result
}

@Test func aStationarySeriesStopsBeingAChangeOnceLearned() {
    let result = flags([(3_000, 10, 4)])
    #expect(result[0..<300].contains(true))
    #expect(result[1_000..<3_000].filter { $0 }.count < 20)
}

@Test func aChangeOfSpreadInsideTheKnownRangeIsFlaggedWithinAWindow() {
    let result = flags([(100, 10, 8), (2_000, 10, 4), (200, 10, 0.5)])
    let change = 2_100
    #expect(result[change..<(change + DistributionChangeDetector.window)].contains(true))
    #expect(result[(change - 500)..<change].filter { $0 }.count < 5)
}

@Test func aValueFarBeyondTheKnownRangeIsAChangeAtOnce() {
    var noise = Series.Noise()
    var detector = DistributionChangeDetector()
    let result = (0..<2_000).map { _ in detector.update(10 + 4 * noise.next(), rangeReset: AnomalyTuning().rangeReset) }
    let beyond = detector.update(30, rangeReset: AnomalyTuning().rangeReset)
    #expect(!result[1_500..<2_000].contains(true))
    #expect(beyond)
}
