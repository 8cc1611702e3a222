import Testing
import VigieCore
@testable import VigieModbus

/// RTU through a socat pty pair: two unit ids share the line, as on an RS-485 bus.
@Suite(.serialized) struct ModbusRTUTests {
    @Test func twoUnitIdsOnOnePseudoTerminalPairAnswerWithTheirOwnValues() async throws {
        let line = try await PseudoTerminalPair.opened()
        let voltage = PointDefinition(name: "voltage", table: .input, address: 0, type: .float32, order: .abcd)
        let energy = PointDefinition(name: "energy", table: .holding, address: 10, type: .uint32, order: .cdab)
        let simulator = try ModbusSimulator.rtu(units: [
            SimulatedUnit(id: 1, points: [SimulatedPoint(voltage, constant: 230.5), SimulatedPoint(energy, constant: 1_000)]),
            SimulatedUnit(id: 17, points: [SimulatedPoint(voltage, constant: 229.25), SimulatedPoint(energy, constant: 70_000)]),
        ], path: line.serverPath, line: SerialLine(port: line.serverPath, baud: 19200))
        defer { simulator.stop() }
        let connection = try ModbusBusConnection(transport: .rtu(SerialLine(port: line.clientPath, baud: 19200)),
                                                 timeout: .seconds(1), busName: "rs485-test")

        for (unit, expected) in [(1, ["voltage": 230.5, "energy": 1_000.0]), (17, ["voltage": 229.25, "energy": 70_000.0])] {
            var plan = RequestPlanner(maxGap: 10).plan([voltage, energy])
            let results = await DeviceReader.read(&plan, unit: unit, connection: connection)
            #expect(results.allSatisfy { $0.quality == .good }, "unit \(unit)")
            #expect(Dictionary(uniqueKeysWithValues: results.map { ($0.point.name, $0.value) }) == expected, "unit \(unit)")
        }

        var plan = RequestPlanner(maxGap: 10).plan([voltage])
        let silent = await DeviceReader.read(&plan, unit: 5, connection: connection)
        #expect(silent.map(\.quality) == [.bad(.timeout)], "a unit id nobody has gets silence over RTU")
    }
}
