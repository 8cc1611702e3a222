import Dispatch
import Glibc
import Synchronization
@testable import VigieModbus

/// How the misbehaving RTU server answers read requests.
enum RTUMisbehaviour: Sendable, Equatable, CustomStringConvertible {
    /// A correct reply: every register reads `MisbehavingTCPServer.goodValue`.
    case healthy
    /// A reply whose CRC does not match its bytes.
    case wrongCRC
    /// A correct reply (valid CRC) from another unit id, as when two devices share an address.
    case wrongUnitID
    /// Line noise: bytes that are no frame at all.
    case garbage
    /// The Modbus exception `code`.
    case exception(Int)

    var description: String {
        switch self {
        case .healthy: "healthy"
        case .wrongCRC: "wrong CRC"
        case .wrongUnitID: "wrong unit id"
        case .garbage: "garbage bytes"
        case .exception(let code): "exception \(code)"
        }
    }
}

/// An RTU device on one end of a pseudo-terminal pair, answering function 3 and 4 reads and
/// breaking its replies on purpose. Faulty replies carry `MisbehavingTCPServer.badValue`.
final class MisbehavingRTUServer: Sendable {
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    private struct State {
        var misbehaviour = RTUMisbehaviour.healthy
        var stopping = false
    }

    init(path: String) throws {
        let fd = open(path, O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw PseudoTerminalError(message: "cannot open \(path): \(errno)") }
        DispatchQueue(label: "vigie.test.misbehaving-rtu").async { [self] in
            serve(fd)
            close(fd)
            finished.signal()
        }
    }

    deinit { stop() }

    var misbehaviour: RTUMisbehaviour {
        get { state.withLock { $0.misbehaviour } }
        set { state.withLock { $0.misbehaviour = newValue } }
    }

    func stop() {
        let wasRunning = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        if wasRunning { finished.wait() }
    }

    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        var noise = SplitMix(seed: 7)
        while !state.withLock({ $0.stopping }) {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 20) > 0 else {
                buffer.removeAll() // a silence ends any partial frame
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 256)
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { continue }
            buffer += chunk[0..<count]
            guard buffer.count >= 8 else { continue }
            let request = Array(buffer.prefix(8))
            buffer.removeAll()
            guard RTUFrameReader.crc(request.prefix(6)) == UInt16(request[6]) | UInt16(request[7]) << 8 else { continue }
            let reply = answer(request, noise: &noise)
            _ = reply.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }

    private func answer(_ request: [UInt8], noise: inout SplitMix) -> [UInt8] {
        let unit = request[0], function = request[1]
        let count = Int(request[4]) << 8 | Int(request[5])
        let registers = { (value: UInt16) in (0..<count).flatMap { _ in [UInt8(value >> 8), UInt8(value & 0xFF)] } }
        switch state.withLock({ $0.misbehaviour }) {
        case .healthy:
            return Self.sealed([unit, function, UInt8(truncatingIfNeeded: count * 2)] + registers(MisbehavingTCPServer.goodValue))
        case .wrongCRC:
            var reply = Self.sealed([unit, function, UInt8(truncatingIfNeeded: count * 2)] + registers(MisbehavingTCPServer.badValue))
            reply[reply.count - 1] ^= 0xFF
            return reply
        case .wrongUnitID:
            return Self.sealed([unit &+ 1, function, UInt8(truncatingIfNeeded: count * 2)] + registers(MisbehavingTCPServer.badValue))
        case .garbage:
            return (0..<(5 + Int(noise.next() % 16))).map { _ in UInt8(truncatingIfNeeded: noise.next()) }
        case .exception(let code):
            return Self.sealed([unit, function | 0x80, UInt8(truncatingIfNeeded: code)])
        }
    }

    /// `frame` followed by its CRC, low byte first.
    static func sealed(_ frame: [UInt8]) -> [UInt8] {
        let crc = RTUFrameReader.crc(frame)
        return frame + [UInt8(crc & 0xFF), UInt8(crc >> 8)]
    }
}

/// A small deterministic generator for the garbage bytes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
