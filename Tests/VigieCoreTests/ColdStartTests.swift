import Foundation
import Testing
@testable import VigieCore

/// A school canteen's current, read every `seconds` from 02:00 (cold: no stored history): a flat
/// night at 0.6 A ± 3 %, then the morning's ramp from 07:00 to 3.6 A at 12:30, `spike` (× 6) on
/// the reading at 09:00 when asked. The shape `DemoBuilding` gives a sub-meter.
private func canteenMorning(every seconds: Int64, spike: Bool = false) -> [(time: Int64, value: Double)] {
    var noise = AnomalyTestSeries.Noise()
    let night = Int64(2 * 3_600), count = Int((12 * 3_600 - night) / seconds)
    return (0..<count).map { i in
        let clock = night + Int64(i) * seconds
        let hours = Double(clock) / 3_600
        let occupancy = hours > 7 ? min(1, (hours - 7) / 5.5) : 0
        var value = (3 + 15 * occupancy) * 0.2 * (1 + 0.06 * noise.next())
        if spike && clock == 9 * 3_600 { value *= 6 }
        return (AnomalyTestSeries.start + clock * 1_000, value)
    }
}

private func alarms(_ series: [(time: Int64, value: Double)]) -> [Int] {
    let threshold = Sensitivity.medium.threshold
    return AnomalyTestSeries.scores(series).enumerated().filter { $0.element.score >= threshold }.map(\.offset)
}

/// Issue 17, item 4: a detector that has not seen its sensor's day does not call the first
/// morning's ramp an anomaly. A meter read every minute from 02:00 sees the ramp as a departure
/// from five hours of flat night, 4 of its deviations within minutes; while it learns the
/// rhythm, only a reading that jumps is an alarm, so the spike still is.
@Test func aMeterReadEveryMinuteFromTheNightSeesItsFirstMorningAsLearning() {
    #expect(alarms(canteenMorning(every: 60)).isEmpty)
    let spiked = canteenMorning(every: 60, spike: true)
    let spikeIndex = spiked.firstIndex { $0.time == AnomalyTestSeries.start + 9 * 3_600_000 }
    #expect(alarms(spiked) == [spikeIndex].compactMap { $0 })
    var detector = SeasonalBaselineDetector()
    for point in spiked { _ = detector.process(time: point.time, value: point.value) }
    #expect(detector.learningUntil == AnomalyTestSeries.start + 26 * 3_600_000)
}

/// The rule is for sensors whose statistics' memory spans more than an hour: a pump read every
/// second sees the same ramp as no change, and a departure of a few minutes is a fault, learning
/// or not (SKAB's experiments last 20 minutes: they are all in the learning day).
@Test func aSensorReadEverySecondIsNotExcusedBySmoothness() {
    var detector = SeasonalBaselineDetector()
    var noise = AnomalyTestSeries.Noise()
    var scores: [Double] = []
    for i in 0..<1_200 {
        // A flow of 32 ± 0.3 that falls smoothly by 3 over a minute from the 900th second.
        let drop = i < 900 ? 0 : min(3, Double(i - 900) / 20)
        scores.append(detector.process(time: AnomalyTestSeries.start + Int64(i) * 1_000,
                                       value: 32 + 0.6 * noise.next() - drop).score)
    }
    #expect(detector.learningUntil != nil)
    #expect(scores[900...].contains { $0 >= Sensitivity.medium.threshold })
    #expect(!scores[..<900].contains { $0 >= Sensitivity.medium.threshold })
}
