/// A concrete device on a bus: one unit id, its points, grouped by poll interval.
///
/// Built by `ModbusDeviceResolver` from a config entry (possibly a fleet) and its profile.
public struct ModbusDevice: Sendable, Equatable {
    /// The device name, `{unit}` already substituted: the `device` part of its sensor ids.
    public var name: String
    public var unit: Int
    /// The profile it came from, if any.
    public var profile: String?
    public var points: [PointDefinition]
    /// The device's default poll interval; points may override it.
    public var poll: Duration
    /// The profile's limit on registers per request, if any.
    public var maxRegistersPerRequest: Int?
    /// Whether the points come from the SunSpec models found on the device (`sunspec: true`):
    /// `points` then holds only the inline ones until the models are resolved.
    public var sunspec: Bool

    public init(name: String, unit: Int, profile: String? = nil, sunspec: Bool = false, points: [PointDefinition],
                poll: Duration, maxRegistersPerRequest: Int? = nil) {
        self.name = name
        self.unit = unit
        self.profile = profile
        self.sunspec = sunspec
        self.points = points
        self.poll = poll
        self.maxRegistersPerRequest = maxRegistersPerRequest
    }

    /// Points sharing one poll interval: polled together, planned together.
    public struct PollGroup: Sendable, Equatable {
        public var interval: Duration
        public var points: [PointDefinition]
    }

    /// The device's points grouped by their effective poll interval, fastest first.
    ///
    /// A group holding a point with `scaleFrom` also holds its factor point, so that a value is
    /// only ever combined with a factor read in the same poll.
    /// A factor point is polled only with the values it scales: its own `poll:` does not make a
    /// group of it.
    public var pollGroups: [PollGroup] {
        var groups: [PollGroup] = []
        let factors = scaleFactorNames
        for point in points where !factors.contains(point.name) {
            let interval = point.poll ?? poll
            if let index = groups.firstIndex(where: { $0.interval == interval }) {
                groups[index].points.append(point)
            } else {
                groups.append(PollGroup(interval: interval, points: [point]))
            }
        }
        let byName = Dictionary(points.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for index in groups.indices {
            let present = Set(groups[index].points.map(\.name))
            let missing = Set(groups[index].points.compactMap(\.scaleFrom)).subtracting(present)
            groups[index].points += missing.sorted().compactMap { byName[$0] }
        }
        return groups.sorted { $0.interval < $1.interval }
    }

    /// The points another point takes its power of ten from (`scale_from:`, SunSpec's `sunssf`).
    /// They are metadata of the values they scale: read in the same poll, never readings of their
    /// own (not stored, not sent upstream, not sensors); the technician commands show them.
    public var scaleFactorNames: Set<String> { Set(points.compactMap(\.scaleFrom)) }

    /// The points that become readings: all but the scale factors.
    public var measuredPoints: [PointDefinition] {
        let factors = scaleFactorNames
        return points.filter { !factors.contains($0.name) }
    }

    /// The sensor id of one of its points.
    public func sensor(_ point: PointDefinition) -> SensorID {
        SensorID(device: name, point: point.name)
    }
}
