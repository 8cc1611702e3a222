import Testing
@testable import VigieCore

struct RegisterDecoderTests {
    /// Words as the acceptance peer (pymodbus) lays them out, from its big-endian byte definition.
    @Test func decodesTheSameWordsInEveryOrderAsTheOrderNames() {
        // float32 230.5 = 0x43667FFF? no: 0x43668000 -> A=43 B=66 C=80 D=00
        #expect(RegisterDecoder.decode([0x4366, 0x8000], type: .float32, order: .abcd) == .number(230.5))
        #expect(RegisterDecoder.decode([0x8000, 0x4366], type: .float32, order: .cdab) == .number(230.5))
        #expect(RegisterDecoder.decode([0x6643, 0x0080], type: .float32, order: .badc) == .number(230.5))
        #expect(RegisterDecoder.decode([0x0080, 0x6643], type: .float32, order: .dcba) == .number(230.5))
    }

    @Test func decodesSignedAndUnsignedIntegers() {
        #expect(RegisterDecoder.decode([0xFFD6], type: .int16, order: .abcd) == .number(-42))
        #expect(RegisterDecoder.decode([0xFFD6], type: .uint16, order: .abcd) == .number(65494))
        #expect(RegisterDecoder.decode([0x1234, 0x5678], type: .uint32, order: .abcd) == .number(0x12345678))
        // -100000 = 0xFFFE7960, CDAB: low word first
        #expect(RegisterDecoder.decode([0x7960, 0xFFFE], type: .int32, order: .cdab) == .number(-100000))
        // -9e12 as int64 ABCD
        let words = RegisterEncoder.words(-9_000_000_000_000, type: .int64, order: .abcd)
        #expect(RegisterDecoder.decode(words, type: .int64, order: .abcd) == .number(-9e12))
    }

    @Test func everyTypeAndOrderRoundTripsThroughTheEncoder() {
        let samples: [(ValueType, Double)] = [(.int16, -1234), (.uint16, 54321), (.int32, -123456789), (.uint32, 3_000_000_000),
                                              (.int64, -1_234_567_890_123), (.uint64, 9_876_543_210_123), (.float32, -12.25),
                                              (.float64, 12345.678)]
        for (type, value) in samples {
            for order in ByteOrder.allCases {
                let words = RegisterEncoder.words(value, type: type, order: order)
                #expect(words.count == type.registerCount)
                #expect(RegisterDecoder.decode(words, type: type, order: order) == .number(value), "\(type) \(order)")
            }
        }
    }

    @Test func nanAndInfinityFloatsAreBadReadings() {
        let point = PointDefinition(name: "p", table: .holding, address: 0, type: .float32)
        #expect(RegisterDecoder.reading([0x7FC0, 0x0000], point: point).quality == .bad(.notANumber))
        #expect(RegisterDecoder.reading([0x7F80, 0x0000], point: point).quality == .bad(.notANumber))
        let double = PointDefinition(name: "d", table: .holding, address: 0, type: .float64)
        #expect(RegisterDecoder.reading([0x7FF8, 0, 0, 0], point: double).quality == .bad(.notANumber))
    }

    @Test func appliesScaleThenOffset() {
        let point = PointDefinition(name: "t", table: .holding, address: 31, type: .int16, scale: 0.01, offset: 10)
        let reading = RegisterDecoder.reading([UInt16(bitPattern: -500)], point: point)
        #expect(reading.quality == .good)
        #expect(abs(reading.value - 5) < 1e-9)
    }

    @Test func tooFewWordsAreADecodeFailure() {
        let point = PointDefinition(name: "p", table: .holding, address: 0, type: .uint32)
        #expect(RegisterDecoder.reading([1], point: point).quality == .bad(.decodeFailed))
    }

    @Test func decodesTextTwoCharactersPerRegister() {
        let words = RegisterEncoder.words(text: "SunS", registers: 2, order: .abcd)
        #expect(words == [0x5375, 0x6E53])
        #expect(RegisterDecoder.decode(words + [0x2020], type: .string(registers: 3), order: .abcd) == .text("SunS"))
    }
}
