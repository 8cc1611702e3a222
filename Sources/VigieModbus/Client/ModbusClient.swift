import CModbus
import Glibc
import VigieCore

/// A Modbus TCP or RTU client: the one owner of a libmodbus context.
///
/// Every call blocks (up to the timeout), so a client lives on its bus's own serial queue
/// (`ModbusBusConnection`), never on the cooperative pool. Not thread-safe, like libmodbus.
public final class ModbusClient {
    public let transport: ModbusTransport
    /// The bus name used in error messages (`on unit 3 of bus rs485-1`).
    public let busName: String
    public let timeout: Duration
    private let context: OpaquePointer
    public private(set) var isConnected = false
    /// The transaction id of the last TCP read (the client frames its reads itself, see `readTCP`).
    private var lastTransaction: UInt16 = 0

    /// Creates the context; no I/O happens until `connect()`.
    public init(transport: ModbusTransport, timeout: Duration = .seconds(1), busName: String) throws(ModbusError) {
        self.transport = transport
        self.busName = busName
        self.timeout = timeout
        let created: OpaquePointer?
        switch transport {
        case .tcp(let endpoint):
            created = modbus_new_tcp_pi(endpoint.host, String(endpoint.port))
        case .rtu(let line):
            let parity: CChar = switch line.parity {
            case .none: CChar(UInt8(ascii: "N"))
            case .even: CChar(UInt8(ascii: "E"))
            case .odd: CChar(UInt8(ascii: "O"))
            }
            created = modbus_new_rtu(line.port, Int32(clamping: line.baud), parity, Int32(clamping: line.dataBits),
                                     Int32(clamping: line.stopBits))
        }
        guard let created else {
            throw ModbusError.fromErrno(errno, context: "opening bus \(busName) (\(transport.label))", transport: transport)
        }
        context = created
        let millis = max(1, timeout.milliseconds)
        modbus_set_response_timeout(context, UInt32(millis / 1000), UInt32(millis % 1000) * 1000)
        modbus_set_error_recovery(context, MODBUS_ERROR_RECOVERY_PROTOCOL)
    }

    deinit {
        modbus_close(context)
        modbus_free(context)
    }

    /// Opens the TCP connection or the serial port.
    public func connect() throws(ModbusError) {
        guard !isConnected else { return }
        guard modbus_connect(context) == 0 else {
            let code = errno
            modbus_close(context)
            throw ModbusError.fromErrno(code, context: "connecting to \(transport.label) (bus \(busName))", transport: transport)
        }
        isConnected = true
    }

    /// Closes the connection; the next call reconnects.
    public func close() {
        modbus_close(context)
        isConnected = false
    }

    /// Reads registers (or bits, as 0/1 words) from one unit.
    public func read(_ request: ReadRequest, unit: Int) throws(ModbusError) -> [UInt16] {
        try connect()
        try select(unit: unit)
        if case .tcp = transport { return try readTCP(request, unit: unit) }
        let count = Int32(clamping: request.count)
        let address = Int32(clamping: request.address)
        var result: Int32
        var words: [UInt16]
        if request.table.isBitTable {
            var bits = [UInt8](repeating: 0, count: max(1, request.count))
            result = request.table == .coils ? modbus_read_bits(context, address, count, &bits)
                                             : modbus_read_input_bits(context, address, count, &bits)
            words = bits.prefix(request.count).map { UInt16($0) }
        } else {
            words = [UInt16](repeating: 0, count: max(1, request.count))
            result = request.table == .holding ? modbus_read_registers(context, address, count, &words)
                                               : modbus_read_input_registers(context, address, count, &words)
            words = Array(words.prefix(request.count))
        }
        guard result == Int32(request.count) else {
            throw failure("reading \(request)", unit: unit)
        }
        return words
    }

    /// Writes holding registers (function 6 for one, 16 for several).
    public func writeRegisters(address: Int, values: [UInt16], unit: Int) throws(ModbusError) {
        try connect()
        try select(unit: unit)
        let request = ReadRequest(table: .holding, address: address, count: values.count)
        let result = values.count == 1 ? modbus_write_register(context, Int32(clamping: address), values[0])
                                       : modbus_write_registers(context, Int32(clamping: address), Int32(values.count), values)
        guard result >= 0 else { throw failure("writing \(request)", unit: unit) }
    }

