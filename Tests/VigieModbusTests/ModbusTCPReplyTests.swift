import Testing
@testable import VigieModbus

/// The TCP reply checks, byte by byte, without sockets.
struct ModbusTCPReplyTests {
    let holding = ModbusTCPReply(transaction: 0x0102, unit: 7, function: 3, count: 2)

    @Test func aMatchingReplyGivesItsWordsAndBitsUnpackLowBitFirst() throws {
        #expect(try holding.words([1, 2, 0, 0, 0, 7, 7, 3, 4, 0x12, 0x34, 0xAB, 0xCD]).get() == [0x1234, 0xABCD])
        let coils = ModbusTCPReply(transaction: 9, unit: 1, function: 1, count: 10)
        #expect(try coils.words([0, 9, 0, 0, 0, 5, 1, 1, 2, 0b1000_0101, 0b10]).get() == [1, 0, 1, 0, 0, 0, 0, 1, 0, 1])
    }

    @Test func everyMismatchIsRefusedWithItsCause() {
        let cases: [([UInt8], String)] = [
            ([1, 3, 0, 0, 0, 7, 7, 3, 4, 0, 1, 0, 2], "reply to another request (transaction 259, expected 258)"),
            ([1, 2, 0, 1, 0, 7, 7, 3, 4, 0, 1, 0, 2], "not a Modbus reply (protocol id is not 0)"),
            ([1, 2, 0, 0, 0, 7, 8, 3, 4, 0, 1, 0, 2], "reply from unit 8, not unit 7"),
            ([1, 2, 0, 0, 0, 7, 7, 4, 4, 0, 1, 0, 2], "reply for function 4, not 3"),
            ([1, 2, 0, 0, 0, 5, 7, 3, 2, 0, 1], "reply carries 2 data bytes, expected 4"),
            ([1, 2, 0, 0, 0, 9, 7, 3, 6, 0, 1, 0, 2, 0, 3], "reply carries 6 data bytes, expected 4"),
            ([1, 2, 0, 0, 0, 7, 7, 3, 4, 0, 1], "reply carries 4 data bytes, expected 4"),
            ([1, 2, 0, 0], "reply too short (4 bytes)"),
            ([1, 2, 0, 0, 0, 3, 7, 0x83, 12], "invalid exception code 12"),
        ]
        for (reply, cause) in cases {
            #expect(throws: ModbusTCPReply.Problem.invalid(cause)) { try holding.words(reply).get() }
        }
        #expect(throws: ModbusTCPReply.Problem.exception(2)) { try holding.words([1, 2, 0, 0, 0, 3, 7, 0x83, 2]).get() }
    }
}
