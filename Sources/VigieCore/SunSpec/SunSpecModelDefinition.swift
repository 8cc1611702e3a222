/// One SunSpec model as published by the SunSpec Alliance: its fixed points in register order,
/// then an optional repeating block (model 160's `module`), after the two header registers
/// `ID` and `L`. The known models are generated from the model files (`known`).
public struct SunSpecModelDefinition: Sendable {
    public var id: Int
    public var name: String
    public var label: String
    /// The fixed points, in register order, from the register after `L`.
    public var points: [SunSpecPointDefinition]
    /// The repeating block's name (`module`), nil when the model has none.
    public var blockName: String?
    /// The points of one repeating block, in register order.
    public var block: [SunSpecPointDefinition]

    public init(id: Int, name: String, label: String, points: [SunSpecPointDefinition], blockName: String?,
                block: [SunSpecPointDefinition]) {
        self.id = id
        self.name = name
        self.label = label
        self.points = points
        self.blockName = blockName
        self.block = block
    }

    /// Registers of the fixed part, after the header.
    public var fixedLength: Int { points.reduce(0) { $0 + $1.size } }
    /// Registers of one repeating block.
    public var blockLength: Int { block.reduce(0) { $0 + $1.size } }
}

/// One point of a SunSpec model, as its model file gives it.
public struct SunSpecPointDefinition: Sendable {
    /// SunSpec's point types.
    public enum PointType: String, Sendable {
        case int16, uint16, int32, uint32, acc16, acc32, enum16, enum32, bitfield16, bitfield32
        case sunssf, count, pad, string, float32
    }

    public var name: String
    public var type: PointType
    /// Registers.
    public var size: Int
    /// The `sunssf` point giving this one's power of ten.
    public var scaleFrom: String?
    public var unit: String?
    /// An enum's symbols by value; a bitfield's by bit number (0 = least significant).
    public var labels: [Int: String]

    public init(name: String, type: PointType, size: Int, scaleFrom: String? = nil, unit: String? = nil,
                labels: [Int: String] = [:]) {
        self.name = name
        self.type = type
        self.size = size
        self.scaleFrom = scaleFrom
        self.unit = unit
        self.labels = labels
    }

    /// A bitfield with named bits: published as one `bits` point per named bit.
    var hasNamedBits: Bool {
        (type == .bitfield16 || type == .bitfield32) && !labels.isEmpty
    }

    /// How vigie decodes it and the raw value SunSpec uses for "not implemented"; nil for padding.
    var decoding: (type: ValueType, notAvailable: UInt64?)? {
        switch type {
        case .int16: (.int16, 0x8000)
        case .sunssf: (.int16, nil) // a factor's 0x8000 is handled where it scales a value
        case .uint16, .enum16, .bitfield16: (.uint16, 0xFFFF)
        case .count: (.uint16, nil)
        case .acc16: (.uint16, nil)
        case .int32: (.int32, 0x8000_0000)
        case .uint32, .enum32, .bitfield32: (.uint32, 0xFFFF_FFFF)
        case .acc32: (.uint32, nil)
        case .float32: (.float32, nil)
        case .string: (.string(registers: size), nil)
        case .pad: nil
        }
    }
}