    /// Writes coils (function 5 for one, 15 for several).
    public func writeCoils(address: Int, values: [Bool], unit: Int) throws(ModbusError) {
        try connect()
        try select(unit: unit)
        let request = ReadRequest(table: .coils, address: address, count: values.count)
        let bytes = values.map { UInt8($0 ? 1 : 0) }
        let result = values.count == 1 ? modbus_write_bit(context, Int32(clamping: address), Int32(bytes[0]))
                                       : modbus_write_bits(context, Int32(clamping: address), Int32(values.count), bytes)
        guard result >= 0 else { throw failure("writing \(request)", unit: unit) }
    }

    /// A TCP read framed here (our own transaction id) and sent on libmodbus's socket; libmodbus
    /// receives the reply (framing, timeout) and `ModbusTCPReply` checks it, unit id included.
    private func readTCP(_ request: ReadRequest, unit: Int) throws(ModbusError) -> [UInt16] {
        let function: UInt8 = switch request.table {
        case .coils: 1
        case .discrete: 2
        case .holding: 3
        case .input: 4
        }
        let limit = request.table.isBitTable ? Int(MODBUS_MAX_READ_BITS) : Int(MODBUS_MAX_READ_REGISTERS)
        guard (1...limit).contains(request.count), request.address >= 0, request.address + request.count <= 65536 else {
            throw ModbusError(kind: .invalidRequest, cause: "cannot read \(request.count) from address \(request.address)",
                              context: "reading \(request) on unit \(unit) of bus \(busName)",
                              hint: "one request reads 1 to \(limit) \(request.table.isBitTable ? "bits" : "registers") within 0...65535")
        }
        lastTransaction &+= 1
        let frame: [UInt8] = [UInt8(lastTransaction >> 8), UInt8(lastTransaction & 0xFF), 0, 0, 0, 6,
                              UInt8(truncatingIfNeeded: unit), function, UInt8(request.address >> 8), UInt8(request.address & 0xFF),
                              UInt8(request.count >> 8), UInt8(request.count & 0xFF)]
        let sent = frame.withUnsafeBytes { Glibc.send(modbus_get_socket(context), $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == frame.count else {
            if sent >= 0 { errno = ECONNRESET }
            throw failure("reading \(request)", unit: unit)
        }
        var reply = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
        let length = Int(modbus_receive_confirmation(context, &reply))
        guard length > 0 else { throw failure("reading \(request)", unit: unit) }
        let check = ModbusTCPReply(transaction: lastTransaction, unit: unit, function: function, count: request.count)
        switch check.words(reply.prefix(length)) {
        case .success(let words):
            return words
        case .failure(.exception(let code)):
            throw ModbusError.fromErrno(Int32(MODBUS_ENOBASE) + Int32(code), context: "reading \(request) on unit \(unit) of bus \(busName)",
                                        transport: transport)
        case .failure(.invalid(let cause)):
            close() // drop whatever else the device sent: the next request starts on a clean connection
            throw ModbusError(kind: .invalidReply, cause: cause, context: "reading \(request) on unit \(unit) of bus \(busName)",
                              hint: "the device or gateway answered out of turn: check that each unit id is unique and the gateway's timeout")
        }
    }

    private func select(unit: Int) throws(ModbusError) {
        guard modbus_set_slave(context, Int32(clamping: unit)) == 0 else {
            throw ModbusError(kind: .invalidRequest, cause: "invalid unit id \(unit)", context: "on bus \(busName)",
                              hint: "unit ids are 1...247 (0 is broadcast)")
        }
    }

    /// The error of the call that just failed; a lost TCP connection is closed so the next call reopens it.
    private func failure(_ action: String, unit: Int) -> ModbusError {
        let code = errno
        let error = ModbusError.fromErrno(code, context: "\(action) on unit \(unit) of bus \(busName)", transport: transport)
        if error.kind == .connectionLost || error.kind == .invalidReply {
            close()
        }
        return error
    }
}

extension ModbusTransport {
    /// `127.0.0.1:502` or `/dev/ttyUSB0:9600:8N1`.
    public var label: String {
        switch self {
        case .tcp(let endpoint): endpoint.description
        case .rtu(let line): line.description
        }
    }
}
