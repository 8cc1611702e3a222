public struct ModbusConfiguration: Sendable, Equatable {
    public var buses: [ModbusBusConfiguration]

    public init(buses: [ModbusBusConfiguration] = []) {
        self.buses = buses
    }
}

/// One Modbus line: an RS-485 port or a TCP server (often a TCP-to-RTU gateway).
public struct ModbusBusConfiguration: Sendable, Equatable {
    public var name: String
    public var transport: ModbusTransport
    /// How long to wait for each reply.
    public var timeout: Duration
    /// Silence between two requests on the line (some RTU devices need it).
    public var interRequestDelay: Duration
    /// Registers between two points that a single request may still read over.
    public var maxGap: Int
    public var devices: [ModbusDeviceConfiguration]

    public init(name: String, transport: ModbusTransport, timeout: Duration = .seconds(1),
                interRequestDelay: Duration = .zero, maxGap: Int = 10,
                devices: [ModbusDeviceConfiguration] = []) {
        self.name = name
        self.transport = transport
        self.timeout = timeout
        self.interRequestDelay = interRequestDelay
        self.maxGap = maxGap
        self.devices = devices
    }
}

public enum ModbusTransport: Sendable, Equatable {
    case tcp(Endpoint)
    case rtu(SerialLine)
}

/// Serial line settings of an RTU bus.
public struct SerialLine: Sendable, Equatable, CustomStringConvertible {
    public var port: String
    public var baud: Int
    public var parity: Parity
    public var dataBits: Int
    public var stopBits: Int

    public enum Parity: String, Sendable, CaseIterable, Equatable {
        case none, even, odd
        /// The letter of `8N1`-style notation.
        public var letter: Character {
            switch self {
            case .none: "N"
            case .even: "E"
            case .odd: "O"
            }
        }
    }

    public init(port: String, baud: Int = 9600, parity: Parity = .none, dataBits: Int = 8, stopBits: Int = 1) {
        self.port = port
        self.baud = baud
        self.parity = parity
        self.dataBits = dataBits
        self.stopBits = stopBits
    }

    /// `/dev/ttyUSB0:9600:8N1`
    public var description: String { "\(port):\(baud):\(dataBits)\(parity.letter)\(stopBits)" }
}

/// A device entry: one meter, or a fleet of identical meters (`units: 1-20`).
public struct ModbusDeviceConfiguration: Sendable, Equatable {
    /// May contain `{unit}` for fleets: `compteur-{unit}`.
    public var name: String
    /// One or more unit ids (1...247) sharing this entry.
    public var units: [Int]
    /// A profile id from `profiles_dir`, or nil when `points` are given inline.
    public var profile: String?
    /// Whether the device's SunSpec models are found on the device at start-up (`sunspec: true`).
    public var sunspec: Bool
    /// Inline points; with a profile, these are added to (or replace by name) the profile's points.
    public var points: [PointDefinition]
    /// Default poll interval of the device's points.
    public var poll: Duration
    /// Replaces the profile's `ngsi_ld` model for this entry.
    public var ngsiLD: NGSILDModel?

    public init(name: String, units: [Int], profile: String? = nil, sunspec: Bool = false, points: [PointDefinition] = [],
                poll: Duration = .seconds(10), ngsiLD: NGSILDModel? = nil) {
        self.name = name
        self.units = units
        self.profile = profile
        self.sunspec = sunspec
        self.points = points
        self.poll = poll
        self.ngsiLD = ngsiLD
    }

    /// The device name for one unit id of the entry.
    public func name(forUnit unit: Int) -> String {
        name.replacingAll("{unit}", with: String(unit))
    }
}

extension String {
    /// Every occurrence of `target` replaced, without Foundation.
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
