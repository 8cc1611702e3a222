/// The inverse of `RegisterDecoder`: a value laid out in register words (the simulator serves these).
public enum RegisterEncoder {
    /// Words holding `value` (before scale and offset) as `type` in `order`; integers are rounded and clamped.
    public static func words(_ value: Double, type: ValueType, order: ByteOrder) -> [UInt16] {
        let bits: UInt64
        switch type {
        case .bool: return [value != 0 ? 1 : 0]
        case .string(let registers): return [UInt16](repeating: 0x2020, count: registers)
        case .uint16: bits = UInt64(clamped(value, 0, Double(UInt16.max)))
        case .int16: bits = UInt64(UInt16(bitPattern: Int16(clamped(value, Double(Int16.min), Double(Int16.max)))))
        case .uint32: bits = UInt64(clamped(value, 0, Double(UInt32.max)))
        case .int32: bits = UInt64(UInt32(bitPattern: Int32(clamped(value, Double(Int32.min), Double(Int32.max)))))
        case .uint64: bits = value >= 18_446_744_073_709_549_568 ? .max : UInt64(clamped(value, 0, 18_446_744_073_709_549_568))
        case .int64: bits = UInt64(bitPattern: value >= 9_223_372_036_854_774_784 ? .max
                                    : Int64(clamped(value, -9_223_372_036_854_775_808, 9_223_372_036_854_774_784)))
        case .float32: bits = UInt64(Float(value).bitPattern)
        case .float64: bits = value.bitPattern
        case .bits(let field): bits = field.insert(UInt64(clamped(value, 0, Double((1 << field.width) - 1))), into: 0)
        }
        return layout(bits, count: type.registerCount, order: order)
    }

    /// Words holding `text` as ASCII over `registers` registers, space padded.
    public static func words(text: String, registers: Int, order: ByteOrder) -> [UInt16] {
        var bytes = Array(text.utf8.prefix(registers * 2))
        bytes += [UInt8](repeating: 0x20, count: registers * 2 - bytes.count)
        let swap = order == .badc || order == .dcba
        return (0..<registers).map { index in
            let word = UInt16(bytes[2 * index]) << 8 | UInt16(bytes[2 * index + 1])
            return swap ? word.byteSwapped : word
        }
    }

    /// `current` (the register as read) with the field of a `bits` point set to `value`: the
    /// read-modify-write that changes one flag and keeps every other bit of the register.
    public static func words(settingField field: BitField, to value: UInt64, in current: [UInt16],
                             order: ByteOrder) -> [UInt16] {
        let register = RegisterDecoder.bigEndianBits(Array(current.prefix(field.registers)), order: order)
        return layout(field.insert(value, into: register), count: field.registers, order: order)
    }

    /// The scaled value a point should read as, turned back into the raw value for its words.
    public static func words(forReading value: Double, point: PointDefinition) -> [UInt16] {
        let scale = point.scale == 0 ? 1 : point.scale
        return words((value - point.offset) / scale, type: point.type, order: point.order)
    }

    private static func clamped(_ value: Double, _ low: Double, _ high: Double) -> Double {
        guard value.isFinite else { return value.isNaN ? 0 : (value > 0 ? high : low) }
        return Swift.min(Swift.max(value.rounded(), low), high)
    }

    /// `bits` (most significant byte A) as `count` words in `order`.
    public static func layout(_ bits: UInt64, count: Int, order: ByteOrder) -> [UInt16] {
        let bigEndian = (0..<count).map { index in UInt16(truncatingIfNeeded: bits >> (16 * UInt64(count - 1 - index))) }
        // Every order is its own inverse, so laying out is the same rearrangement as reading back.
        return RegisterDecoder.orderedWords(bigEndian, order: order)
    }
}
