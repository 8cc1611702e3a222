import ArgumentParser
import VigieCore
import VigieModbus

/// `vigie modbus poll`: reads every point of a device once and prints a table.
struct ModbusPollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Read every point of a device once: point, value, unit, raw words, status. Exit 1 if any point failed to read.",
        discussion: """
        Examples:
          vigie modbus poll --rtu /dev/ttyUSB0:9600 --unit 1 --profile eastron-sdm630
          vigie modbus poll --tcp 127.0.0.1:5020 --unit 1 --profile ./my-device.yaml
          vigie modbus poll --config /etc/vigie/vigie.yaml --device chaufferie
          vigie modbus poll --config /etc/vigie/vigie.yaml --device chaufferie --tcp 127.0.0.1:5020 --unit 3
        With --config and --device the device's bus, unit, timeout and points are those of the
        configuration; --tcp, --rtu, --unit, --timeout and --max-gap given here override them.
        A device with `sunspec: true` (or --sunspec) has its SunSpec models found first.
        """
    )

    @OptionGroup var target: ModbusTargetOptions
    @OptionGroup var selection: ModbusDeviceOptions
    @Option(help: "The unit id (default 1, or the configured one).") var unit: Int?
    @Option(help: "Registers between points that one request may read over (default: the bus's, else 10).") var maxGap: Int?
    @Flag(help: "Find the device's SunSpec models and poll their points (beside any others).") var sunspec = false

    func validate() throws {
        if let unit { _ = try parseUnit(unit) }
    }

    func run() async throws {
        var (device, bus) = selection.isGiven || !sunspec ? try selection.resolve(unit: unit)
            : (ModbusDevice(name: "sunspec", unit: unit ?? 1, sunspec: true, points: [], poll: .seconds(10)), nil)
        let connection = try target.connection(bus: bus)
        if sunspec || device.sunspec {
            device = try await SunSpecCommandSupport.withModels(device, connection: connection)
        }
        var plan = RequestPlanner(maxGap: maxGap ?? bus?.maxGap ?? 10, maxRegisters: device.maxRegistersPerRequest)
            .plan(device.points)
        let results = await DeviceReader.read(&plan, unit: device.unit, connection: connection,
                                              interRequestDelay: bus?.interRequestDelay ?? .zero)
        print(ModbusResultTable.render(results))
        // A device saying "no value" (NaN, SunSpec's not-implemented marker) is not a failed read, nor is text read.
        let failed = results.filter { result in
            if case .string = result.point.type, !result.raw.isEmpty { return false }
            return !result.quality.isGood && result.quality != .bad(.notANumber)
        }
        if let error = failed.compactMap(\.error).first {
            print("\n\(failed.count) of \(results.count) points failed; first error: \(error)")
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
