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
    /// A store on disk whose writer runs, and detection stages started on it one after the other
    /// (each a run of the daemon), with `anomaly` as their configuration's section.
    final class RestartRig {
        let directory = TemporaryDirectory()
        let logger = Logger(label: "restart-test")
        let store: ReadingStore
        let writing: Task<Void, any Error>
        static let attic = SensorID(device: "grenier", point: "temperature")

        init() async throws {
            store = try await ReadingStore.open(StoreConfiguration(dataDirectory: directory.path("data")), logger: logger)
            writing = Task { [store] in try await store.writer.run() }
        }

        func stage(anomaly: String) throws -> DetectionStage {
            let loaded = try ConfigurationLoader.load(yaml: """
                gateway: { id: restart, data_dir: "\(directory.path("data"))", http: "off" }
                anomaly: \(anomaly)
                """, path: directory.path("vigie.yaml"))
            let detection = DetectionStage(
                configuration: loaded.configuration.anomaly, catalog: SensorCatalog(loaded), outbox: store.outbox,
                dataDirectory: directory.path("data"), sinks: { ["hub"] }, latest: LatestReadings(),
                outboxChanged: {}, logger: logger)
            store.writer.addObserver(detection)
            return detection
        }

        /// The first run: the attic's sensor, silent since its stored reading, opens a gap event
        /// (`max_silence` 1 s); then the run stops. Returns the event.
        func openGapEvent() async throws -> AnomalyEventMessage {
            await store.writer.submit([Reading(sensor: Self.attic, time: WallClock.nowMilliseconds() - 500, value: 31)])
            await store.writer.commitQueued()
            let first = try stage(anomaly: #"{ overrides: [{ sensor: "grenier/*", max_silence: 1s }] }"#)
            let detecting = Task { try await first.run() }
            #expect(await eventually(15) { first.events(limit: 10).contains { $0.phase == .open } })
            detecting.cancel()
            try await detecting.value
            return try #require(first.events(limit: 10).first)
        }

        /// The anomaly event steps waiting in the outbox for the hub, oldest first.
        func sentToTheHub() async throws -> [AnomalyEventMessage] {
            try await store.outbox.pending(sink: "hub", limit: 100).compactMap { entry in
                guard let message = try? entry.message.get(), message.kind == .anomaly else { return nil }
                return try? AnomalyEventMessage(storageText: String(decoding: message.storageText, as: UTF8.self))
            }
        }

        func stop() async throws {
            writing.cancel()
            try await writing.value
        }
    }

    @Test func anIncidentOpenAcrossARestartIsClosedWithItsOwnStartAndNotOpenedTwice() async throws {
        let rig = try await RestartRig()
        let opened = try await rig.openGapEvent()

        // The next run shows the event at once, and its silence watch, which fires again, joins it.
        let second = try rig.stage(anomaly: #"{ overrides: [{ sensor: "grenier/*", max_silence: 1s }] }"#)
        let detecting = Task { try await second.run() }
        #expect(await eventually { second.events(limit: 10).first == opened })
        try await Task.sleep(for: .seconds(6))
        #expect(second.events(limit: 10) == [opened], "no second open for the same silence")
        #expect(second.openEvents() == [opened])
        // The sensor reports again: the resumed event closes after its quiet readings.
        let now = WallClock.nowMilliseconds()
        await rig.store.writer.submit((0..<12).map { Reading(sensor: RestartRig.attic, time: now + Int64($0) * 100, value: 31 + Double($0)) })
        await rig.store.writer.commitQueued()
        #expect(await eventually { second.events(limit: 10).first?.phase == .close })
        let closed = try #require(second.events(limit: 10).first)
        #expect(closed.start == opened.start && closed.sensor == RestartRig.attic)
        #expect(second.openEvents().isEmpty)
        detecting.cancel()
        try await detecting.value

        // What the hub receives: one open and one close of the same event.
        let sent = try await rig.sentToTheHub()
        #expect(sent.map(\.phase) == [.open, .close], "\(sent)")
        #expect(Set(sent.map(\.start)) == [opened.start])
        try await rig.stop()

        // `vigie export --events` lists both steps.
        let exported = try runTool(GatewayProcessTests.vigie, ["export", "--data-dir", rig.directory.path("data"), "--events"],
                                   in: rig.directory)
        let lines = exported.split(separator: "\n")
        #expect(lines.first == Substring(ExportFormat.eventsHeader))
        #expect(lines.dropFirst().map { $0.split(separator: ",")[1...2].joined(separator: ",") }
                    == ["grenier/temperature,open", "grenier/temperature,close"], "\(exported)")
    }

    /// The status page's open anomalies are every incident left open, not only those among the
    /// newest steps of the events page (an incident open for weeks is far behind them).
    @Test func anIncidentOpenForLongIsStillListedAsOpen() async throws {
        let rig = try await RestartRig()
        let now = WallClock.nowMilliseconds()
        let stuck = AnomalyEventMessage(sensor: SensorID(device: "cave", point: "humidite"), phase: .open, start: now - 86_400_000,
                                        time: now - 86_400_000, score: 0.9, peakScore: 0.9, reasons: ["stuck"])
        let room = SensorID(device: "salle", point: "co2")
        let hourAgo = now - 3_600_000
        let others = (0..<(DetectionStage.recentLimit + 50)).map { (i: Int) -> AnomalyEventMessage in
            let phase: AnomalyEventMessage.Phase = i.isMultiple(of: 2) ? .open : .close
            let time = hourAgo + Int64(i)
            return AnomalyEventMessage(sensor: room, phase: phase, start: time, time: time, score: 0.8, peakScore: 0.8, reasons: ["spike"])
        }
        try await rig.store.outbox.appendEvents([stuck] + others, messages: [])
        let stage = try rig.stage(anomaly: "{}")
        let detecting = Task { try await stage.run() }
        #expect(await eventually { !stage.events(limit: 10).isEmpty })
        #expect(!stage.events(limit: DetectionStage.recentLimit).contains(stuck))
        #expect(stage.openEvents() == [stuck])
        detecting.cancel()
        try await detecting.value
        try await rig.stop()
    }

    /// A sensor whose detection is turned off would never close its incident: the next run closes
    /// it at once, at its last alarm (also with the whole anomaly section off).
    @Test func anIncidentOfASensorNoLongerWatchedIsClosedAtTheStart() async throws {
        for anomaly in [#"{ overrides: [{ sensor: "grenier/*", enabled: false }] }"#, "{ enabled: false }"] {
            let rig = try await RestartRig()
            let opened = try await rig.openGapEvent()
            let next = try rig.stage(anomaly: anomaly)
            let detecting = Task { try await next.run() }
            #expect(await eventually { next.events(limit: 10).first?.phase == .close }, "\(anomaly)")
            let closed = try #require(next.events(limit: 10).first)
            #expect(closed.start == opened.start && closed.end == opened.time)
            #expect(try await rig.sentToTheHub().map(\.phase) == [.open, .close])
            detecting.cancel()
            try await detecting.value
            try await rig.stop()
        }
    }
}
