import Dispatch
import Glibc
import Synchronization
import VigieCore

/// How the misbehaving server answers read requests.
enum TCPMisbehaviour: Sendable, Equatable, CustomStringConvertible {
    /// A correct reply: every register reads `MisbehavingTCPServer.goodValue`.
    case healthy
    /// A correct reply whose transaction id is not the request's.
    case wrongTransactionID
    /// A correct reply from another unit id.
    case wrongUnitID
    /// The header announces the whole reply; only half of it is sent, then silence.
    case truncatedReply
    /// A well-framed reply carrying more registers than asked.
    case oversizedReply
    /// A well-framed reply whose byte count is shorter than the registers asked.
    case shortByteCount
    /// A correct reply sent after `delay` (past the client's timeout).
    case slowAnswer(Duration)
    /// Half the reply, then the connection is closed.
    case closeMidReply
    /// The Modbus exception `code`.
    case exception(Int)

    var description: String {
        switch self {
        case .healthy: "healthy"
        case .wrongTransactionID: "wrong transaction id"
        case .wrongUnitID: "wrong unit id"
        case .truncatedReply: "truncated reply"
        case .oversizedReply: "oversized reply"
        case .shortByteCount: "short byte count"
        case .slowAnswer(let delay): "answer after \(delay)"
        case .closeMidReply: "connection closed mid-reply"
        case .exception(let code): "exception \(code)"
        }
    }
}

/// A Modbus TCP server written with raw sockets for fault tests: it answers function 3 and 4
/// reads and breaks its replies on purpose (see `TCPMisbehaviour`), which a libmodbus server
/// cannot be made to do. Every register of a faulty reply reads `badValue`, so a test can tell
/// whether the client ever took one for a reading.
final class MisbehavingTCPServer: Sendable {
    static let goodValue: UInt16 = 42
    static let badValue: UInt16 = 666

    let port: Int
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    private struct State {
        var misbehaviour = TCPMisbehaviour.healthy
        var requests = 0
        var stopping = false
    }

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw PseudoTerminalError(message: "socket: \(errno)") }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && listen(socket, 8) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else {
            close(socket)
            throw PseudoTerminalError(message: "cannot listen on loopback: \(errno)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        DispatchQueue(label: "vigie.test.misbehaving-tcp").async { [self] in
            serve(listening: socket)
            close(socket)
            finished.signal()
        }
    }

    deinit { stop() }

    var misbehaviour: TCPMisbehaviour {
        get { state.withLock { $0.misbehaviour } }
        set { state.withLock { $0.misbehaviour = newValue } }
    }

    /// Read requests received so far.
    var requests: Int { state.withLock { $0.requests } }

    func stop() {
        let wasRunning = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        if wasRunning { finished.wait() }
    }

    private func serve(listening: Int32) {
        var clients: [Int32: [UInt8]] = [:]
        defer { clients.keys.forEach { _ = close($0) } }
        while !state.withLock({ $0.stopping }) {
            var fds = [pollfd(fd: listening, events: Int16(POLLIN), revents: 0)]
                + clients.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), 50) > 0 else { continue }
            if fds[0].revents != 0 {
                let client = accept(listening, nil, nil)
                if client >= 0 { clients[client] = [] }
            }
            for entry in fds.dropFirst() where entry.revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 512)
                let count = read(entry.fd, &chunk, chunk.count)
                guard count > 0 else {
                    close(entry.fd)
                    clients[entry.fd] = nil
                    continue
                }
                var buffer = (clients[entry.fd] ?? []) + chunk[0..<count]
                var open = true
                while open, buffer.count >= 12 {
                    let length = 6 + (Int(buffer[4]) << 8 | Int(buffer[5]))
                    guard buffer.count >= length else { break }
                    let request = Array(buffer.prefix(length))
                    buffer.removeFirst(length)
                    open = answer(request, on: entry.fd)
                }
                if open {
                    clients[entry.fd] = buffer
                } else {
                    close(entry.fd)
                    clients[entry.fd] = nil
                }
            }
        }
    }

    /// Answers one request; false when the connection must be closed.
    private func answer(_ request: [UInt8], on fd: Int32) -> Bool {
        let misbehaviour = state.withLock { state in
            state.requests += 1
            return state.misbehaviour
        }
        let function = request[7]
        let count = Int(request[10]) << 8 | Int(request[11])
        guard function == 3 || function == 4 else {
            send(frame(request, pdu: [function | 0x80, 1]), on: fd)
            return true
        }
        let registers = { (count: Int, value: UInt16) in (0..<count).flatMap { _ in [UInt8(value >> 8), UInt8(value & 0xFF)] } }
        let good = [function, UInt8(truncatingIfNeeded: count * 2)] + registers(count, Self.goodValue)
        let bad = [function, UInt8(truncatingIfNeeded: count * 2)] + registers(count, Self.badValue)
        switch misbehaviour {
        case .healthy:
            send(frame(request, pdu: good), on: fd)
        case .wrongTransactionID:
            var reply = frame(request, pdu: bad)
            reply[1] &+= 1
            send(reply, on: fd)
        case .wrongUnitID:
            var reply = frame(request, pdu: bad)
            reply[6] &+= 1
            send(reply, on: fd)
        case .truncatedReply:
            let reply = frame(request, pdu: bad)
            send(Array(reply.prefix(reply.count / 2)), on: fd)
        case .oversizedReply:
            send(frame(request, pdu: [function, UInt8(truncatingIfNeeded: count * 2 + 4)] + registers(count + 2, Self.badValue)), on: fd)
        case .shortByteCount:
            send(frame(request, pdu: [function, UInt8(max(0, count * 2 - 2))] + registers(max(0, count - 1), Self.badValue)), on: fd)
        case .slowAnswer(let delay):
            usleep(UInt32(delay.milliseconds * 1000))
            send(frame(request, pdu: bad), on: fd)
        case .closeMidReply:
            let reply = frame(request, pdu: bad)
            send(Array(reply.prefix(reply.count / 2)), on: fd)
            return false
        case .exception(let code):
            send(frame(request, pdu: [function | 0x80, UInt8(truncatingIfNeeded: code)]), on: fd)
        }
        return true
    }

    /// The request's MBAP header (transaction, protocol, unit) around `pdu`.
    private func frame(_ request: [UInt8], pdu: [UInt8]) -> [UInt8] {
        let length = pdu.count + 1
        return [request[0], request[1], 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), request[6]] + pdu
    }

    private func send(_ bytes: [UInt8], on fd: Int32) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
