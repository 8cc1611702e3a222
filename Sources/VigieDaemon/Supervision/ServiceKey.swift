/// What identifies one child of a `ServiceSet` across reloads: a child with the same key in the
/// old and the new set is the same service, kept when its fingerprint did not change.
///
/// Built only here, so the pipeline that names its parts and the reload that looks them up
/// cannot spell a key two ways.
public struct ServiceKey: Hashable, Sendable, CustomStringConvertible {
    public let description: String

    /// A key of another kind (the supervision tests name theirs).
    public init(_ name: String) { description = name }

    /// The Modbus source polling the bus named `bus`.
    public static func modbus(bus: String) -> ServiceKey { ServiceKey("modbus:\(bus)") }

    /// The MQTT source (one per gateway).
    public static let mqttSource = ServiceKey("mqtt")

    /// Every upstream sink, started and stopped together.
    public static let upstream = ServiceKey("upstream")
}
