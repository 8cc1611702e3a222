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
        abstract: "Find which unit ids answer (an exception is an answer: a device is there), or a device's SunSpec models.",
        discussion: """
        Examples:
          vigie modbus scan --rtu /dev/ttyUSB0:9600 --units 1-32
          vigie modbus scan --tcp 192.168.10.20:502 --register input:0 --timeout 300ms
          vigie modbus scan --config /etc/vigie/vigie.yaml --device tableau-general --units 1-10
          vigie modbus scan --sunspec --tcp 192.168.10.30:502 --units 1
          vigie modbus scan --sunspec --config /etc/vigie/vigie.yaml --device onduleur --write-profile onduleur.yaml
        With --sunspec, the unit (--units N, default 1, or the configured device's) is searched for the
        SunSpec marker "SunS" at 40000, 50000 and 0, and each model of its chain is printed with its
        address and length; --write-profile FILE writes the known models' points as a profile.
        Ctrl-C stops the scan and prints what was found so far.
        """
    )

    @OptionGroup var target: ModbusTargetOptions
    @OptionGroup var selection: ModbusDeviceOptions
    @Option(help: ArgumentHelp("Unit ids to try (with --sunspec: the one unit).", valueName: "first-last")) var units: String?
    @Option(help: ArgumentHelp("The register read on each unit.", valueName: "table:address")) var register: String = "holding:0"
    @Flag(help: "Find the SunSpec models of one unit instead of scanning unit ids.") var sunspec = false
    @Option(help: ArgumentHelp("With --sunspec: write the models found as a device profile.", valueName: "file"))
    var writeProfile: String?

    func validate() throws {
        _ = try unitRange()
        _ = try request()
        if writeProfile != nil, !sunspec { throw ValidationError("--write-profile needs --sunspec") }
        if let writeProfile, !writeProfile.hasSuffix(".yaml") {
            throw ValidationError("--write-profile \(writeProfile): a profile file ends in .yaml (its name is its id)")
        }
    }

    func unitRange() throws -> ClosedRange<Int> {
        guard let units else { return sunspec ? 1...1 : 1...247 }
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
        let configured = selection.isGiven ? try selection.resolve(unit: nil) : nil
        if sunspec {
            let unit = units == nil ? configured?.device.unit ?? 1 : try unitRange().lowerBound
            try await scanSunSpec(unit: unit, connection: try target.connection(bus: configured?.bus))
            return
        }
        let range = try unitRange()
        let request = try request()
        let transport = try target.transport(bus: configured?.bus)
        let connection = try target.connection(bus: configured?.bus)
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
                case .exception where !Self.meansNoDevice(error, transport: transport):
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

extension ModbusScanCommand {
    /// Prints the unit's SunSpec chain; writes it as a profile with `--write-profile`.
    func scanSunSpec(unit: Int, connection: ModbusBusConnection) async throws {
        let chain = try await SunSpecCommandSupport.chain(unit: unit, connection: connection)
        print("unit \(unit): SunSpec marker at \(chain.base), \(chain.models.count) model\(chain.models.count == 1 ? "" : "s")"
              + (chain.complete ? ", end marker at \(chain.endAddress)" : ""))
        print(SunSpecCommandSupport.table(chain))
        for problem in chain.problems { print("problem: \(problem)") }
        if let writeProfile {
            let profile = try await SunSpecCommandSupport.profile(chain, path: writeProfile, unit: unit, connection: connection)
            try ProfileFile.write(ProfileWriter.yaml(profile), to: writeProfile)
            print("wrote \(writeProfile): profile \(profile.id), \(profile.points.count) points")
        }
        if !chain.complete { throw ExitCode(1) }
    }
}

/// Progress goes to standard error so standard output stays the result.
private func writeProgress(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}
