import VigieCore

/// Register decoding: the first bytes choose the type, word order, scale and offset; the rest
/// are the words a device sent (possibly too few).
enum RegisterFuzzing {
    static func decode(_ bytes: [UInt8]) {
        guard bytes.count >= 4 else { return }
        let types = ValueType.numericTypes + [.bool, .string(registers: Int(bytes[0] >> 4) + 1)]
        let type = types[Int(bytes[0] & 0x0F) % types.count]
        let order = ByteOrder.allCases[Int(bytes[1]) % ByteOrder.allCases.count]
        let scales: [Double] = [1, 0.1, 0.001, 10, -1, 1e300, 0]
        let scale = scales[Int(bytes[2]) % scales.count]
        let offset = Double(Int8(bitPattern: bytes[3]))
        var words: [UInt16] = []
        var index = 4
        while index + 1 < bytes.count {
            words.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
            index += 2
        }
        let point = PointDefinition(name: "p", table: .holding, address: 0, type: type, order: order, scale: scale, offset: offset)
        let reading = RegisterDecoder.reading(words, point: point)
        if reading.quality == .good {
            precondition(reading.value.isFinite, "a good reading with a non-finite value")
            precondition(words.count >= type.registerCount, "a good reading from too few words")
        }
        let bit = RegisterDecoder.reading(bit: words.first.map { $0 != 0 } ?? false, point: point)
        precondition(bit.quality != .good || !bit.value.isNaN, "a good bit reading that is NaN")
    }
}
