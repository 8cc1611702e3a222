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

    @OptionGroup var target: ModbusTargetOptions
    @OptionGroup var selection: ModbusDeviceOptions
    @Option(help: ArgumentHelp("A point of the device (with --config and --device).", valueName: "name")) var point: String?
    @Option(help: "The unit id (1-247; default 1, or the configured one).") var unit: Int?
    @Option(help: "holding or coils.") var table: String = "holding"
    @Option(help: "The protocol address, 0-based.") var address: Int?
    @Option(help: "int16, uint16, int32, uint32, int64, uint64, float32, float64.") var type: String = "uint16"
    @Option(help: "ABCD, CDAB, BADC or DCBA.") var order: String = "ABCD"
    @Option(help: "The value is raw × scale + offset.") var scale: Double = 1
    @Option(help: "The value is raw × scale + offset.") var offset: Double = 0
    // Unconditional: a negative number (--value -5) is the value, not an option.
    @Option(parsing: .unconditional, help: "The value in the point's unit; true or false for a coil or a bit; a label for an enum point.")
    var value: String

    func validate() throws {
        if let unit { _ = try parseUnit(unit) }
        if selection.isGiven {
            guard selection.config != nil else { throw ValidationError("--profile has no write ranges: use --config FILE --device NAME") }
            guard point != nil else { throw ValidationError("--config needs --point NAME") }
            guard address == nil else { throw ValidationError("--address is for the raw form; with --config the point says where") }
            return
        }
        guard point == nil else { throw ValidationError("--point needs --config FILE --device NAME") }
        _ = try target.transport(bus: nil)
        guard let address, (0...65535).contains(address) else { throw ValidationError("--address: give the protocol address, 0...65535") }
        guard table == "holding" || table == "coils" else { throw ValidationError("--table \(table): only holding and coils can be written") }
        guard let type = ValueType(name: self.type), ValueType.numericTypes.contains(type) else {
            throw ValidationError("--type \(self.type): use one of \(ValueType.numericTypes.map(\.description).joined(separator: ", "))")
        }
        guard ByteOrder(rawValue: order.uppercased()) != nil else { throw ValidationError("--order \(order): use ABCD, CDAB, BADC or DCBA") }
        guard scale != 0 else { throw ValidationError("--scale cannot be 0") }
    }

    func run() async throws {
        let (target, bus) = try resolve()
        let transport = try self.target.transport(bus: bus)
        let plan: PlannedWrite
        switch PlannedWrite.plan(Self.value(value), for: target.point) {
        case .success(let planned): plan = planned
        case .failure(let refusal): throw ModbusCommandFailure(message: "not written: \(refusal.detail)")
        }
        let words: String = switch plan.action {
        case .registers(let words): formatWords(words)
        case .coil(let state): state ? "1" : "0"
        case .bits(let field, let value): "bits \(field.bit)...\(field.bit + field.width - 1) = \(value), the other bits kept"
        }
        let place = "\(target.point.table.rawValue) \(target.point.address) on unit \(target.unit) of \(transport.label)"
        if isatty(STDIN_FILENO) == 1 {
            print("Write \(value) (\(words)) to \(place)? [y/N] ", terminator: "")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                print("Nothing written.")
                throw ExitCode(1)
            }
        }
        let connection = try self.target.connection(bus: bus)
        let outcome: ModbusPointWriter.Outcome
        do {
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

    /// The point to write and its unit id, and the configured bus (nil for the raw form).
    private func resolve() throws -> (target: (point: PointDefinition, unit: Int), bus: ModbusBusConfiguration?) {
        if selection.isGiven {
            let (found, bus) = try selection.resolve(unit: unit)
            guard let definition = found.points.first(where: { $0.name == point }) else {
                throw ModbusCommandFailure(message: "device \(found.name) has no point named \(point ?? ""); its points: "
                                           + found.points.map(\.name).joined(separator: ", "))
            }
            return ((definition, found.unit), bus)
        }
        let table = RegisterTable(rawValue: self.table) ?? .holding
        let type = table == .coils ? ValueType.bool : ValueType(name: self.type) ?? .uint16
        // The raw form has no configured range: the type's own is the limit.
        let definition = PointDefinition(name: "value", table: table, address: address ?? 0, type: type,
                                         order: ByteOrder(rawValue: order.uppercased()) ?? .abcd, scale: scale, offset: offset,
                                         write: PointWriteLimits())
        return ((definition, unit ?? 1), nil)
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
