import CModbus
import Glibc
import Synchronization
import VigieCore

/// The simulator's transport: a listening TCP socket and its clients, or an RTU serial port.
final class SimulatorServer {
    let port: Int
    private let context: OpaquePointer
    private var listenSocket: Int32
    private let isTCP: Bool

    init(tcpPort: Int) throws(ModbusError) {
        let label = "simulator on 127.0.0.1:\(tcpPort)"
        guard let context = modbus_new_tcp("127.0.0.1", Int32(clamping: tcpPort)) else {
            throw ModbusError.fromErrno(errno, context: label, transport: .tcp(Endpoint(host: "127.0.0.1", port: max(1, tcpPort))))
        }
        let socket = modbus_tcp_listen(context, 8)
        guard socket >= 0 else {
            let code = errno
            modbus_free(context)
            throw ModbusError.fromErrno(code, context: label, transport: .tcp(Endpoint(host: "127.0.0.1", port: max(1, tcpPort))))
        }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        self.context = context
        self.listenSocket = socket
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.isTCP = true
        modbus_set_indication_timeout(context, 1, 0)
    }

    init(rtu line: SerialLine) throws(ModbusError) {
        let transport = ModbusTransport.rtu(line)
        let parity: CChar = switch line.parity {
        case .none: CChar(UInt8(ascii: "N"))
        case .even: CChar(UInt8(ascii: "E"))
        case .odd: CChar(UInt8(ascii: "O"))
        }
        guard let context = modbus_new_rtu(line.port, Int32(clamping: line.baud), parity, Int32(clamping: line.dataBits),
                                           Int32(clamping: line.stopBits)) else {
            throw ModbusError.fromErrno(errno, context: "simulator on \(line)", transport: transport)
        }
        guard modbus_connect(context) == 0 else {
            let code = errno
            modbus_free(context)
            throw ModbusError.fromErrno(code, context: "simulator on \(line)", transport: transport)
        }
        self.context = context
        self.listenSocket = -1
        self.port = 0
        self.isTCP = false
    }

    deinit {
        if listenSocket >= 0 { Glibc.close(listenSocket) }
        modbus_close(context)
        modbus_free(context)
    }

    /// Serves until `shared.stopping` is set.
    func serve(engine: SimulatorEngine, shared: SimulatorShared) {
        if isTCP { serveTCP(engine: engine, shared: shared) } else { serveRTU(engine: engine, shared: shared) }
    }

    private func serveTCP(engine: SimulatorEngine, shared: SimulatorShared) {
        var clients: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
        let header = Int(modbus_get_header_length(context))
        defer {
            for client in clients { Glibc.close(client) }
            // The context still names the last client served: forget it, or deinit's modbus_close
            // would close that number again, by then maybe another connection's descriptor.
            modbus_set_socket(context, -1)
            Glibc.close(listenSocket) // free the port as soon as serving stops, so a test can restart on it
            listenSocket = -1
        }
        while !shared.state.withLock({ $0.stopping }) {
            var fds = [pollfd(fd: listenSocket, events: Int16(POLLIN), revents: 0)]
                + clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), 50) > 0 else { continue }
            if fds[0].revents != 0 {
                let client = accept(listenSocket, nil, nil)
                if client >= 0 { clients.append(client) }
            }
            for entry in fds.dropFirst() where entry.revents != 0 {
                modbus_set_socket(context, entry.fd)
                let length = Int(modbus_receive(context, &buffer))
                var action = SimulatorEngine.Action.ignore
                if length > 0 {
                    action = engine.handle(context: context, request: buffer, length: length, headerLength: header,
                                           shared: shared, isTCP: true)
                }
                if length < 0 || action == .disconnect {
                    Glibc.close(entry.fd)
                    clients.removeAll { $0 == entry.fd }
                }
            }
        }
    }

    private func serveRTU(engine: SimulatorEngine, shared: SimulatorShared) {
        let fd = modbus_get_socket(context)
        var frame = RTUFrameReader()
        var chunk = [UInt8](repeating: 0, count: 256)
        while !shared.state.withLock({ $0.stopping }) {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 20) > 0 else {
                frame.reset() // a silence ends any partial frame
                continue
            }
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { continue }
            for request in frame.append(chunk[0..<count]) {
                _ = engine.handle(context: context, request: request, length: request.count, headerLength: 1,
                                  shared: shared, isTCP: false)
            }
        }
    }
}
