/// Turns register words read from a device into values, for every `ValueType` and `ByteOrder`.
///
/// Pure and allocation-light: the poll loop calls it once per point per poll.
public enum RegisterDecoder {
    /// The value a point's words hold, before scale and offset.
    public enum RawValue: Sendable, Equatable {
        case number(Double)
        case text(String)
        /// A float that is NaN or infinite: devices use it for "not available".
        case notANumber
    }

    /// Decodes `words` (exactly `type.registerCount` of them, or one for `bool`) laid out in `order`.
    ///
    /// Returns nil when there are too few words for the type.
    public static func decode(_ words: some Collection<UInt16>, type: ValueType, order: ByteOrder) -> RawValue? {
        let words = Array(words)
        guard words.count >= type.registerCount else { return nil }
        switch type {
        case .bool:
            return .number(words[0] != 0 ? 1 : 0)
        case .string(let registers):
            return .text(text(Array(words.prefix(registers)), order: order))
        default:
            let bits = bigEndianBits(Array(words.prefix(type.registerCount)), order: order)
            switch type {
            case .uint16, .uint32, .uint64: return .number(Double(bits))
            case .int16: return .number(Double(Int16(truncatingIfNeeded: bits)))
            case .int32: return .number(Double(Int32(truncatingIfNeeded: bits)))
            case .int64: return .number(Double(Int64(bitPattern: bits)))
            case .float32:
                let value = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
                return value.isFinite ? .number(Double(value)) : .notANumber
            case .float64:
                let value = Double(bitPattern: bits)
                return value.isFinite ? .number(value) : .notANumber
            case .bits(let field): return .number(Double(field.extract(from: bits)))
            case .bool, .string: return nil
            }
        }
    }

    /// Decodes a point's words and applies its scale and offset: the reading's value and quality.
    ///
    /// `factor` is the power of ten read from the point's `scaleFrom` register in the same poll
    /// (nil for a point without one); a point's `notAvailable` raw value reads as not a number.
    public static func reading(_ words: some Collection<UInt16>, point: PointDefinition,
                               factor: Int? = nil) -> (value: Double, quality: Quality) {
        if let marker = point.notAvailable, rawBits(words, point: point) == marker {
            return (.nan, .bad(.notANumber))
        }
        switch decode(words, type: point.type, order: point.order) {
        case .number(let raw):
            let value = timesPowerOfTen(raw, factor ?? 0) * point.scale + point.offset
            return value.isFinite ? (value, .good) : (.nan, .bad(.outOfRange))
        case .notANumber:
            return (.nan, .bad(.notANumber))
        case .text, nil:
            return (.nan, .bad(.decodeFailed))
        }
    }

    /// The point's words as one unsigned number (before its bit field is taken), nil if too few.
    public static func rawBits(_ words: some Collection<UInt16>, point: PointDefinition) -> UInt64? {
        let count = point.type.registerCount
        guard words.count >= count, count <= 4 else { return nil }
        return bigEndianBits(Array(words.prefix(count)), order: point.order)
    }

    /// SunSpec's scale-factor range is -10...10; beyond it a factor is taken as garbage.
    public static let scaleFactorRange = -10...10

    /// value × 10^exponent; a negative exponent divides, so 2315 × 10^-1 is 231.5 exactly.
    public static func timesPowerOfTen(_ value: Double, _ exponent: Int) -> Double {
        var power = 1.0
        for _ in 0..<min(abs(exponent), 308) { power *= 10 }
        return exponent < 0 ? value / power : value * power
    }

    /// The value of a bit-table point (coil or discrete input), scaled.
    public static func reading(bit: Bool, point: PointDefinition) -> (value: Double, quality: Quality) {
        ((bit ? 1 : 0) * point.scale + point.offset, .good)
    }

    /// The value as an unsigned integer whose most significant byte is A.
    static func bigEndianBits(_ words: [UInt16], order: ByteOrder) -> UInt64 {
        var result: UInt64 = 0
        for word in orderedWords(words, order: order) {
            result = result << 16 | UInt64(word)
        }
        return result
    }

    /// Words rearranged so they read most significant first, each word big-endian.
    static func orderedWords(_ words: [UInt16], order: ByteOrder) -> [UInt16] {
        switch order {
        case .abcd: words
        case .cdab: words.reversed()
        case .badc: words.map(\.byteSwapped)
        case .dcba: words.reversed().map(\.byteSwapped)
        }
    }

    /// ASCII text, two characters per register (high byte first for ABCD/CDAB), NULs and trailing spaces dropped.
    static func text(_ words: [UInt16], order: ByteOrder) -> String {
        let swapBytes = order == .badc || order == .dcba
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.count * 2)
        for word in words {
            let word = swapBytes ? word.byteSwapped : word
            bytes.append(UInt8(word >> 8))
            bytes.append(UInt8(word & 0xFF))
        }
        let printable = bytes.filter { $0 >= 0x20 && $0 < 0x7F }
        var text = String(decoding: printable, as: UTF8.self)
        while text.last == " " { text.removeLast() }
        return text
    }
}
