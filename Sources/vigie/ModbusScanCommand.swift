import ArgumentParser
import Glibc
import Synchronization
import VigieCore
import VigieModbus

/// Set by SIGINT so a scan stops between two unit ids and still prints what it found.
private let scanInterrupted = Atomic<Bool>(false)

/// `vigie modbus scan`: which unit ids answer on a line or behind a gateway.
struct ModbusScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find which unit ids answer (an exception is an answer: a device is there).",
        discussion: """
        Examples:
          vigie modbus scan --rtu /dev/ttyUSB0:9600 --units 1-32
          vigie modbus scan --tcp 192.168.10.20:502 --register input:0 --timeout 300ms
        Ctrl-C stops the scan and prints what was found so far.
        """
    )

    @OptionGroup var target: ModbusTargetOptions
    @Option(help: ArgumentHelp("Unit ids to try.", valueName: "first-last")) var units: String = "1-247"
    @Option(help: ArgumentHelp("The register read on each unit.", valueName: "table:address")) var register: String = "holding:0"

    func validate() throws {
        _ = try unitRange()
        _ = try request()
    }

    func unitRange() throws -> ClosedRange<Int> {
        let parts = units.split(separator: "-").map { Int($0) }
        if parts.count == 1, let single = parts[0], (0...247).contains(single) { return single...single }
        guard parts.count == 2, let first = parts[0], let last = parts[1], 0 <= first, first <= last, last <= 247 else {
            throw ValidationError("--units \(units): write a range like 1-247")
        }
        return first...last
    }

    func request() throws -> ReadRequest {
        let parts = register.split(separator: ":")
        guard parts.count == 2, let table = RegisterTable(rawValue: String(parts[0])), let address = Int(parts[1]),
              (0...65535).contains(address) else {
            throw ValidationError("--register \(register): write it like holding:0 or input:30")
        }
        return ReadRequest(table: table, address: address, count: 1)
    }

    /// Gateways answer 10 or 11 for an absent unit; many TCP servers answer 4 (server failure).
    static func meansNoDevice(_ error: ModbusError, transport: ModbusTransport) -> Bool {
        let code = error.exceptionCode ?? 0
        if code == 10 || code == 11 { return true }
        if case .tcp = transport { return code == 4 }
        return false
    }

    func run() async throws {
        let range = try unitRange()
        let request = try request()
        let connection = try target.connection()
        let tty = isatty(STDERR_FILENO) == 1
        signal(SIGINT) { _ in scanInterrupted.store(true, ordering: .relaxed) }
        defer { signal(SIGINT, SIG_DFL) }
        var found: [(Int, String)] = []
        var fatal: ModbusError?
        for unit in range {
            if scanInterrupted.load(ordering: .relaxed) { break }
            if tty { writeProgress("\rscanning unit \(unit) (\(unit - range.lowerBound + 1)/\(range.count)), \(found.count) found ") }
            switch await connection.read(request, unit: unit) {
            case .success(let words):
                found.append((unit, "answers: \(request) = \(formatWords(words))"))
            case .failure(let error):
                switch error.kind {
                case .exception where !Self.meansNoDevice(error, transport: try target.transport()):
                    found.append((unit, "answers with an exception: \(error.cause)"))
                case .connectionRefused, .permissionDenied, .noSuchPort, .connectionFailed:
                    fatal = error
                default:
                    break
                }
            }
            if fatal != nil { break }
        }
        if tty { writeProgress("\r\u{1B}[K") }
        let interrupted = scanInterrupted.load(ordering: .relaxed)
        for (unit, what) in found { print("unit \(unit): \(what)") }
        if let fatal { throw ModbusCommandFailure(message: fatal.description) }
        print("\(found.count) unit\(found.count == 1 ? "" : "s") answered\(interrupted ? " (scan interrupted)" : "")")
        if interrupted { throw ExitCode(130) }
    }
}

/// Progress goes to standard error so standard output stays the result.
private func writeProgress(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}
