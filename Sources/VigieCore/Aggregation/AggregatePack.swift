/// The aggregates of one device over one window: what one upstream message carries.
public struct AggregatePack: Hashable, Sendable {
    /// One point's statistics.
    public struct Point: Hashable, Sendable {
        public var name: String
        /// SenML unit name, nil when the point has none.
        public var unit: String?
        public var statistics: AggregateStatistics
        /// The label of the window's last value, for a point with `enum:` labels: sent upstream as
        /// a string beside the number (SenML `vs`, a JSON string).
        public var label: String?

        public init(name: String, unit: String?, statistics: AggregateStatistics, label: String? = nil) {
            self.name = name
            self.unit = unit
            self.statistics = statistics
            self.label = label
        }
    }

    public var device: String
    public var window: WindowRange
    /// Sorted by name.
    public var points: [Point]

    public init(device: String, window: WindowRange, points: [Point]) {
        self.device = device
        self.window = window
        self.points = points.sorted { $0.name < $1.name }
    }

    /// One pack per device (sorted by device) from a window's statistics.
    ///
    /// `labels` gives an enum point's labels: its last value's label goes with its statistics.
    public static func packs(window: WindowRange, statistics: [SensorID: AggregateStatistics],
                             unit: (SensorID) -> String?,
                             labels: (SensorID) -> [Int: String] = { _ in [:] }) -> [AggregatePack] {
        var byDevice: [String: [Point]] = [:]
        for (sensor, stats) in statistics {
            let last = stats.last.flatMap { $0.isFinite ? Int(exactly: $0) : nil }
            let label = last.flatMap { labels(sensor)[$0] }
            byDevice[sensor.device, default: []].append(Point(name: sensor.point, unit: unit(sensor), statistics: stats,
                                                              label: label))
        }
        return byDevice.keys.sorted().map { AggregatePack(device: $0, window: window, points: byDevice[$0] ?? []) }
    }

    /// One pack per device with statistics from `readings` (the committed readings of `window`).
    public static func packs(window: WindowRange, readings: some Sequence<Reading>, statistics: [Statistic],
                             unit: (SensorID) -> String?,
                             labels: (SensorID) -> [Int: String] = { _ in [:] }) -> [AggregatePack] {
        packs(window: window, statistics: WindowAggregator.compute(window: window, readings: readings, statistics: statistics),
              unit: unit, labels: labels)
    }

    /// One pack per point, for topic templates that name `{point}`.
    public func splitByPoint() -> [AggregatePack] {
        points.map { AggregatePack(device: device, window: window, points: [$0]) }
    }

    /// Both packs' statistics together over the span from the earlier start to the later end
    /// (the packs should be of the same device; the receiver's device is kept). A point's unit
    /// is the receiver's, or `other`'s when the receiver has none; its label goes with its last value.
    public func merged(with other: AggregatePack) -> AggregatePack {
        var byName: [String: Point] = [:]
        for point in points { byName[point.name] = point }
        for point in other.points {
            if let existing = byName[point.name] {
                let later = (point.statistics.lastTime ?? .min) >= (existing.statistics.lastTime ?? .min) ? point : existing
                byName[point.name] = Point(name: point.name, unit: existing.unit ?? point.unit,
                                           statistics: existing.statistics.merged(with: point.statistics), label: later.label)
            } else {
                byName[point.name] = point
            }
        }
        let span = WindowRange(start: Swift.min(window.start, other.window.start),
                               end: Swift.max(window.end, other.window.end))
        return AggregatePack(device: device, window: span, points: Array(byName.values))
    }
}
