/// One value read from a Modbus device: where it is, how to decode it, what it means.
///
/// The same schema serves a device profile's points and a config's inline `points:`.
public struct PointDefinition: Sendable, Equatable {
    public var name: String
    public var table: RegisterTable
    /// Protocol address, 0-based (register 40001 in a manual is holding address 0).
    public var address: Int
    public var type: ValueType
    public var order: ByteOrder
    public var scale: Double
    public var offset: Double
    /// A SenML unit name (`W`, `kWh`, `Cel`, `%RH`, `ppm`...).
    public var unit: String?
    public var description: String?
    /// Overrides the device's poll interval for this point (fast power, slow energy counters).
    public var poll: Duration?
    /// The physical range; a value outside it is flagged by the anomaly detector.
    public var min: Double?
    public var max: Double?
    /// Present only on a point the hub may write (`write: { min, max, step }`).
    public var write: PointWriteLimits?
    /// The point holding this one's power-of-ten scale (SunSpec's `sunssf`, int16): value =
    /// raw × 10^factor × scale + offset, the factor read in the same poll.
    public var scaleFrom: String?
    /// Labels of raw values (`enum:`), e.g. 4 → `MPPT`; empty for a plain number.
    public var labels: [Int: String]
    /// A raw value meaning "not available" (`not_available:`, SunSpec's 0xFFFF or 0x8000): read as bad.
    public var notAvailable: UInt64?

    public init(name: String, table: RegisterTable, address: Int, type: ValueType = .uint16,
                order: ByteOrder = .abcd, scale: Double = 1, offset: Double = 0, unit: String? = nil,
                description: String? = nil, poll: Duration? = nil, min: Double? = nil, max: Double? = nil,
                scaleFrom: String? = nil, labels: [Int: String] = [:], notAvailable: UInt64? = nil,
                write: PointWriteLimits? = nil) {
        self.name = name
        self.table = table
        self.address = address
        self.type = type
        self.order = order
        self.scale = scale
        self.offset = offset
        self.unit = unit
        self.description = description
        self.poll = poll
        self.min = min
        self.max = max
        self.write = write
        self.scaleFrom = scaleFrom
        self.labels = labels
        self.notAvailable = notAvailable
    }

    /// The label of a value, when the point has labels (`enum:`) and one fits.
    public func label(of value: Double) -> String? {
        guard !labels.isEmpty, value.isFinite, let raw = Int(exactly: value) else { return nil }
        return labels[raw]
    }

    /// The raw value of a label: what a write of that label sends.
    public func rawValue(ofLabel label: String) -> Int? {
        labels.first { $0.value == label }?.key
    }

    /// Registers (or bits, for coils and discrete inputs) the point occupies.
    public var width: Int { table.isBitTable ? 1 : type.registerCount }
}

/// The four Modbus data tables.
public enum RegisterTable: String, Sendable, CaseIterable, Equatable {
    case coils, discrete, holding, input

    public var isBitTable: Bool { self == .coils || self == .discrete }
}

/// How a value is laid out in registers.
public enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case bool, int16, uint16, int32, uint32, int64, uint64, float32, float64
    /// ASCII text over `registers` registers (two characters each).
    case string(registers: Int)
    /// An unsigned field of `width` bits from bit `bit` (0 = least significant) of a 16- or 32-bit register.
    case bits(BitField)

    public static let numericTypes: [ValueType] = [.int16, .uint16, .int32, .uint32, .int64, .uint64, .float32, .float64]

    public var registerCount: Int {
        switch self {
        case .bool, .int16, .uint16: 1
        case .int32, .uint32, .float32: 2
        case .int64, .uint64, .float64: 4
        case .string(let registers): registers
        case .bits(let field): field.registers
        }
    }

    public var description: String {
        switch self {
        case .bool: "bool"
        case .int16: "int16"
        case .uint16: "uint16"
        case .int32: "int32"
        case .uint32: "uint32"
        case .int64: "int64"
        case .uint64: "uint64"
        case .float32: "float32"
        case .float64: "float64"
        case .string: "string"
        case .bits: "bits"
        }
    }

    /// Parses a type name; `string` takes its length from the point's `length:`.
    public init?(name: String, stringRegisters: Int = 1) {
        switch name {
        case "bool": self = .bool
        case "int16": self = .int16
        case "uint16": self = .uint16
        case "int32": self = .int32
        case "uint32": self = .uint32
        case "int64": self = .int64
        case "uint64": self = .uint64
        case "float32", "float": self = .float32
        case "float64", "double": self = .float64
        case "string": self = .string(registers: stringRegisters)
        default: return nil
        }
    }

    public static let names = ["bool", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "string",
                               "bits"]

    /// Whole numbers: the types an `enum:` may label and a `scale_from:` may scale.
    public var isInteger: Bool {
        switch self {
        case .int16, .uint16, .int32, .uint32, .int64, .uint64, .bits, .bool: true
        case .float32, .float64, .string: false
        }
    }
}

/// Where a `type: bits` point sits in its register: `bit` (0 = least significant) and `width` bits
/// in a register of `registers` words (1: 16 bits, 2: 32 bits, laid out by the point's order).
public struct BitField: Sendable, Hashable {
    public var registers: Int
    public var bit: Int
    public var width: Int

    public init(registers: Int = 1, bit: Int, width: Int = 1) {
        self.registers = registers
        self.bit = bit
        self.width = width
    }

    /// Bits in the register.
    public var registerBits: Int { 16 * registers }

    /// Whether the field lies inside its register.
    public var fits: Bool { bit >= 0 && width >= 1 && bit + width <= registerBits }

    /// The field's bits, in place.
    public var mask: UInt64 { ((UInt64(1) << UInt64(width)) - 1) << UInt64(bit) }

    /// The field's value in a register value.
    public func extract(from register: UInt64) -> UInt64 { (register & mask) >> UInt64(bit) }

    /// `register` with the field set to `value` (truncated to the field's width): a read-modify-write.
    public func insert(_ value: UInt64, into register: UInt64) -> UInt64 {
        (register & ~mask) | ((value << UInt64(bit)) & mask)
    }
}

/// Byte and word order of a multi-register value, named by where bytes A (most significant)...D land.
///
/// `ABCD` is big-endian words in big-endian order (the Modbus default); `CDAB` swaps words
/// (common on energy meters); `BADC` swaps bytes in each word; `DCBA` is fully little-endian.
public enum ByteOrder: String, Sendable, CaseIterable, Equatable {
    case abcd = "ABCD", cdab = "CDAB", badc = "BADC", dcba = "DCBA"
}

/// A device model's register map, from `devices/<id>.yaml`.
public struct DeviceProfile: Sendable, Equatable {
    public var id: String
    public var manufacturer: String
    public var model: String
    /// Where the register map comes from (manual title, version, URL).
    public var source: String
    public var maxRegistersPerRequest: Int?
    public var points: [PointDefinition]
    /// The Smart Data Model its windows become at an NGSI-LD broker, nil for the fallback.
    public var ngsiLD: NGSILDModel?

    public init(id: String, manufacturer: String, model: String, source: String,
                maxRegistersPerRequest: Int? = nil, points: [PointDefinition], ngsiLD: NGSILDModel? = nil) {
        self.id = id
        self.manufacturer = manufacturer
        self.model = model
        self.source = source
        self.maxRegistersPerRequest = maxRegistersPerRequest
        self.points = points
        self.ngsiLD = ngsiLD
    }
}
