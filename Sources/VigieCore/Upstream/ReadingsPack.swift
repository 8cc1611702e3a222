/// Raw readings of one device, committed together, on their way to a sink whose `send` lists
/// `readings` (docs/upstream.md, "Raw readings").
///
/// The store writer makes the packs of each batch it commits and appends them to the outbox in
/// the batch's own transaction, so a committed reading is forwarded exactly once across crashes,
/// late or not, in commit order. A replay (`ReplayPackEncoder`) sends stored readings the same shape.
public struct ReadingsPack: Sendable, Hashable {
    /// One reading, named by its point within the device.
    public struct Entry: Sendable, Hashable {
        public var point: String
        public var unit: String?
        /// Milliseconds since the epoch.
        public var time: Int64
        public var value: Double
        public var quality: Quality

        public init(point: String, unit: String?, time: Int64, value: Double, quality: Quality) {
            self.point = point
            self.unit = unit
            self.time = time
            self.value = value
            self.quality = quality
        }
    }

    public var device: String
    /// In time order.
    public var entries: [Entry]

    public init(device: String, entries: [Entry]) {
        self.device = device
        self.entries = entries
    }

    /// One pack per device of `readings`, devices in order of first appearance, each in time
    /// order (readings of the same time keep their order); `unit` gives each sensor's unit.
    public static func packs(_ readings: [Reading], unit: (SensorID) -> String?) -> [ReadingsPack] {
        var byDevice: [String: [Entry]] = [:]
        var order: [String] = []
        for reading in readings {
            let device = reading.sensor.device
            if byDevice[device] == nil { order.append(device) }
            byDevice[device, default: []].append(Entry(point: reading.sensor.point, unit: unit(reading.sensor),
                                                       time: reading.time, value: reading.value, quality: reading.quality))
        }
        return order.map { device in
            ReadingsPack(device: device, entries: Self.timeOrdered(byDevice[device] ?? []))
        }
    }

    /// One pack per point, in order of first appearance: for a topic template with `{point}`.
    public func splitByPoint() -> [ReadingsPack] {
        var byPoint: [String: [Entry]] = [:]
        var order: [String] = []
        for entry in entries {
            if byPoint[entry.point] == nil { order.append(entry.point) }
            byPoint[entry.point, default: []].append(entry)
        }
        return order.map { ReadingsPack(device: device, entries: byPoint[$0] ?? []) }
    }

    /// A stable sort by time (a batch holds each sensor's readings in arrival order, not always in time order).
    private static func timeOrdered(_ entries: [Entry]) -> [Entry] {
        entries.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }
}
