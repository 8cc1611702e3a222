/// A validated configuration with every device profile it names, ready to build a pipeline from.
public struct LoadedConfiguration: Sendable {
    public var configuration: Configuration
    /// The profiles devices name, by profile id.
    public var profiles: [String: DeviceProfile]
    /// The file the configuration was read from (as given, not made absolute).
    public var path: String

    public init(configuration: Configuration, profiles: [String: DeviceProfile], path: String) {
        self.configuration = configuration
        self.profiles = profiles
        self.path = path
    }

    /// The points of one device entry: its profile's points, then its inline points
    /// (an inline point replaces the profile's point of the same name).
    public func points(of device: ModbusDeviceConfiguration) -> [PointDefinition] {
        var points = device.profile.flatMap { profiles[$0]?.points } ?? []
        for point in device.points {
            if let index = points.firstIndex(where: { $0.name == point.name }) {
                points[index] = point
            } else {
                points.append(point)
            }
        }
        return points
    }

    /// The NGSI-LD model of each Modbus device by name (entries expanded per unit): the entry's
    /// own `ngsi_ld`, else its profile's; devices without one are absent (the fallback applies).
    public var ngsiLDModels: [String: NGSILDModel] {
        var models: [String: NGSILDModel] = [:]
        for bus in configuration.modbus.buses {
            for device in bus.devices {
                guard let model = device.ngsiLD ?? device.profile.flatMap({ profiles[$0]?.ngsiLD }) else { continue }
                for unit in device.units { models[device.name(forUnit: unit)] = model }
            }
        }
        return models
    }
}
