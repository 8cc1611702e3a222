/// Cuts RTU request frames out of the bytes arriving on a serial line.
///
/// The simulator frames requests itself because libmodbus's RTU server drops requests for
/// any unit but one, and one simulated line serves several units.
struct RTUFrameReader {
    private var buffer: [UInt8] = []

    mutating func reset() { buffer.removeAll(keepingCapacity: true) }

    /// Adds bytes; returns the complete frames (CRC checked) now available.
    mutating func append(_ bytes: some Sequence<UInt8>) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var frames: [[UInt8]] = []
        while let length = expectedLength(), buffer.count >= length {
            let frame = Array(buffer.prefix(length))
            buffer.removeFirst(length)
            if Self.crc(frame.dropLast(2)) == UInt16(frame[length - 2]) | UInt16(frame[length - 1]) << 8 {
                frames.append(frame)
            } else {
                buffer.removeAll() // noise: wait for the next silence-separated frame
            }
        }
        return frames
    }

    /// The length of the frame at the start of the buffer, once its header says it.
    private func expectedLength() -> Int? {
        guard buffer.count >= 2 else { return nil }
        switch buffer[1] {
        case 1...6: return 8
        case 15, 16: return buffer.count >= 7 ? 9 + Int(buffer[6]) : nil
        default: return 4 // unsupported function: unit, function, CRC; the engine answers or ignores it
        }
    }

    /// The Modbus CRC-16 (polynomial 0xA001, initial 0xFFFF).
    static func crc(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for byte in bytes {
            crc ^= UInt16(byte)
            for _ in 0..<8 {
                crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1
            }
        }
        return crc
    }
}
