/// Expands a bus's device entries into concrete devices: fleets (`units: 1-20`) become one
/// device per unit with `{unit}` substituted in the name; inline points are added to the
/// profile's points, replacing a profile point of the same name.
public struct ModbusDeviceResolver: Sendable {
    public var profiles: [String: DeviceProfile]

    public init(profiles: [String: DeviceProfile]) {
        self.profiles = profiles
    }

    /// The devices of one bus, in configuration order.
    public func devices(of bus: ModbusBusConfiguration) throws(DeviceResolutionError) -> [ModbusDevice] {
        var devices: [ModbusDevice] = []
        var names: Set<String> = []
        for entry in bus.devices {
            for unit in entry.units {
                let device = try self.device(entry, unit: unit, bus: bus.name)
                guard names.insert(device.name).inserted else {
                    throw DeviceResolutionError(.duplicateDevice, "bus \(bus.name) has two devices named \(device.name): give fleet entries a name with {unit}")
                }
                devices.append(device)
            }
        }
        return devices
    }

    /// One entry applied to one unit id.
    public func device(_ entry: ModbusDeviceConfiguration, unit: Int, bus: String) throws(DeviceResolutionError) -> ModbusDevice {
        guard (0...247).contains(unit) else {
            throw DeviceResolutionError(.invalidUnit, "device \(entry.name) on bus \(bus): unit id \(unit) is outside 0...247")
        }
        var points: [PointDefinition] = []
        var maxRegisters: Int?
        if let id = entry.profile {
            guard let profile = profiles[id] else {
                throw DeviceResolutionError(.unknownProfile, "device \(entry.name) on bus \(bus) names profile \(id), which was not found: check profiles_dir and the file devices/\(id).yaml")
            }
            points = profile.points
            maxRegisters = profile.maxRegistersPerRequest
        }
        for point in entry.points {
            if let index = points.firstIndex(where: { $0.name == point.name }) {
                points[index] = point
            } else {
                points.append(point)
            }
        }
        guard !points.isEmpty || entry.sunspec else {
            throw DeviceResolutionError(.noPoints, "device \(entry.name) on bus \(bus) has no points: give it a profile or points")
        }
        let names = Set(points.map(\.name))
        if !entry.sunspec, let point = points.first(where: { $0.scaleFrom.map { !names.contains($0) } ?? false }) {
            throw DeviceResolutionError(.unknownScaleFactor, "device \(entry.name) on bus \(bus): point \(point.name) takes "
                                        + "its scale from \(point.scaleFrom ?? ""), which is no point of the device")
        }
        return ModbusDevice(name: entry.name(forUnit: unit), unit: unit, profile: entry.profile, sunspec: entry.sunspec,
                            points: points, poll: entry.poll, maxRegistersPerRequest: maxRegisters)
    }
}

/// Why a device entry could not be turned into devices.
public struct DeviceResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public static let unknownProfile = Code(name: "unknown-profile")
        public static let duplicateDevice = Code(name: "duplicate-device")
        public static let invalidUnit = Code(name: "invalid-unit")
        public static let noPoints = Code(name: "no-points")
        public static let unknownScaleFactor = Code(name: "unknown-scale-factor")
        public var description: String { name }
    }

    public var code: Code
    /// What happened and what to do about it.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
