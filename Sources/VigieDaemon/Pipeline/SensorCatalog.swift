import Synchronization
import VigieCore

/// What the gateway knows about each Modbus sensor: unit, physical range, poll interval, labels.
///
/// Built from the configuration at start-up, and told the points a `sunspec: true` device
/// turned out to hold each time its models are found (start-up, and again after a reconnect):
/// discovered points get their units and labels upstream and on the status page like
/// configured ones. Scale-factor points are metadata, never sensors: not in the catalog.
///
/// MQTT sensors are named by their payloads, so they are not in the catalog until a payload
/// names them; for those the detector runs without a range or an expected interval.
public final class SensorCatalog: Sendable {
    public struct Entry: Sendable, Equatable {
        public var unit: String?
        public var minimum: Double?
        public var maximum: Double?
        /// The poll interval in milliseconds: a longer silence is a gap.
        public var expectedInterval: Int64?
        /// An enum point's labels by raw value (`enum:`); empty otherwise.
        public var labels: [Int: String] = [:]
    }

    private struct Entries {
        var configured: [SensorID: Entry] = [:]
        /// Per SunSpec device name, the entries of the points its models gave.
        var discovered: [String: [SensorID: Entry]] = [:]
    }

    private let entries: Mutex<Entries>

    public init(_ loaded: LoadedConfiguration) {
        entries = Mutex(Entries(configured: Self.configured(loaded)))
    }

    /// Takes a reloaded configuration's points; what discovery found stays until found again.
    public func configure(_ loaded: LoadedConfiguration) {
        let configured = Self.configured(loaded)
        entries.withLock { $0.configured = configured }
    }

    private static func configured(_ loaded: LoadedConfiguration) -> [SensorID: Entry] {
        var configured: [SensorID: Entry] = [:]
        let resolver = ModbusDeviceResolver(profiles: loaded.profiles)
        for bus in loaded.configuration.modbus.buses {
            guard let devices = try? resolver.devices(of: bus) else { continue }
            for device in devices {
                configured.merge(entries(of: device)) { _, new in new }
            }
        }
        return configured
    }

    /// Takes the points a SunSpec device's models gave (with its inline points), replacing what an
    /// earlier discovery of the same device said.
    public func learn(_ device: ModbusDevice) {
        let found = Self.entries(of: device)
        entries.withLock { $0.discovered[SensorID.lowercase(device.name)] = found }
    }

    private static func entries(of device: ModbusDevice) -> [SensorID: Entry] {
        var entries: [SensorID: Entry] = [:]
        for point in device.measuredPoints {
            entries[device.sensor(point)] = Entry(unit: point.unit, minimum: point.min, maximum: point.max,
                                                  expectedInterval: (point.poll ?? device.poll).milliseconds,
                                                  labels: point.labels)
        }
        return entries
    }

    public subscript(sensor: SensorID) -> Entry? {
        entries.withLock { $0.discovered[sensor.device]?[sensor] ?? $0.configured[sensor] }
    }

    public func unit(of sensor: SensorID) -> String? { self[sensor]?.unit }

    /// An enum sensor's labels by raw value; empty for any other sensor.
    public func labels(of sensor: SensorID) -> [Int: String] { self[sensor]?.labels ?? [:] }

    /// Every known Modbus sensor (configured or discovered), sorted.
    public var sensors: [SensorID] {
        entries.withLock { entries in
            Set(entries.configured.keys).union(entries.discovered.values.flatMap(\.keys)).sorted()
        }
    }
}
