import Testing
@testable import VigieCore

private let sensor = SensorID(device: "cave", point: "humidity")

@Test func aSilenceLongerThanTheLimitIsReportedOnceDatedWhenTheLimitPassedAndReArmedByTheNextReading() throws {
    var watch = SilenceWatch(limit: 60_000)
    #expect(watch.check(sensor: sensor, now: 1_000_000) == nil, "never heard: nothing to miss")
    watch.heard(80, at: 1_000_000)
    #expect(watch.check(sensor: sensor, now: 1_060_000) == nil, "at the limit: not yet")
    let first = watch.check(sensor: sensor, now: 1_060_001)
    let alarm = try #require(first)
    #expect(alarm.reading == Reading(sensor: sensor, time: 1_060_000, value: 80, quality: .uncertain))
    #expect(alarm.score.reasons == .gap)
    #expect(alarm.score.score >= Sensitivity.low.threshold, "a data-quality finding at every sensitivity")
    #expect(watch.check(sensor: sensor, now: 2_000_000) == nil, "once per silence")
    // Heard again: re-armed, measured from the latest arrival (an arrival given out of order does not move it back).
    watch.heard(79, at: 2_500_000)
    watch.heard(78, at: 2_400_000)
    #expect(watch.check(sensor: sensor, now: 2_560_000) == nil)
    let second = watch.check(sensor: sensor, now: 2_560_001)
    #expect(second?.reading == Reading(sensor: sensor, time: 2_560_000, value: 78, quality: .uncertain))
}

@Test func maxSilenceIsPerSensorOffByDefaultAndOnlyWhereDetectionIs() {
    var anomaly = AnomalyConfiguration()
    let cave = SensorID(device: "cave", point: "humidity")
    #expect(anomaly.maxSilence(for: cave) == nil)
    #expect(!anomaly.watchesSilence)
    anomaly.maxSilence = .seconds(7_200)
    anomaly.overrides = [AnomalyOverride(sensor: "salon/*", maxSilence: .zero),
                         AnomalyOverride(sensor: "garage/*", enabled: false),
                         AnomalyOverride(sensor: "pompe/*", maxSilence: .seconds(60))]
    #expect(anomaly.watchesSilence)
    #expect(anomaly.maxSilence(for: cave) == 7_200_000)
    #expect(anomaly.maxSilence(for: SensorID(device: "salon", point: "t")) == nil)
    #expect(anomaly.maxSilence(for: SensorID(device: "garage", point: "t")) == nil)
    #expect(anomaly.maxSilence(for: SensorID(device: "pompe", point: "flow")) == 60_000)
    anomaly.maxSilence = nil
    #expect(anomaly.watchesSilence, "an override alone")
    #expect(anomaly.maxSilence(for: cave) == nil)
}
