import ArgumentParser
import VigieCore
import VigieModbus

/// Where to talk Modbus: `--tcp HOST:PORT` or `--rtu PORT[:BAUD[:8N1]]`, and the reply timeout.
///
/// With `--config FILE --device NAME` the configured bus and timeout apply; a flag given here overrides them.
struct ModbusTargetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A Modbus TCP server or gateway.", valueName: "host:port"))
    var tcp: String?

    @Option(name: .long, help: ArgumentHelp("A serial port, with optional baud rate and framing (default 9600 8N1).",
                                            valueName: "port[:baud[:8N1]]"))
    var rtu: String?

    @Option(name: .long, help: ArgumentHelp("How long to wait for each reply (default: the bus's, else 1s).",
                                            valueName: "duration"))
    var timeout: String?

    func validate() throws {
        if tcp != nil || rtu != nil { _ = try transport(bus: nil) }
        _ = try timeoutDuration(bus: nil)
    }

    /// `--timeout`, else the configured bus's, else 1 s.
    func timeoutDuration(bus: ModbusBusConfiguration?) throws -> Duration {
        guard let timeout else { return bus?.timeout ?? .seconds(1) }
        guard let duration = Duration(parsing: timeout), duration > .zero else {
            throw ValidationError("--timeout \(timeout) is not a duration: write it like 500ms or 2s")
        }
        return duration
    }

    /// `--tcp` or `--rtu`, else the configured bus's transport.
    func transport(bus: ModbusBusConfiguration?) throws -> ModbusTransport {
        switch (tcp, rtu) {
        case (let tcp?, nil):
            guard let endpoint = Endpoint(parsing: tcp, defaultPort: 502) else {
                throw ValidationError("--tcp \(tcp) is not an address: write it like 192.168.1.20:502")
            }
            return .tcp(endpoint)
        case (nil, let rtu?):
            return .rtu(try Self.serialLine(rtu))
        case (nil, nil):
            if let bus { return bus.transport }
            throw ValidationError("say where the device is: --tcp HOST:PORT, --rtu /dev/ttyUSB0[:9600[:8N1]] "
                                  + "or --config FILE --device NAME")
        default:
            throw ValidationError("give either --tcp or --rtu, not both")
        }
    }

    /// `/dev/ttyUSB0`, `/dev/ttyUSB0:19200`, `/dev/ttyUSB0:9600:8E1`.
    static func serialLine(_ text: String) throws -> SerialLine {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let port = parts.first, !port.isEmpty, parts.count <= 3 else {
            throw ValidationError("--rtu \(text) is not a serial line: write it like /dev/ttyUSB0:9600:8N1")
        }
        var line = SerialLine(port: port)
        if parts.count > 1 {
            guard let baud = Int(parts[1]), (300...1_000_000).contains(baud) else {
                throw ValidationError("--rtu \(text): baud rate \(parts[1]) is not a number like 9600 or 19200")
            }
            line.baud = baud
        }
        if parts.count > 2 {
            let framing = Array(parts[2].uppercased())
            guard framing.count == 3, let bits = Int(String(framing[0])), (5...8).contains(bits),
                  let stop = Int(String(framing[2])), (1...2).contains(stop),
                  let parity = SerialLine.Parity.allCases.first(where: { $0.letter == framing[1] }) else {
                throw ValidationError("--rtu \(text): framing \(parts[2]) is not like 8N1, 8E1 or 8O1")
            }
            line.dataBits = bits
            line.parity = parity
            line.stopBits = stop
        }
        return line
    }

    /// A connection for the command (to `bus` unless a flag says otherwise), its errors turned into a technician's message.
    func connection(bus: ModbusBusConfiguration? = nil) throws -> ModbusBusConnection {
        do {
            let transport = try transport(bus: bus)
            return try ModbusBusConnection(transport: transport, timeout: timeoutDuration(bus: bus), busName: transport.label)
        } catch let error as ModbusError {
            throw ModbusCommandFailure(message: error.description)
        }
    }
}

/// A failure already explained to the user: printed as is, exit status 1.
struct ModbusCommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Parses a unit id with its range checked.
func parseUnit(_ unit: Int) throws -> Int {
    guard (0...247).contains(unit) else { throw ValidationError("--unit \(unit) is not a unit id: use 1...247") }
    return unit
}
