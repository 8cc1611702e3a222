import Testing
@testable import VigieCore

/// Statistics computed the plain way (two passes, sorting) to check the aggregator against.
private struct Reference {
    var count = 0, bad = 0
    var min: Double?, max: Double?, mean: Double?, stddev: Double?, last: Double?, p50: Double?, p95: Double?

    init(_ readings: [Reading]) {
        let good = readings.filter { $0.quality != .bad(.timeout) && $0.quality != .bad(.decodeFailed) }
        bad = readings.count - good.count
        count = good.count
        guard !good.isEmpty else { return }
        let values = good.map(\.value)
        let sorted = values.sorted()
        min = sorted.first
        max = sorted.last
        let sum = values.reduce(0, +)
        let average = sum / Double(values.count)
        mean = average
        stddev = (values.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(values.count)).squareRoot()
        // Latest time wins; on equal times the later reading in input order.
        last = good.enumerated().max { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }?.element.value
        func quantile(_ q: Double) -> Double {
            let h = Double(sorted.count - 1) * q
            let below = sorted[Int(h.rounded(.down))]
            let above = sorted[Int(h.rounded(.up))]
            return below + (h - h.rounded(.down)) * (above - below)
        }
        p50 = quantile(0.5)
        p95 = quantile(0.95)
    }
}

private func close(_ a: Double?, _ b: Double?, tolerance: Double = 1e-9) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case let (x?, y?): (x - y).magnitude <= tolerance * Swift.max(1, x.magnitude, y.magnitude)
    default: false
    }
}

private func randomReadings(_ random: inout SplitMix64, sensors: [SensorID], window: WindowRange, count: Int) -> [Reading] {
    (0..<count).map { _ in
        let sensor = sensors[Int.random(in: 0..<sensors.count, using: &random)]
        let time = Int64.random(in: window.start..<window.end, using: &random)
        let value = Double.random(in: -500...5_000, using: &random) + 1e6 * Double(Int.random(in: 0...1, using: &random))
        let roll = Int.random(in: 0..<20, using: &random)
        let quality: Quality = roll == 0 ? .bad(.timeout) : roll == 1 ? .bad(.decodeFailed) : roll == 2 ? .uncertain : .good
        return Reading(sensor: sensor, time: time, value: value, quality: quality)
    }
}

@Test func aggregatesMatchAReferenceOnRandomReadings() throws {
    var random = SplitMix64(seed: 0x5EED)
    let sensors = [SensorID(device: "meter", point: "voltage"), SensorID(device: "meter", point: "current"),
                   SensorID(device: "boiler", point: "flow")]
    for round in 0..<50 {
        let window = WindowRange(start: 1_700_000_000_000 + Int64(round) * 900_000, end: 1_700_000_900_000 + Int64(round) * 900_000)
        let readings = randomReadings(&random, sensors: sensors, window: window, count: Int.random(in: 1...400, using: &random))
        let statistics = WindowAggregator.compute(window: window, readings: readings)
        for sensor in sensors {
            let own = readings.filter { $0.sensor == sensor }
            guard !own.isEmpty else {
                #expect(statistics[sensor] == nil)
                continue
            }
            let reference = Reference(own)
            let stats = try #require(statistics[sensor])
            #expect(stats.count == reference.count)
            #expect(stats.bad == reference.bad)
            #expect(stats.min == reference.min)
            #expect(stats.max == reference.max)
            #expect(stats.last == reference.last)
            #expect(close(stats.mean, reference.mean), "round \(round) \(sensor) mean")
            #expect(close(stats.stddev, reference.stddev, tolerance: 1e-7), "round \(round) \(sensor) stddev")
            #expect(close(stats.p50, reference.p50), "round \(round) \(sensor) p50")
            #expect(close(stats.p95, reference.p95), "round \(round) \(sensor) p95")
        }
    }
}

