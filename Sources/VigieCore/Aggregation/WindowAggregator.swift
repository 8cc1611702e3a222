/// Computes the statistics of every sensor over one window from its readings.
///
/// A plain value owned by one task: feed it the committed readings of the window (in any
/// order; `last` is the latest by time) and read `statistics`. Readings outside the window
/// are ignored and counted in `outside`. A sensor with no reading in the window gets no entry,
/// so no aggregate is sent for it (the hub sees the gap as a missing window; a sensor whose
/// readings were all bad still gets an entry with `count == 0` and its `bad` count).
///
/// Percentiles are exact: with `p50` or `p95` requested the aggregator keeps every good value
/// of the window (8 bytes per reading: a 15m window polled every second holds 900 values per
/// sensor); without them it keeps a few numbers per sensor.
public struct WindowAggregator: Sendable {
    public let window: WindowRange
    /// Whether p50 and p95 are computed.
    public let percentiles: Bool
    private var accumulated: [SensorID: AggregateStatistics] = [:]
    private var values: [SensorID: [Double]] = [:]
    /// Readings given that fell outside the window.
    public private(set) var outside = 0

    /// An aggregator for `window`, computing percentiles when `statistics` asks for one.
    public init(window: WindowRange, statistics: [Statistic] = Statistic.allCases) {
        self.window = window
        self.percentiles = statistics.contains(.p50) || statistics.contains(.p95)
    }

    /// Adds one reading.
    public mutating func add(_ reading: Reading) {
        guard window.contains(reading.time) else {
            outside += 1
            return
        }
        accumulated[reading.sensor, default: .empty].add(
            value: reading.value, time: reading.time, quality: reading.quality)
        if percentiles, reading.value.isFinite, !AggregateStatistics.isBad(reading.quality) {
            values[reading.sensor, default: []].append(reading.value)
        }
    }

    /// Adds readings in order.
    public mutating func add(contentsOf readings: some Sequence<Reading>) {
        for reading in readings { add(reading) }
    }

    /// The statistics per sensor seen in the window.
    public var statistics: [SensorID: AggregateStatistics] {
        guard percentiles else { return accumulated }
        var result = accumulated
        for (sensor, sensorValues) in values {
            let sorted = sensorValues.sorted()
            result[sensor]?.p50 = Percentile.of(sorted: sorted, fraction: 0.5)
            result[sensor]?.p95 = Percentile.of(sorted: sorted, fraction: 0.95)
        }
        return result
    }

    /// The statistics of `readings` within `window`, per sensor.
    public static func compute(window: WindowRange, readings: some Sequence<Reading>,
                               statistics: [Statistic] = Statistic.allCases) -> [SensorID: AggregateStatistics] {
        var aggregator = WindowAggregator(window: window, statistics: statistics)
        aggregator.add(contentsOf: readings)
        return aggregator.statistics
    }
}
