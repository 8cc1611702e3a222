import Logging
import Testing
import VigieCore
@testable import VigieModbus
import VigieTestKit

/// A device cycling through broken replies on one bus, a healthy device on another: the
/// healthy one keeps every poll slot, the faulty one gets bad readings (never a value taken
/// from a broken reply) and good ones again after each fault heals.
struct ModbusFaultIsolationTests {
    let point = PointDefinition(name: "power", table: .holding, address: 0, type: .uint16)

    @Test func aMisbehavingDeviceNeverStoresAWrongValueNorDelaysAnotherBus() async throws {
        let faulty = try MisbehavingTCPServer()
        let steady = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: [SimulatedPoint(point, constant: 7)])])
        defer { faulty.stop(); steady.stop() }
        let configuration = ModbusConfiguration(buses: [
            tcpBus("faulty", port: faulty.port, timeout: .milliseconds(300), devices: [
                ModbusDeviceConfiguration(name: "meter", units: [1], points: [point], poll: .milliseconds(100)),
            ]),
            tcpBus("steady", port: steady.port, devices: [
                ModbusDeviceConfiguration(name: "steady", units: [1], points: [point], poll: .milliseconds(250)),
            ]),
        ])
        let sink = CollectingSink()
        let source = try ModbusSource(configuration: configuration, profiles: [:], sink: sink, logger: Logger(label: "test"),
                                      timing: PollTiming(maxBackoff: .milliseconds(200)))
        let task = Task { try await source.run() }
        let meter = { (readings: [Reading]) in readings.filter { $0.sensor.device == "meter" } }
        #expect(await sink.wait { meter($0).contains { $0.quality == .good } })

        let faults: [(TCPMisbehaviour, Quality.BadReason)] = [
            (.wrongTransactionID, .decodeFailed), (.truncatedReply, .timeout), (.slowAnswer(.milliseconds(500)), .timeout),
            (.closeMidReply, .connectionFailed), (.exception(4), .deviceException), (.wrongUnitID, .decodeFailed),
        ]
        for (fault, reason) in faults {
            let before = meter(sink.all).count
            faulty.misbehaviour = fault
            let failed = await sink.wait { meter($0).dropFirst(before).contains { $0.quality == .bad(reason) } }
            #expect(failed, "\(fault): no reading marked \(reason)")
            let during = meter(sink.all).count
            faulty.misbehaviour = .healthy
            let healed = await sink.wait { meter($0).dropFirst(during).contains { $0.quality == .good } }
            #expect(healed, "\(fault): the device did not recover")
        }
        task.cancel()
        _ = try? await task.value

        let all = sink.all
        #expect(!meter(all).contains { $0.value == Double(MisbehavingTCPServer.badValue) }, "a broken reply's value was stored")
        #expect(meter(all).allSatisfy { $0.quality == .good ? $0.value == 42 : $0.value.isNaN })
        let steadyTimes = all.filter { $0.sensor.device == "steady" }.map(\.time)
        #expect(steadyTimes.count >= 8)
        #expect(all.filter { $0.sensor.device == "steady" }.allSatisfy { $0.quality == .good && $0.value == 7 })
        #expect(zip(steadyTimes, steadyTimes.dropFirst()).allSatisfy { $1 - $0 == 250 }, "\(steadyTimes)")
        let status = source.status().first { $0.device == "meter" }
        #expect(status?.state == .ok)
        #expect(status?.lastError?.contains("on unit 1 of bus faulty") == true, "\(status?.lastError ?? "")")
    }
}
