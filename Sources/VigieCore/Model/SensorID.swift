/// The stable name of one measured quantity: `device/point`, e.g. `tableau-general/active_power`.
///
/// Used as is in storage, upstream topics and the status page, so it is kept lowercase.
public struct SensorID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let device: String
    public let point: String

    public init(device: String, point: String) {
        self.device = Self.lowercase(device)
        self.point = Self.lowercase(point)
    }

    /// `lowercased()`, without a new string when there is nothing to lower (ASCII, no capital):
    /// sensor names are built for every reading received.
    public static func lowercase(_ text: String) -> String {
        text.utf8.contains { (0x41...0x5A).contains($0) || $0 >= 0x80 } ? text.lowercased() : text
    }

    /// Parses `device/point`; the point may itself contain `/` (flattened MQTT fields do not, but templates may).
    public init?(_ text: String) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        let device = text[..<slash]
        let point = text[text.index(after: slash)...]
        guard !device.isEmpty, !point.isEmpty else { return nil }
        self.init(device: String(device), point: String(point))
    }

    public var description: String { "\(device)/\(point)" }

    public static func < (lhs: SensorID, rhs: SensorID) -> Bool {
        (lhs.device, lhs.point) < (rhs.device, rhs.point)
    }
}
