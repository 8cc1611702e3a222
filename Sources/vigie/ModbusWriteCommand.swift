import ArgumentParser
import VigieCore
import VigieModbus
#if canImport(Glibc)
import Glibc
#endif

/// `vigie modbus write`: writes one value, reads it back, prints old value, new value and raw words.
struct ModbusWriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write one value to a device, read it back, and show the old value, the new value and the raw words.",
        discussion: """
        A configured point is written within its "write: { min, max, step }" and with its type, order,
        scale and offset; a point without "write:" is refused. The raw form writes a holding register
        (or a coil) with no limit but the type's. Asks before writing when stdin is a terminal.
        Examples:
          vigie modbus write --config /etc/vigie/vigie.yaml --device chaufferie --point consigne --value 21.5
          vigie modbus write --tcp 192.168.10.20:502 --unit 1 --table holding --address 200 --type int16 --scale 0.1 --value 21.5
          vigie modbus write --rtu /dev/ttyUSB0:9600 --unit 3 --table coils --address 4 --value true
        """
    )

    @Option(help: ArgumentHelp("A vigie configuration file (with --device and --point).", valueName: "file")) var config: String?
    @Option(help: ArgumentHelp("A device name from the configuration.", valueName: "name")) var device: String?
    @Option(help: ArgumentHelp("A point of that device.", valueName: "name")) var point: String?
    @Option(name: .long, help: ArgumentHelp("A Modbus TCP server or gateway (raw form, or instead of the configured bus).",
                                            valueName: "host:port")) var tcp: String?
    @Option(name: .long, help: ArgumentHelp("A serial port, with optional baud rate and framing.", valueName: "port[:baud[:8N1]]"))
    var rtu: String?
    @Option(help: ArgumentHelp("How long to wait for each reply.", valueName: "duration")) var timeout: String = "1s"
    @Option(help: "The unit id (1-247; default 1, or the configured one).") var unit: Int?
    @Option(help: "holding or coils.") var table: String = "holding"
    @Option(help: "The protocol address, 0-based.") var address: Int?
    @Option(help: "int16, uint16, int32, uint32, int64, uint64, float32, float64.") var type: String = "uint16"
    @Option(help: "ABCD, CDAB, BADC or DCBA.") var order: String = "ABCD"
    @Option(help: "The value is raw × scale + offset.") var scale: Double = 1
    @Option(help: "The value is raw × scale + offset.") var offset: Double = 0
    @Option(help: "The value in the point's unit; true or false for a coil.") var value: String

    func validate() throws {
        if let unit { _ = try parseUnit(unit) }
        guard Duration(parsing: timeout).map({ $0 > .zero }) == true else {
            throw ValidationError("--timeout \(timeout) is not a duration: write it like 500ms or 2s")
        }
        if config != nil {
            guard device != nil, point != nil else { throw ValidationError("--config needs --device NAME and --point NAME") }
            guard address == nil else { throw ValidationError("--address is for the raw form; with --config the point says where") }
            return
        }
        guard device == nil, point == nil else { throw ValidationError("--device and --point need --config FILE") }
        _ = try ModbusTargetOptions.transport(tcp: tcp, rtu: rtu)
        guard let address, (0...65535).contains(address) else { throw ValidationError("--address: give the protocol address, 0...65535") }
        guard table == "holding" || table == "coils" else { throw ValidationError("--table \(table): only holding and coils can be written") }
        guard let type = ValueType(name: self.type), ValueType.numericTypes.contains(type) else {
            throw ValidationError("--type \(self.type): use one of \(ValueType.numericTypes.map(\.description).joined(separator: ", "))")
        }
        guard ByteOrder(rawValue: order.uppercased()) != nil else { throw ValidationError("--order \(order): use ABCD, CDAB, BADC or DCBA") }
        guard scale != 0 else { throw ValidationError("--scale cannot be 0") }
    }

    func run() async throws {
        let (target, transport, timeout) = try resolve()
        let plan: PlannedWrite
        switch PlannedWrite.plan(Self.value(value), for: target.point) {
        case .success(let planned): plan = planned
        case .failure(let refusal): throw ModbusCommandFailure(message: "not written: \(refusal.detail)")
        }
        let words: String = switch plan.action {
        case .registers(let words): formatWords(words)
        case .coil(let state): state ? "1" : "0"
        }
        let place = "\(target.point.table.rawValue) \(target.point.address) on unit \(target.unit) of \(transport.label)"
        if isatty(STDIN_FILENO) == 1 {
            print("Write \(value) (\(words)) to \(place)? [y/N] ", terminator: "")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                print("Nothing written.")
                throw ExitCode(1)
            }
        }
        let outcome: ModbusPointWriter.Outcome
        do {
            let connection = try ModbusBusConnection(transport: transport, timeout: timeout, busName: transport.label)
            outcome = try await ModbusPointWriter.write(plan, unit: target.unit, on: connection)
        } catch {
            throw ModbusCommandFailure(message: error.description)
        }
        print("\(place): old \(outcome.old.map(formatValue) ?? "unreadable"), new \(formatValue(outcome.readBack)), "
              + "raw \(target.point.table.isBitTable ? outcome.raw.map(String.init).joined(separator: " ") : formatWords(outcome.raw))")
        guard plan.matches(readBack: outcome.readBack) else {
            throw ModbusCommandFailure(message: "the device reads \(formatValue(outcome.readBack)) after \(value) was written")
        }
    }

    /// The point to write, its unit id, and the bus: from the configuration or from the raw options.
    private func resolve() throws -> (target: (point: PointDefinition, unit: Int), transport: ModbusTransport, timeout: Duration) {
        let timeout = Duration(parsing: self.timeout) ?? .seconds(1)
        if let config {
            let (found, bus) = try ModbusDeviceOptions.configured(device ?? "", in: config, unit: unit)
            guard let definition = found.points.first(where: { $0.name == point }) else {
                throw ModbusCommandFailure(message: "device \(found.name) has no point named \(point ?? ""); its points: "
                                           + found.points.map(\.name).joined(separator: ", "))
            }
            guard tcp != nil || rtu != nil else { return ((definition, found.unit), bus.transport, bus.timeout) }
            return ((definition, found.unit), try ModbusTargetOptions.transport(tcp: tcp, rtu: rtu), timeout)
        }
        let table = RegisterTable(rawValue: self.table) ?? .holding
        let type = table == .coils ? ValueType.bool : ValueType(name: self.type) ?? .uint16
        // The raw form has no configured range: the type's own is the limit.
        let definition = PointDefinition(name: "value", table: table, address: address ?? 0, type: type,
                                         order: ByteOrder(rawValue: order.uppercased()) ?? .abcd, scale: scale, offset: offset,
                                         write: PointWriteLimits())
        return ((definition, unit ?? 1), try ModbusTargetOptions.transport(tcp: tcp, rtu: rtu), timeout)
    }

    /// `true`/`false`, a number, or else a label.
    static func value(_ text: String) -> CommandValue {
        switch text.lowercased() {
        case "true", "on": return .bool(true)
        case "false", "off": return .bool(false)
        default: return Double(text).map(CommandValue.number) ?? .label(text)
        }
    }
}
