import Foundation
import Logging
import Testing
import VigieCore
import VigieStore
@testable import VigieDaemon
import VigieTestKit

/// An incident open when the daemon stops (a power cut, an upgrade) is resumed by the next run:
/// the hub gets its `close`, with its own start, and no second `open`; the events page still
/// shows it. The real pieces: a store on disk, the writer, `DetectionStage`, the outbox.
@Suite(.serialized) struct EventsAcrossRestartTests {
    @Test func anIncidentOpenAcrossARestartIsClosedWithItsOwnStartAndNotOpenedTwice() async throws {
        let directory = TemporaryDirectory()
        let loaded = try ConfigurationLoader.load(yaml: """
            gateway: { id: restart, data_dir: "\(directory.path("data"))", http: "off" }
            anomaly:
              overrides:
                - { sensor: "grenier/*", max_silence: 1s }
            """, path: directory.path("vigie.yaml"))
        let logger = Logger(label: "restart-test")
        let store = try await ReadingStore.open(StoreConfiguration(loaded.configuration), logger: logger)
        let writing = Task { try await store.writer.run() }
        let attic = SensorID(device: "grenier", point: "temperature")
        func stage() -> DetectionStage {
            let detection = DetectionStage(
                configuration: loaded.configuration.anomaly, catalog: SensorCatalog(loaded), outbox: store.outbox,
                dataDirectory: directory.path("data"), sinks: { ["hub"] }, latest: LatestReadings(),
                outboxChanged: {}, logger: logger)
            store.writer.addObserver(detection)
            return detection
        }
        let stored = WallClock.nowMilliseconds() - 500
        await store.writer.submit([Reading(sensor: attic, time: stored, value: 31)])
        await store.writer.commitQueued()

        // The first run: the attic's sensor falls silent, a gap event opens; then the daemon stops.
        let first = stage()
        var detecting = Task { try await first.run() }
        #expect(await eventually(15) { first.events(limit: 10).contains { $0.phase == .open } })
        let opened = try #require(first.events(limit: 10).first)
        detecting.cancel()
        try await detecting.value

        // The next run shows the event at once, and its silence watch, which fires again, joins it.
        let second = stage()
        detecting = Task { try await second.run() }
        #expect(await eventually { second.events(limit: 10).first == opened })
        try await Task.sleep(for: .seconds(6))
        #expect(second.events(limit: 10) == [opened], "no second open for the same silence")
        // The sensor reports again: the resumed event closes after its quiet readings.
        let now = WallClock.nowMilliseconds()
        await store.writer.submit((0..<12).map { Reading(sensor: attic, time: now + Int64($0) * 100, value: 31 + Double($0)) })
        await store.writer.commitQueued()
        #expect(await eventually { second.events(limit: 10).first?.phase == .close })
        let closed = try #require(second.events(limit: 10).first)
        #expect(closed.start == opened.start && closed.sensor == attic)
        detecting.cancel()
        try await detecting.value

        // What the hub receives: one open and one close of the same event.
        let pending = try await store.outbox.pending(sink: "hub", limit: 100)
        let anomalies = pending.compactMap { entry -> AnomalyEventMessage? in
            guard let message = try? entry.message.get(), message.kind == .anomaly else { return nil }
            return try? AnomalyEventMessage(storageText: String(decoding: message.storageText, as: UTF8.self))
        }
        #expect(anomalies.map(\.phase) == [.open, .close], "\(anomalies)")
        #expect(Set(anomalies.map(\.start)) == [opened.start])
        writing.cancel()
        try await writing.value

        // `vigie export --events` lists both steps.
        let exported = try runTool(GatewayProcessTests.vigie, ["export", "--data-dir", directory.path("data"), "--events"],
                                   in: directory)
        let lines = exported.split(separator: "\n")
        #expect(lines.first == Substring(ExportFormat.eventsHeader))
        #expect(lines.dropFirst().map { $0.split(separator: ",")[1...2].joined(separator: ",") }
                    == ["grenier/temperature,open", "grenier/temperature,close"], "\(exported)")
    }
}
