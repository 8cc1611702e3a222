import ArgumentParser
import VigieCore
import VigieModbus

/// `vigie modbus read`: raw words and their decoded value, or every plausible interpretation.
struct ModbusReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read registers or bits and show the raw words and the decoded value.",
        discussion: """
        Without --type, every numeric type that fits is shown in each word/byte order side by side,
        to spot the right one. Examples:
          vigie modbus read --tcp 127.0.0.1:502 --unit 1 --table holding --address 4 --count 2
          vigie modbus read --rtu /dev/ttyUSB0:19200 --unit 17 --table input --address 0 --type float32 --order CDAB
          vigie modbus read --config /etc/vigie/vigie.yaml --device chaufferie --address 4000 --count 4
          vigie modbus read --config /etc/vigie/vigie.yaml --device onduleur --point w
        With --config and --device, the device's bus, unit and timeout apply unless given here;
        --point reads one point of the device (with its scale-factor register) as the daemon would.
        """
    )

    @OptionGroup var target: ModbusTargetOptions
    @OptionGroup var selection: ModbusDeviceOptions
    @Option(help: "The unit id (1-247; default: the configured one, else 1).") var unit: Int?
    @Option(help: "coils, discrete, holding or input.") var table: String = "holding"
    @Option(help: "The protocol address, 0-based.") var address: Int?
    @Option(help: "A point of the device (--profile or --config/--device) to read instead of an address.") var point: String?
    @Option(help: "How many registers or bits (default: as many as --type needs, else 2).") var count: Int?
    @Option(help: "int16, uint16, int32, uint32, int64, uint64, float32, float64, string, bool.") var type: String?
    @Option(help: "ABCD, CDAB, BADC or DCBA.") var order: String = "ABCD"
    @Option(help: "Multiply the value by this.") var scale: Double = 1

    func validate() throws {
        if let unit { _ = try parseUnit(unit) }
        guard RegisterTable(rawValue: table) != nil else { throw ValidationError("--table \(table): use coils, discrete, holding or input") }
        switch (address, point) {
        case (let address?, nil):
            guard (0...65535).contains(address) else { throw ValidationError("--address \(address): use 0...65535") }
        case (nil, _?):
            guard selection.isGiven else { throw ValidationError("--point needs --profile or --config with --device") }
        case (nil, nil): throw ValidationError("say what to read: --address N, or --point NAME of a device")
        default: throw ValidationError("give either --address or --point, not both")
        }
        if let count, !(1...2000).contains(count) { throw ValidationError("--count \(count): use 1...125 registers or 1...2000 bits") }
        if let type, ValueType(name: type) == nil { throw ValidationError("--type \(type): use one of \(ValueType.names.joined(separator: ", "))") }
        guard ByteOrder(rawValue: order.uppercased()) != nil else { throw ValidationError("--order \(order): use ABCD, CDAB, BADC or DCBA") }
    }

    func run() async throws {
        let configured = selection.isGiven ? try selection.resolve(unit: unit) : nil
        let connection = try target.connection(bus: configured?.bus)
        if let point, let device = configured?.device {
            try await read(point: point, of: device, connection: connection)
            return
        }
        let address = self.address ?? 0
        let unit = self.unit ?? configured?.device.unit ?? 1
        let table = RegisterTable(rawValue: self.table) ?? .holding
        let order = ByteOrder(rawValue: self.order.uppercased()) ?? .abcd
        let valueType = self.type.flatMap { ValueType(name: $0, stringRegisters: self.count ?? 1) }
        let count = self.count ?? valueType.map { table.isBitTable ? 1 : $0.registerCount } ?? (table.isBitTable ? 1 : 2)
        let request = ReadRequest(table: table, address: address, count: count)
        let words: [UInt16]
        switch await connection.read(request, unit: unit) {
        case .success(let read): words = read
        case .failure(let error): throw ModbusCommandFailure(message: error.description)
        }
        print("\(request) on unit \(unit): \(table.isBitTable ? words.map(String.init).joined(separator: " ") : formatWords(words))")
        if table.isBitTable { return }
        if let valueType {
            let point = PointDefinition(name: "value", table: table, address: address, type: valueType, order: order, scale: scale)
            switch RegisterDecoder.decode(words, type: valueType, order: order) {
            case .text(let text)?: print("\(valueType) \(order.rawValue): \"\(text)\"")
            default:
                let reading = RegisterDecoder.reading(words, point: point)
                print("\(valueType) \(order.rawValue): \(reading.quality.isGood ? formatValue(reading.value) : reading.quality.description)")
            }
            return
        }
        print(Self.interpretations(words, scale: scale))
    }

    /// One configured point, with its scale-factor point when it has one.
    private func read(point name: String, of device: ModbusDevice, connection: ModbusBusConnection) async throws {
        guard let point = device.points.first(where: { $0.name == name }) else {
            throw ModbusCommandFailure(message: "device \(device.name) has no point \(name): "
                                       + device.points.map(\.name).joined(separator: ", "))
        }
        let points = [point] + device.points.filter { $0.name == point.scaleFrom }
        var plan = RequestPlanner(maxGap: 0, maxRegisters: device.maxRegistersPerRequest).plan(points)
        let results = await DeviceReader.read(&plan, unit: device.unit, connection: connection)
        print(ModbusResultTable.render(results))
        if results.contains(where: { !$0.quality.isGood }) { throw ExitCode(1) }
    }

    /// Every numeric type that fits in `words`, in each order, side by side.
    static func interpretations(_ words: [UInt16], scale: Double) -> String {
        var table = TextTable(header: ["type"] + ByteOrder.allCases.map(\.rawValue))
        for type in ValueType.numericTypes where type.registerCount <= words.count {
            let slice = Array(words.prefix(type.registerCount))
            table.rows.append(["\(type)"] + ByteOrder.allCases.map { order in
                switch RegisterDecoder.decode(slice, type: type, order: order) {
                case .number(let value)?: formatValue(value * scale)
                case .notANumber?: "NaN"
                default: "-"
                }
            })
        }
        if case .text(let text)? = RegisterDecoder.decode(words, type: .string(registers: words.count), order: .abcd) {
            table.rows.append(["string", "\"\(text)\""])
        }
        return table.render()
    }
}
