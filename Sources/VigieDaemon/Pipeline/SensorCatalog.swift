import VigieCore

/// What the configuration says about each Modbus sensor: unit, physical range, poll interval,
/// value labels (`enum:` points).
///
/// MQTT sensors are named by their payloads, so they are not in the catalog until a payload
/// names them; for those the detector runs without a range or an expected interval.
public struct SensorCatalog: Sendable {
    public struct Entry: Sendable, Equatable {
        public var unit: String?
        public var minimum: Double?
        public var maximum: Double?
        /// The poll interval in milliseconds: a longer silence is a gap.
        public var expectedInterval: Int64?
        /// An enum point's labels by raw value (`enum:`); empty otherwise.
        public var labels: [Int: String] = [:]
    }

    private var entries: [SensorID: Entry] = [:]

    public init(_ loaded: LoadedConfiguration) {
        let resolver = ModbusDeviceResolver(profiles: loaded.profiles)
        for bus in loaded.configuration.modbus.buses {
            guard let devices = try? resolver.devices(of: bus) else { continue }
            for device in devices {
                for point in device.points {
                    let sensor = SensorID(device: device.name, point: point.name)
                    entries[sensor] = Entry(unit: point.unit, minimum: point.min, maximum: point.max,
                                            expectedInterval: (point.poll ?? device.poll).milliseconds, labels: point.labels)
                }
            }
        }
    }

    public subscript(sensor: SensorID) -> Entry? { entries[sensor] }

    public func unit(of sensor: SensorID) -> String? { entries[sensor]?.unit }

    /// An enum sensor's labels by raw value; empty for any other sensor.
    public func labels(of sensor: SensorID) -> [Int: String] { entries[sensor]?.labels ?? [:] }

    /// Every configured Modbus sensor, sorted.
    public var sensors: [SensorID] { entries.keys.sorted() }
}
