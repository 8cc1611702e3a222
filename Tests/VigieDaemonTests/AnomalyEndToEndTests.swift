import Foundation
import Logging
import Testing
import VigieCore
import VigieModbus
import VigieStore
@testable import VigieDaemon
import VigieTestKit

/// Issue #7's end-to-end check: the Modbus simulator's injected faults go through the real
/// pipeline (simulator → ModbusSource → store writer → DetectionStage → event tracker →
/// outbox) and raise one anomaly event per fault, and none in a fault-free hour. Time is
/// simulated (`FastForwardClock`): three hours of 5 s polls of three devices run in seconds.
@Suite(.serialized) struct AnomalyEndToEndTests {
    static let poll: Int64 = 5_000
    static let hour: Int64 = 3_600_000
    /// Simulated start: a whole hour, a day ago (readings stay inside the store's retention).
    static let start = (Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000) / hour * hour

    /// The building: hour 0 is learned, hour 1 is fault-free, hour 2 has the faults.
    struct Building {
        let start: Int64
        var stuckFrom: Int64 { start + 2 * hour + 10 * 60_000 }
        var spikeAt: Int64 { start + 2 * hour + 30 * 60_000 }
        var shiftFrom: Int64 { start + 2 * hour + 40 * 60_000 }

        /// The hall temperature: a slow swing and noise; stuck from `stuckFrom` on.
        func temperature(_ time: Int64) -> Double {
            let at = time >= stuckFrom ? stuckFrom : time
            return 20 + 1.5 * sin(Double(at - start) / Double(3 * hour) * 2 * .pi) + 0.2 * noise(at, 1)
        }

        /// The canteen's power: a one-poll spike at `spikeAt`.
        func canteen(_ time: Int64) -> Double {
            let value = 2_000 + 150 * noise(time, 2)
            return time >= spikeAt && time < spikeAt + poll ? value * 5 : value
        }

        /// The main meter's power: 60 % more from `shiftFrom` on.
        func main(_ time: Int64) -> Double {
            let value = 8_000 + 600 * sin(Double(time - start) / Double(2 * hour) * 2 * .pi) + 200 * noise(time, 3)
            return time >= shiftFrom ? value * 1.6 : value
        }

        /// Repeatable noise in [-1, 1]: the same series whatever hour the test starts at.
        func noise(_ time: Int64, _ salt: UInt64) -> Double {
            var hash = UInt64(bitPattern: (time - start) / poll) &* 0x9E37_79B9_7F4A_7C15 ^ salt
            hash = (hash ^ (hash >> 31)) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
            return Double(hash % 2_000_001) / 1_000_000 - 1
        }
    }

    @Test func injectedFaultsRaiseOneEventEachAndAFaultFreeHourNone() async throws {
        let directory = TemporaryDirectory()
        let time = SimulatedTime(Self.start)
        let building = Building(start: Self.start)
        let end = Self.start + 3 * Self.hour
        let units = [
            (1, building.temperature), (2, building.canteen), (3, building.main),
        ].map { id, value in
            SimulatedUnit(id: id, points: [SimulatedPoint(Self.point) { _ in value(time.now) }])
        }
        let simulator = try ModbusSimulator.tcp(units: units)
        defer { simulator.stop() }
        let loaded = try ConfigurationLoader.load(yaml: Self.yaml(directory: directory.path("data"), port: simulator.port),
                                                  path: directory.path("vigie.yaml"))
        let logger = Logger(label: "anomaly-e2e")
        let store = try await ReadingStore.open(StoreConfiguration(loaded.configuration), logger: logger)
        let latest = LatestReadings()
        let detection = DetectionStage(
            configuration: loaded.configuration.anomaly, catalog: SensorCatalog(loaded), outbox: store.outbox,
            dataDirectory: directory.path("data"), sinks: { ["hub"] }, latest: latest,
            outboxChanged: {}, logger: logger)
        store.writer.addObserver(latest) // as the gateway wires them
        store.writer.addObserver(detection)
        let source = try ModbusSource(configuration: loaded.configuration.modbus, profiles: loaded.profiles,
                                      sink: store.writer, logger: logger,
                                      clock: FastForwardClock(time: time, end: end).gatewayClock)
        let writing = Task { try await store.writer.run() }
        let detecting = Task { try await detection.run() }
        // The source ends when its clock passes `end`; then the writer commits and the stage drains.
        try await source.run()
        writing.cancel()
        try await writing.value
        detecting.cancel()
        try await detecting.value

        let opened = detection.events(limit: 200).filter { $0.phase == .open }
        let fault = Self.start + 2 * Self.hour
        #expect(!opened.contains { $0.start < fault }, "events in the fault-free hours: \(opened)")
        let bySensor = Dictionary(grouping: opened.filter { $0.start >= fault }, by: \.sensor.device)
        #expect(bySensor.mapValues(\.count) == ["hall": 1, "canteen": 1, "main": 1], "events: \(opened)")
        #expect(bySensor["hall"]?.first?.reasons.contains("stuck") == true)
        #expect(bySensor["hall"].map { $0[0].start >= building.stuckFrom } == true)
        #expect(bySensor["canteen"]?.first?.reasons.contains("spike") == true)
        #expect(bySensor["canteen"]?.first?.start == building.spikeAt)
        #expect(bySensor["main"].map { $0[0].start >= building.shiftFrom && $0[0].start < building.shiftFrom + 5 * Self.poll } == true)
        #expect(bySensor["main"]?.first?.reasons.contains("unusual_behaviour") == true)
        // The status page shows each sensor's latest reading with the score the detector gave it.
        let statuses = latest.sensors(unit: { _ in nil })
        #expect(statuses.map(\.id) == ["canteen/value", "hall/value", "main/value"])
        #expect(statuses.allSatisfy { ($0.anomalyScore ?? -1) >= 0 && ($0.anomalyScore ?? 2) <= 1 }, "\(statuses)")
        // Each event went to the outbox for the hub.
        let pending = try await store.outbox.pending(sink: "hub", limit: 1000)
        #expect(pending.filter { (try? $0.message.get().kind) == .anomaly }.count >= 3)
    }

    static let point = PointDefinition(name: "value", table: .holding, address: 0, type: .float32)

    static func yaml(directory: String, port: Int) -> String {
        let device = { (name: String, unit: Int) in
            """
                    - name: \(name)
                      unit: \(unit)
                      poll: \(poll)ms
                      points:
                        - { name: value, table: holding, address: 0, type: float32 }
            """
        }
        return """
            gateway:
              id: e2e
              data_dir: "\(directory)"
              http: "off"
            modbus:
              buses:
                - name: sim
                  tcp: 127.0.0.1:\(port)
                  timeout: 2s
                  devices:
            \(device("hall", 1))
            \(device("canteen", 2))
            \(device("main", 3))
            anomaly:
              sensitivity: medium

            """
    }
}
