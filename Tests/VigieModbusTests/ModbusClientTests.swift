import Testing
import VigieCore
@testable import VigieModbus

/// Answers are expected within 5 s: a loaded 2-core CI machine can stall the simulator
/// thread for over a second, and these tests check decoding and planning, not timing.
struct ModbusClientTests {
    @Test func decodesEveryTypeAndOrderWrittenByTheSimulator() async throws {
        let points = Samples.points()
        let simulator = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: points)])
        defer { simulator.stop() }
        let connection = try ModbusBusConnection(transport: .tcp(Endpoint(host: "127.0.0.1", port: simulator.port)),
                                                 timeout: .seconds(5), busName: "test")
        var plan = RequestPlanner(maxGap: 0).plan(points.map(\.point))
        let results = await DeviceReader.read(&plan, unit: 1, connection: connection)
        #expect(results.count == 32)
        for result in results {
            #expect(result.quality == .good, "\(result.point.name)")
            #expect(result.value == Samples.expected(result.point.name), "\(result.point.name)")
        }
    }

    @Test func coalescedPlanIsExactlyTheRequestsTheServerSees() async throws {
        let defs = [
            PointDefinition(name: "v", table: .input, address: 0, type: .float32),
            PointDefinition(name: "i", table: .input, address: 6, type: .float32),
            PointDefinition(name: "e", table: .input, address: 72, type: .float32),
            PointDefinition(name: "relay", table: .coils, address: 3, type: .bool),
            PointDefinition(name: "setpoint", table: .holding, address: 100, type: .int16, scale: 0.1),
        ]
        let simulator = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 5, points: defs.map { SimulatedPoint($0, constant: 1) })])
        defer { simulator.stop() }
        let connection = try ModbusBusConnection(transport: .tcp(Endpoint(host: "127.0.0.1", port: simulator.port)),
                                                 timeout: .seconds(5), busName: "test")
        var plan = RequestPlanner(maxGap: 10).plan(defs)
        let results = await DeviceReader.read(&plan, unit: 5, connection: connection)
        #expect(results.allSatisfy { $0.quality == .good && abs($0.value - 1) < 1e-9 })
        #expect(simulator.requests.map(\.request) == [
            ReadRequest(table: .coils, address: 3, count: 1), ReadRequest(table: .holding, address: 100, count: 1),
            ReadRequest(table: .input, address: 0, count: 8), ReadRequest(table: .input, address: 72, count: 2),
        ])
    }

    @Test func illegalAddressSplitsTheReadAndRemembersTheSplit() async throws {
        let defs = (0..<4).map { PointDefinition(name: "p\($0)", table: .holding, address: $0 * 2, type: .uint16) }
        let simulator = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: defs.map { SimulatedPoint($0, constant: 7) })])
        defer { simulator.stop() }
        simulator.setIllegal(4...4, table: .holding, unit: 1)
        let connection = try ModbusBusConnection(transport: .tcp(Endpoint(host: "127.0.0.1", port: simulator.port)),
                                                 timeout: .seconds(5), busName: "rs485-1")
        var plan = RequestPlanner(maxGap: 10).plan(defs)
        #expect(plan.count == 1)
        let results = await DeviceReader.read(&plan, unit: 1, connection: connection)
        #expect(results.map(\.quality) == [.good, .good, .bad(.deviceException), .good])
        #expect(results[2].error?.description.hasPrefix("illegal data address (0x02) reading holding 4 on unit 1 of bus rs485-1") == true)
        #expect(plan.count == 4)
        simulator.clearRequests()
        _ = await DeviceReader.read(&plan, unit: 1, connection: connection)
        #expect(simulator.requests.count == 4)
        #expect(simulator.requests.allSatisfy { $0.request?.count == 1 })
    }

    @Test func errorsNameTheCauseATechnicianCanActOn() async throws {
        let simulator = try ModbusSimulator.tcp(units: [])
        let port = simulator.port
        simulator.stop()
        let client = try ModbusClient(transport: .tcp(Endpoint(host: "127.0.0.1", port: port)), busName: "automate")
        #expect(throws: ModbusError.self) { try client.connect() }
        do { try client.connect() } catch {
            #expect(error.kind == .connectionRefused)
            #expect(error.description.contains("connection refused"))
        }
        let serial = try ModbusClient(transport: .rtu(SerialLine(port: "/dev/ttyNOPE0")), busName: "rs485-1")
        do { try serial.connect(); Issue.record("expected an error") } catch {
            #expect(error.kind == .noSuchPort)
        }
    }

    @Test func exceptionsAndTimeoutsAreDistinctKinds() async throws {
        let point = PointDefinition(name: "p", table: .holding, address: 0)
        let simulator = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: [SimulatedPoint(point, constant: 1)]),
                                                        SimulatedUnit(id: 2, points: [SimulatedPoint(point, constant: 1)])])
        defer { simulator.stop() }
        simulator.setFault(.exception(4), unit: 1)
        simulator.setFault(.noAnswer, unit: 2)
        let client = try ModbusClient(transport: .tcp(Endpoint(host: "127.0.0.1", port: simulator.port)),
                                      timeout: .milliseconds(200), busName: "b")
        let request = ReadRequest(table: .holding, address: 0, count: 1)
        do { _ = try client.read(request, unit: 1); Issue.record("expected an exception") } catch {
            #expect(error.kind == .exception)
            #expect(error.exceptionCode == 4)
            #expect(error.description.hasPrefix("server device failure (0x04) reading holding 0 on unit 1 of bus b"))
        }
        do { _ = try client.read(request, unit: 2); Issue.record("expected a timeout") } catch {
            #expect(error.kind == .timeout)
            #expect(error.badReason == .timeout)
        }
    }
}
