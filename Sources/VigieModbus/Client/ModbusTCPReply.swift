/// Checks a Modbus TCP read reply against its request and extracts the words.
///
/// libmodbus 3.1 checks a TCP reply's transaction id, function and length but not its unit id,
/// so a gateway forwarding another device's (late) answer would be read as this device's value.
/// The client reads over TCP with raw frames and checks everything here instead. Pure: tested
/// without sockets.
struct ModbusTCPReply {
    /// What the request asked for.
    var transaction: UInt16
    var unit: Int
    var function: UInt8
    var count: Int

    /// Why a reply was refused: the cause in words, or a device exception code.
    enum Problem: Error, Equatable {
        case invalid(String)
        case exception(Int)
    }

    /// The words (0/1 for bit functions) of `reply`, a whole ADU with its 7-byte MBAP header.
    func words(_ reply: some Collection<UInt8>) -> Result<[UInt16], Problem> {
        let bytes = Array(reply)
        guard bytes.count >= 9 else { return .failure(.invalid("reply too short (\(bytes.count) bytes)")) }
        let replyTransaction = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        guard replyTransaction == transaction else {
            return .failure(.invalid("reply to another request (transaction \(replyTransaction), expected \(transaction))"))
        }
        guard bytes[2] == 0, bytes[3] == 0 else { return .failure(.invalid("not a Modbus reply (protocol id is not 0)")) }
        guard Int(bytes[6]) == unit else {
            return .failure(.invalid("reply from unit \(bytes[6]), not unit \(unit)"))
        }
        if bytes[7] == function | 0x80 {
            let code = Int(bytes[8])
            return (1...11).contains(code) ? .failure(.exception(code)) : .failure(.invalid("invalid exception code \(code)"))
        }
        guard bytes[7] == function else {
            return .failure(.invalid("reply for function \(bytes[7]), not \(function)"))
        }
        let isBits = function <= 2
        let expected = isBits ? (count + 7) / 8 : count * 2
        guard Int(bytes[8]) == expected, bytes.count == 9 + expected else {
            return .failure(.invalid("reply carries \(bytes[8]) data bytes, expected \(expected)"))
        }
        let data = bytes[9...]
        if isBits {
            return .success((0..<count).map { index in UInt16(data[9 + index / 8] >> UInt8(index % 8) & 1) })
        }
        return .success((0..<count).map { index in UInt16(data[9 + 2 * index]) << 8 | UInt16(data[10 + 2 * index]) })
    }
}
