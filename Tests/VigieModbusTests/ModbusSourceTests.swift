import Logging
import Testing
import VigieCore
@testable import VigieModbus
import VigieTestKit

struct ModbusSourceTests {
    let point = PointDefinition(name: "power", table: .holding, address: 0, type: .uint16)

    @Test func aTimingOutDeviceOnBusADoesNotDelayBusB() async throws {
        let dead = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: [SimulatedPoint(point, constant: 1)])])
        let alive = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: [SimulatedPoint(point, constant: 42)])])
        defer { dead.stop(); alive.stop() }
        dead.setFault(.noAnswer, unit: 1)
        let device = { (name: String) in ModbusDeviceConfiguration(name: name, units: [1], points: [point], poll: .milliseconds(250)) }
        let configuration = ModbusConfiguration(buses: [
            tcpBus("a", port: dead.port, timeout: .seconds(2), devices: [device("dead")]),
            tcpBus("b", port: alive.port, devices: [device("alive")]),
        ])
        let sink = CollectingSink()
        let source = try ModbusSource(configuration: configuration, profiles: [:], sink: sink, logger: Logger(label: "test"))
        let task = Task { try await source.run() }
        let enough = await sink.wait { readings in
            readings.filter { $0.sensor.device == "alive" }.count >= 6 && readings.contains { $0.sensor.device == "dead" }
        }
        task.cancel()
        _ = try? await task.value
        #expect(enough)
        let aliveReadings = sink.all.filter { $0.sensor.device == "alive" }.prefix(6)
        #expect(aliveReadings.allSatisfy { $0.quality == .good && $0.value == 42 })
        // Every slot of bus B is present while bus A waits 2 s for its timeout: no slot skipped.
        let times = aliveReadings.map(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 250 }, "\(times)")
        #expect(sink.all.first { $0.sensor.device == "dead" }?.quality == .bad(.timeout))
        let status = source.status().first { $0.device == "dead" }
        #expect(status?.state == .failing)
        #expect(status?.lastError?.hasPrefix("timeout reading holding 0 on unit 1 of bus a") == true)
    }

    @Test func aDeadDeviceOnTheSameLineDoesNotMakeItsNeighbourSkipSlots() async throws {
        let simulator = try ModbusSimulator.tcp(units: [
            SimulatedUnit(id: 1, points: [SimulatedPoint(point, constant: 42)]),
            SimulatedUnit(id: 2, points: [SimulatedPoint(point, constant: 1)]),
        ])
        defer { simulator.stop() }
        simulator.setFault(.noAnswer, unit: 2)
        let configuration = ModbusConfiguration(buses: [
            tcpBus("line", port: simulator.port, timeout: .milliseconds(150), devices: [
                ModbusDeviceConfiguration(name: "alive", units: [1], points: [point], poll: .milliseconds(250)),
                ModbusDeviceConfiguration(name: "dead", units: [2], points: [point], poll: .milliseconds(250)),
            ]),
        ])
        let sink = CollectingSink()
        let source = try ModbusSource(configuration: configuration, profiles: [:], sink: sink, logger: Logger(label: "test"))
        let task = Task { try await source.run() }
        let enough = await sink.wait { readings in readings.filter { $0.sensor.device == "alive" }.count >= 10 }
        task.cancel()
        _ = try? await task.value
        #expect(enough)
        let alive = sink.all.filter { $0.sensor.device == "alive" }.prefix(10)
        #expect(alive.allSatisfy { $0.quality == .good && $0.value == 42 })
        // Readings carry their slot's time: a skipped slot would show as a 500 ms step.
        let times = alive.map(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 250 }, "\(times)")
        #expect(sink.all.contains { $0.sensor.device == "dead" && $0.quality == .bad(.timeout) })
    }

    @Test func reconnectsAfterTheServerRestarts() async throws {
        var simulator = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: [SimulatedPoint(point, constant: 7)])])
        let port = simulator.port
        let configuration = ModbusConfiguration(buses: [
            tcpBus("gw", port: port, devices: [ModbusDeviceConfiguration(name: "m", units: [1], points: [point], poll: .milliseconds(100))]),
        ])
        let sink = CollectingSink()
        let source = try ModbusSource(configuration: configuration, profiles: [:], sink: sink, logger: Logger(label: "test"),
                                      timing: PollTiming(maxBackoff: .milliseconds(200)))
        let task = Task { try await source.run() }
        #expect(await sink.wait { $0.contains { $0.quality == .good } })
        simulator.stop()
        #expect(await sink.wait { $0.last?.quality == .bad(.connectionFailed) })
        #expect(source.status().first?.state == .failing)
        simulator = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: [SimulatedPoint(point, constant: 8)])], port: port)
        #expect(await sink.wait { $0.last?.value == 8 && $0.last?.quality == .good })
        #expect(source.status().first?.state == .ok)
        task.cancel()
        _ = try? await task.value
        simulator.stop()
    }
}
