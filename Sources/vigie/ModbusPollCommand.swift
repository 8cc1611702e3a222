import ArgumentParser
import VigieCore
import VigieModbus

/// `vigie modbus poll`: reads every point of a device once and prints a table.
struct ModbusPollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Read every point of a device once: point, value, unit, raw words, status. Exit 1 if any point failed.",
        discussion: """
        Examples:
          vigie modbus poll --rtu /dev/ttyUSB0:9600 --unit 1 --profile eastron-sdm630
          vigie modbus poll --tcp 127.0.0.1:5020 --unit 1 --profile ./my-device.yaml
          vigie modbus poll --tcp 192.168.10.20 --config /etc/vigie/vigie.yaml --device chaufferie
        """
    )

    @OptionGroup var target: ModbusTargetOptions
    @OptionGroup var selection: ModbusDeviceOptions
    @Option(help: "The unit id (default 1, or the configured one).") var unit: Int?
    @Option(help: "Registers between points that one request may read over.") var maxGap: Int = 10

    func validate() throws {
        if let unit { _ = try parseUnit(unit) }
    }

    func run() async throws {
        let (device, _) = try selection.resolve(unit: unit)
        let connection = try target.connection()
        var plan = RequestPlanner(maxGap: maxGap, maxRegisters: device.maxRegistersPerRequest).plan(device.points)
        let results = await DeviceReader.read(&plan, unit: device.unit, connection: connection)
        var table = TextTable(header: ["point", "value", "unit", "raw", "status"])
        for result in results {
            table.rows.append([result.point.name, result.quality.isGood ? formatValue(result.value) : "-", result.point.unit ?? "",
                               result.point.table.isBitTable ? result.raw.map(String.init).joined(separator: " ") : formatWords(result.raw),
                               result.error.map { "\($0.cause)" } ?? result.quality.description])
        }
        print(table.render())
        let failed = results.filter { !$0.quality.isGood }
        if let error = failed.compactMap(\.error).first {
            print("\n\(failed.count) of \(results.count) points failed; first error: \(error)")
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