@Test func badReadingsAreExcludedButCounted() throws {
    let sensor = SensorID(device: "meter", point: "voltage")
    let window = WindowRange(start: 0, end: 60_000)
    let readings = [
        Reading(sensor: sensor, time: 1_000, value: 230, quality: .good),
        Reading(sensor: sensor, time: 2_000, value: 9_999, quality: .bad(.outOfRange)),
        Reading(sensor: sensor, time: 3_000, value: .nan, quality: .good),
        Reading(sensor: sensor, time: 4_000, value: 232, quality: .uncertain),
        Reading(sensor: sensor, time: 5_000, value: -1, quality: .bad(.timeout)),
    ]
    let stats = try #require(WindowAggregator.compute(window: window, readings: readings)[sensor])
    #expect(stats.count == 2)
    #expect(stats.bad == 3)
    #expect(stats.min == 230 && stats.max == 232 && stats.mean == 231 && stats.last == 232)
    #expect(stats.stddev == 1)
}

@Test func aWindowOfOnlyBadReadingsHasCountsButNoValues() throws {
    let sensor = SensorID(device: "meter", point: "co2")
    let readings = (0..<3).map { Reading(sensor: sensor, time: Int64($0) * 100, value: 0, quality: .bad(.timeout)) }
    let stats = try #require(WindowAggregator.compute(window: WindowRange(start: 0, end: 1_000), readings: readings)[sensor])
    #expect(stats.count == 0 && stats.bad == 3)
    #expect(stats.min == nil && stats.mean == nil && stats.last == nil && stats.stddev == nil && stats.p50 == nil)
}

@Test func readingsOutsideTheWindowAreIgnoredAndCounted() {
    let sensor = SensorID(device: "meter", point: "voltage")
    var aggregator = WindowAggregator(window: WindowRange(start: 1_000, end: 2_000))
    aggregator.add(contentsOf: [999, 1_000, 1_999, 2_000].map { Reading(sensor: sensor, time: $0, value: 1) })
    #expect(aggregator.statistics[sensor]?.count == 2)
    #expect(aggregator.outside == 2)
}

@Test func percentilesAreLeftOutUnlessRequested() {
    let sensor = SensorID(device: "meter", point: "voltage")
    let readings = (0..<10).map { Reading(sensor: sensor, time: Int64($0), value: Double($0)) }
    let window = WindowRange(start: 0, end: 100)
    let without = WindowAggregator.compute(window: window, readings: readings, statistics: [.count, .mean])
    #expect(without[sensor]?.p50 == nil)
    let with = WindowAggregator.compute(window: window, readings: readings, statistics: [.p95])
    #expect(with[sensor]?.p50 == 4.5)
    #expect(close(with[sensor]?.p95, 8.55))
}

@Test func mergingEqualsComputingDirectly() throws {
    var random = SplitMix64(seed: 42)
    let sensor = SensorID(device: "meter", point: "power")
    for _ in 0..<30 {
        let hour = WindowRange(start: 3_600_000 * 400_000, end: 3_600_000 * 400_001)
        let readings = randomReadings(&random, sensors: [sensor], window: hour, count: Int.random(in: 0...300, using: &random))
        let direct = WindowAggregator.compute(window: hour, readings: readings)[sensor] ?? .empty
        var merged = AggregateStatistics.empty
        for quarter in 0..<4 {
            let start = hour.start + Int64(quarter) * 900_000
            let part = WindowAggregator.compute(window: WindowRange(start: start, end: start + 900_000), readings: readings)
            merged = merged.merged(with: part[sensor] ?? .empty)
        }
        #expect(merged.count == direct.count && merged.bad == direct.bad)
        #expect(merged.min == direct.min && merged.max == direct.max)
        #expect(merged.last == direct.last && merged.lastTime == direct.lastTime)
        #expect(close(merged.mean, direct.mean))
        #expect(close(merged.stddev, direct.stddev, tolerance: 1e-7))
    }
}

@Test func mergedPercentilesAreCountWeightedMeans() {
    let a = AggregateStatistics(count: 1, bad: 0, min: 1, max: 1, mean: 1, sumOfSquaredDeviations: 0,
                                last: 1, lastTime: 1, p50: 10, p95: 20)
    let b = AggregateStatistics(count: 3, bad: 2, min: 2, max: 2, mean: 2, sumOfSquaredDeviations: 0,
                                last: 2, lastTime: 0, p50: 30, p95: nil)
    let merged = a.merged(with: b)
    #expect(merged.p50 == 25)
    #expect(merged.p95 == nil)
    #expect(merged.last == 1, "the later reading wins, whichever side it is on")
    #expect(merged.bad == 2)
}
