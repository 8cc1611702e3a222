import CModbus
import Glibc
import VigieCore

/// A failed Modbus operation, naming the device, the request and the cause in words.
///
/// Device-reported failures (Modbus exceptions, `kind == .exception`) carry their code;
/// transport failures (timeout, refused, permission) carry a hint a technician can act on.
public struct ModbusError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure: stable names used in metrics and logs.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// No reply within the timeout.
        public static let timeout = Kind(name: "timeout")
        /// Nothing listens at the TCP address.
        public static let connectionRefused = Kind(name: "connection_refused")
        /// The serial port may not be opened by this user.
        public static let permissionDenied = Kind(name: "permission_denied")
        /// The serial port does not exist.
        public static let noSuchPort = Kind(name: "no_such_port")
        /// The TCP connection was closed or reset.
        public static let connectionLost = Kind(name: "connection_lost")
        /// Other failures to open a connection (unknown host, unreachable network...).
        public static let connectionFailed = Kind(name: "connection_failed")
        /// The device answered with a Modbus exception.
        public static let exception = Kind(name: "exception")
        /// A reply that does not fit the request: bad CRC, wrong unit id, wrong length.
        public static let invalidReply = Kind(name: "invalid_reply")
        /// A request libmodbus refuses to send (too many registers, bad address).
        public static let invalidRequest = Kind(name: "invalid_request")
        public static let other = Kind(name: "other")
        public var description: String { name }
    }

    public var kind: Kind
    /// The Modbus exception code (1...11) when `kind == .exception`.
    public var exceptionCode: Int?
    /// The failure in words: `illegal data address (0x02)`, `timeout`, `connection refused`.
    public var cause: String
    /// What was being done: `reading holding 4000..4011 on unit 3 of bus rs485-1`.
    public var context: String
    /// What a technician can do about it, if there is a usual remedy.
    public var hint: String?

    public init(kind: Kind, cause: String, context: String, exceptionCode: Int? = nil, hint: String? = nil) {
        self.kind = kind
        self.cause = cause
        self.context = context
        self.exceptionCode = exceptionCode
        self.hint = hint
    }

    public var description: String {
        let text = context.isEmpty ? cause : "\(cause) \(context)"
        return hint.map { "\(text) (\($0))" } ?? text
    }

    /// The reading quality a point gets when its read failed this way.
    public var badReason: Quality.BadReason {
        switch kind {
        case .timeout: .timeout
        case .exception: .deviceException
        case .connectionRefused, .connectionLost, .connectionFailed, .permissionDenied, .noSuchPort: .connectionFailed
        case .invalidReply: .decodeFailed
        default: .other
        }
    }

    /// Modbus exception codes in words (Modbus Application Protocol v1.1b3, section 7).
    public static func exceptionName(_ code: Int) -> String {
        switch code {
        case 1: "illegal function"
        case 2: "illegal data address"
        case 3: "illegal data value"
        case 4: "server device failure"
        case 5: "acknowledge"
        case 6: "server device busy"
        case 7: "negative acknowledge"
        case 8: "memory parity error"
        case 10: "gateway path unavailable"
        case 11: "gateway target device failed to respond"
        default: "exception"
        }
    }

    /// The error libmodbus reported through `errno` after a failed call.
    static func fromErrno(_ code: Int32, context: String, transport: ModbusTransport) -> ModbusError {
        let base = Int32(MODBUS_ENOBASE)
        let isRTU = if case .rtu = transport { true } else { false }
        switch code {
        case ETIMEDOUT:
            return ModbusError(kind: .timeout, cause: "timeout", context: context,
                               hint: isRTU ? "no reply: check wiring, A/B polarity, baud rate, parity and unit id"
                                           : "no reply: check the address, the unit id and the gateway's serial side")
        case ECONNREFUSED:
            return ModbusError(kind: .connectionRefused, cause: "connection refused", context: context,
                               hint: "nothing listens there: check the IP address, the port (usually 502) and that the device's Modbus TCP server is enabled")
        case EACCES, EPERM:
            return ModbusError(kind: .permissionDenied, cause: "permission denied", context: context,
                               hint: "add the user to the dialout group (sudo usermod -aG dialout $USER, then log in again)")
        case ENOENT, ENODEV, ENXIO:
            return ModbusError(kind: .noSuchPort, cause: "no such serial port", context: context,
                               hint: "check the port name (ls /dev/ttyUSB* /dev/ttyAMA* /dev/serial/by-id/) and that the adapter is plugged in")
        case EAGAIN:
            // libmodbus flushes the line after refusing a reply, and the flush's non-blocking
            // read leaves EAGAIN in errno in place of the refusal's own code.
            return ModbusError(kind: .invalidReply, cause: "reply did not match the request and was discarded", context: context,
                               hint: "noise on the line or two devices answering: check termination, wiring and that each unit id is unique")
        case ECONNRESET, EPIPE, EBADF, ENOTCONN, ESHUTDOWN:
            return ModbusError(kind: .connectionLost, cause: "connection lost", context: context,
                               hint: "the device or gateway closed the connection; it is reopened on the next request")
        case EHOSTUNREACH, ENETUNREACH, EINPROGRESS, EADDRNOTAVAIL:
            return ModbusError(kind: .connectionFailed, cause: String(cString: strerror(code)).lowercased(), context: context,
                               hint: "check the network path to the device")
        case base + 1...base + 11:
            let exception = Int(code - base)
            let hex = exception < 16 ? "0x0\(String(exception, radix: 16))" : "0x\(String(exception, radix: 16))"
            return ModbusError(kind: .exception, cause: "\(exceptionName(exception)) (\(hex))", context: context,
                               exceptionCode: exception, hint: exceptionHint(exception))
        case base + 12...base + 15, base + 17:
            return ModbusError(kind: .invalidReply, cause: String(cString: modbus_strerror(code)).lowercased(), context: context,
                               hint: "noise on the line or two devices answering: check termination, wiring and that each unit id is unique")
        case base + 16, EINVAL, EMSGSIZE:
            return ModbusError(kind: .invalidRequest, cause: String(cString: modbus_strerror(code)).lowercased(), context: context)
        default:
            return ModbusError(kind: .other, cause: String(cString: modbus_strerror(code)).lowercased(), context: context)
        }
    }

    private static func exceptionHint(_ code: Int) -> String? {
        switch code {
        case 1: "the device does not support this table: try another --table"
        case 2: "the device has no such register: check the address (protocol addresses are 0-based: register 40001 is holding 0)"
        case 10, 11: "the gateway could not reach the device: check the unit id and the serial side of the gateway"
        default: nil
        }
    }
}
