import Logging
import Testing
import VigieCore
import VigieModbus
import VigieTestKit

/// The poll schedule runs on the injected clock: ten minutes of 10 s polls on a fast-forward
/// clock, no real wait. Each point's simulated value is the simulated time it was served at, so
/// the readings show when every request went out.
struct BusPollerClockTests {
    /// Three seconds past a 10 s boundary: the first poll is due at the next boundary.
    static let boundary: Int64 = 1_700_000_000_000
    static let start = boundary + 3_000

    // A real sleep or the real wall clock makes the ten simulated minutes take ten real ones.
    @Test(.timeLimit(.minutes(1))) func pollsAtTheConfiguredPeriodOnTheInjectedClock() async throws {
        let time = SimulatedTime(Self.start)
        let first = PointDefinition(name: "first", table: .holding, address: 0, type: .float64)
        let far = PointDefinition(name: "far", table: .holding, address: 100, type: .float64)
        let simulator = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: [
            SimulatedPoint(first) { _ in Double(time.now) }, SimulatedPoint(far) { _ in Double(time.now) },
        ])])
        defer { simulator.stop() }
        // Two requests per poll (the points are too far apart to share one), 50 ms apart.
        let bus = ModbusBusConfiguration(name: "line", transport: .tcp(Endpoint(host: "127.0.0.1", port: simulator.port)),
                                         interRequestDelay: .milliseconds(50), devices: [
            ModbusDeviceConfiguration(name: "meter", units: [1], points: [first, far], poll: .seconds(10)),
        ])
        let sink = CollectingSink()
        let source = try ModbusSource(configuration: ModbusConfiguration(buses: [bus]), profiles: [:], sink: sink,
                                      logger: Logger(label: "test"),
                                      clock: FastForwardClock(time: time, end: Self.start + 600_000).gatewayClock)
        // Ends when the next poll would be due past the clock's end.
        try await source.run()

        let firsts = sink.all.filter { $0.sensor.point == "first" }
        let fars = sink.all.filter { $0.sensor.point == "far" }
        let expected = (1...60).map { Self.boundary + Int64($0) * 10_000 }
        #expect(firsts.map(\.time) == expected)
        #expect(fars.map(\.time) == expected)
        #expect(sink.all.allSatisfy { $0.quality == .good })
        // Each poll's first request went out at its due time, the second after the inter-request delay.
        #expect(firsts.map { Int64($0.value) } == expected)
        #expect(fars.map { Int64($0.value) } == expected.map { $0 + 50 })
    }
}
