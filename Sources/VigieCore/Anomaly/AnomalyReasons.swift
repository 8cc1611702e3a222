/// Why a reading looks wrong: the checks that fired, as a small bit set.
///
/// The first five are data-quality checks a technician can act on; the others come from the
/// statistical baseline.
public struct AnomalyReasons: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The value has not changed for longer than the sensor's usual variability allows.
    public static let stuck = AnomalyReasons(rawValue: 1 << 0)
    /// The value is outside the configured physical range.
    public static let outOfRange = AnomalyReasons(rawValue: 1 << 1)
    /// The value jumped further from the previous one than the sensor's history allows.
    public static let spike = AnomalyReasons(rawValue: 1 << 2)
    /// Polls were missed: the time since the previous reading is many expected intervals.
    public static let gap = AnomalyReasons(rawValue: 1 << 3)
    /// The device returned errors (bad-quality readings).
    public static let deviceError = AnomalyReasons(rawValue: 1 << 4)
    /// The value is unlikely given the learned level, spread and daily/weekly pattern.
    public static let unusualValue = AnomalyReasons(rawValue: 1 << 5)
    /// The recent readings, taken together, are unlikely: a level shift or a change of variance.
    public static let unusualBehaviour = AnomalyReasons(rawValue: 1 << 6)

    private static let names: [(AnomalyReasons, String)] = [
        (.stuck, "stuck"), (.outOfRange, "out_of_range"), (.spike, "spike"), (.gap, "gap"),
        (.deviceError, "device_error"), (.unusualValue, "unusual_value"),
        (.unusualBehaviour, "unusual_behaviour"),
    ]

    /// The stable names of the reasons set, e.g. `["stuck", "gap"]` (used in events and payloads).
    public var names: [String] {
        Self.names.compactMap { contains($0.0) ? $0.1 : nil }
    }

    /// The reasons named in `names` (as `names` writes them); unknown names are ignored, so an
    /// event stored by a newer vigie still reads back.
    public init(names: some Sequence<String>) {
        self = names.reduce(into: []) { reasons, name in
            if let known = Self.names.first(where: { $0.1 == name }) { reasons.insert(known.0) }
        }
    }

    /// The names joined by `+`, or `none`.
    public var description: String {
        isEmpty ? "none" : names.joined(separator: "+")
    }
}
