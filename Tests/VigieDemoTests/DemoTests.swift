import Foundation
import Testing
import Prometheus
import VigieCore
import VigieStore
@testable import VigieDaemon
@testable import VigieDemo
import VigieTestKit

/// `vigie demo`'s machinery: the simulated building through the real gateway, and its plain output.
@Suite(.serialized) struct DemoTests {
    /// The source tree's device profiles (this file is Tests/VigieDemoTests/DemoTests.swift).
    static let profiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("devices").path

    @Test func demoStoresReadingsOfEveryDeviceAndRaisesAnomalies() async throws {
        let directory = TemporaryDirectory()
        let lines = LineCollector()
        // 180 x: a simulated hour in 20 s, poll 333 ms; the incidents run from 7 s to 18 s.
        let runner = DemoRunner(options: .init(dataDirectory: directory.path("data"), duration: .seconds(18), speed: 180,
                                               profilesDirectory: Self.profiles, live: false),
                                logger: .init(label: "demo-test"))
        let summary = try await runner.run(metrics: PrometheusCollectorRegistry()) { lines.append($0) }
        #expect(summary.devices >= 4)
        #expect(summary.anomalies >= 1, "lines: \(lines.all.joined(separator: "\n"))")
        var stored: Set<String> = []
        try ReadingQuery(dataDirectory: directory.path("data")).readings { reading in
            stored.insert(String(reading.sensor.description.split(separator: "/")[0]))
        }
        #expect(stored.count >= 4, "stored devices: \(stored)")
        #expect(lines.all.contains { $0.contains("anomaly opened") })
        #expect(!lines.all.contains { $0.contains("\u{1B}") })
    }

    /// A second demo in the same folder starts from a clean store; a gateway's own data is refused.
    @Test func aPreviousDemosStoreIsReplacedAndAGatewaysStoreRefused() throws {
        let demo = TemporaryDirectory()
        let database = StoreConfiguration.databasePath(in: demo.path)
        #expect(try DemoRunner.clearPreviousDemo(in: demo.path) == false, "nothing to replace in an empty folder")
        for file in [database, database + "-wal", database + ".clean", demo.path("demo.yaml")] {
            try "x".write(toFile: file, atomically: true, encoding: .utf8)
        }
        #expect(try DemoRunner.clearPreviousDemo(in: demo.path))
        #expect(!FileManager.default.fileExists(atPath: database) && !FileManager.default.fileExists(atPath: database + "-wal")
                && !FileManager.default.fileExists(atPath: database + ".clean"))
        #expect(FileManager.default.fileExists(atPath: demo.path("demo.yaml")))

        let gateway = TemporaryDirectory()
        let gatewayDatabase = StoreConfiguration.databasePath(in: gateway.path)
        try "x".write(toFile: gatewayDatabase, atomically: true, encoding: .utf8)
        #expect(throws: VigieDaemonError.self) { try DemoRunner.clearPreviousDemo(in: gateway.path) }
        #expect(FileManager.default.fileExists(atPath: gatewayDatabase), "a gateway's store is never removed")
    }

    @Test func plainEventLinesHaveNoEscapeCodes() {
        var log = DemoEventLog(backlogEvery: 0)
        let device = DeviceStatus(name: "compteur-chaleur", unit: 3, state: .failing, lastError: "timed out")
        let snapshot = GatewaySnapshot(
            gateway: GatewayIdentity(id: "demo", version: "0", hostname: "h", startedAt: 0, now: 1),
            buses: [BusStatus(name: "b", transport: "tcp 127.0.0.1:502", devices: [device])],
            store: StoreStatus(state: .ok, databaseBytes: 0, maxBytes: 1),
            sinks: [UpstreamStatus(name: "hub", target: "mqtt 127.0.0.1:1", state: .degraded, connected: false, backlog: 42)],
            clock: ClockStatus(synchronized: nil, plausible: true))
        let events = [AnomalyStatus(sensor: "qualite-air-hall/co2", start: 1, score: 0.91, kind: "stuck", message: "stuck")]
        let lines = log.lines(snapshot: snapshot, events: events, elapsed: 3)
        #expect(lines.contains("device compteur-chaleur failing: timed out"))
        #expect(lines.contains("anomaly opened on qualite-air-hall/co2: stuck (score 0.91)"))
        #expect(lines.contains { $0.hasPrefix("backlog: hub 42 waiting (offline)") })
        #expect(lines.allSatisfy { !$0.unicodeScalars.contains { $0.value < 0x20 } })
        let screen = DemoLiveView().render(header: "h", snapshot: snapshot, events: events, notes: [])
        #expect(screen.contains("\u{1B}["))
    }

    @Test func speedScalesPollAndWindows() {
        let configuration = DemoConfiguration(dataDirectory: "/d", profilesDirectory: "/p", speed: 60, modbusPort: 1502, httpPort: 9108)
        #expect(configuration.pollMilliseconds == 1000)
        #expect(configuration.windowMilliseconds == 15_000)
        #expect(configuration.yaml.contains("poll: 1000ms"))
        #expect(!configuration.yaml.contains("upstream:"))
        #expect(DemoScenario().active(at: 3600 + 23 * 60) == [.stuckSensor])
    }
}

/// Lines written by the demo, collected across tasks.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    var all: [String] { lock.withLock { lines } }
}
