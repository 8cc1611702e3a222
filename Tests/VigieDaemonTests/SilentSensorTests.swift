import Foundation
import Logging
import ServiceLifecycle
import Testing
import VigieCore
import VigieMQTT
import VigieStore
@testable import VigieDaemon
import VigieTestKit

/// A battery sensor that dies sends nothing more: with `max_silence`, its silence is a `gap`
/// event (one per device) once the limit passes, with no reading to show it. The real pipeline:
/// mosquitto → MQTTSource → store writer → DetectionStage → outbox.
@Suite(.serialized) struct SilentSensorTests {
    @Test func aSensorSilentLongerThanItsMaxSilenceOpensOneGapEventPerDevice() async throws {
        let broker = try Mosquitto()
        let directory = TemporaryDirectory()
        let loaded = try ConfigurationLoader.load(yaml: """
            gateway: { id: silence, data_dir: "\(directory.path("data"))", http: "off" }
            buffer: { batch_interval: 100ms }
            mqtt:
              broker: 127.0.0.1:\(broker.port)
              subscriptions:
                - { topic: "zigbee2mqtt/+", format: zigbee2mqtt }
            anomaly:
              max_silence: 2s
              overrides:
                - { sensor: "salon/*", max_silence: off }
            """, path: directory.path("vigie.yaml"))
        let logger = Logger(label: "silence-test")
        let store = try await ReadingStore.open(StoreConfiguration(loaded.configuration), logger: logger)
        let detection = DetectionStage(
            configuration: loaded.configuration.anomaly, catalog: SensorCatalog(loaded), outbox: store.outbox,
            dataDirectory: directory.path("data"), sinks: { ["hub"] }, latest: LatestReadings(),
            outboxChanged: {}, logger: logger)
        store.writer.addObserver(detection)
        let source = try MQTTSource(configuration: try #require(loaded.configuration.mqtt), sink: store.writer, logger: logger)
        let group = ServiceGroup(services: [store.writer, detection, source], gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            #expect(await eventually {
                try? broker.publish(topic: "zigbee2mqtt/probe", payload: Array(#"{"temperature":20}"#.utf8))
                return store.writer.statistics.readingsCommitted > 0
            })
            let lastCave = WallClock.nowMilliseconds()
            try broker.publish(topic: "zigbee2mqtt/cave", payload: Array(#"{"temperature":12.5,"humidity":80}"#.utf8))
            try broker.publish(topic: "zigbee2mqtt/salon", payload: Array(#"{"temperature":21}"#.utf8))
            // Then nothing from the cave (nor the salon, whose silence is not watched) for the limit and more.
            #expect(await eventually(15) { detection.events(limit: 20).contains { $0.sensor.device == "cave" } })
            let caveEvents = detection.events(limit: 20).filter { $0.sensor.device == "cave" }
            #expect(caveEvents.filter { $0.phase == .open }.count == 1, "\(caveEvents)")
            let opened = try #require(caveEvents.first { $0.phase == .open })
            #expect(opened.reasons == ["gap"])
            #expect(opened.start >= lastCave + 2_000 && opened.start < lastCave + 3_000, "dated when the limit passed: \(opened.start)")
            #expect([12.5, 80].contains(opened.value ?? .nan), "the sensor's last value: \(String(describing: opened.value))")
            #expect(!detection.events(limit: 20).contains { $0.sensor.device == "salon" })
            // One incident for the device: its other silent sensor joined it.
            try await Task.sleep(for: .seconds(6))
            let all = detection.events(limit: 20).filter { $0.sensor.device == "cave" }
            #expect(all.filter { $0.phase == .open }.count == 1, "\(all)")
            #expect(all.first?.context == ["cave/humidity"], "the newest message: \(all)")
            // It reports again: the event closes after its quiet readings, and the watch is re-armed.
            for humidity in 70..<82 {
                try broker.publish(topic: "zigbee2mqtt/cave", payload: Array(#"{"temperature":12.5,"humidity":\#(humidity)}"#.utf8))
            }
            #expect(await eventually { detection.events(limit: 20).contains { $0.sensor.device == "cave" && $0.phase == .close } })
            let pending = try await store.outbox.pending(sink: "hub", limit: 100)
            #expect(pending.contains { (try? $0.message.get().kind) == .anomaly })
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// A sensor that died before a restart (a power cut) sends nothing after it: it is watched
    /// from its newest stored reading.
    @Test func aSensorSilentSinceBeforeTheStartIsWatchedFromItsNewestStoredReading() async throws {
        let directory = TemporaryDirectory()
        let loaded = try ConfigurationLoader.load(yaml: """
            gateway: { id: silence, data_dir: "\(directory.path("data"))", http: "off" }
            anomaly:
              overrides:
                - { sensor: "grenier/*", max_silence: 2s }
            """, path: directory.path("vigie.yaml"))
        let logger = Logger(label: "silence-test")
        let store = try await ReadingStore.open(StoreConfiguration(loaded.configuration), logger: logger)
        let writing = Task { try await store.writer.run() }
        // The earlier run's last readings: the attic's sensor, and the cellar's, not watched.
        let stored = WallClock.nowMilliseconds() - 1_000
        await store.writer.submit([Reading(sensor: SensorID(device: "grenier", point: "temperature"), time: stored, value: 31),
                                   Reading(sensor: SensorID(device: "cave", point: "temperature"), time: stored, value: 12)])
        await store.writer.commitQueued()
        let detection = DetectionStage(
            configuration: loaded.configuration.anomaly, catalog: SensorCatalog(loaded), outbox: store.outbox,
            dataDirectory: directory.path("data"), sinks: { ["hub"] }, latest: LatestReadings(),
            outboxChanged: {}, logger: logger)
        let detecting = Task { try await detection.run() }
        #expect(await eventually(15) { !detection.events(limit: 10).isEmpty })
        let events = detection.events(limit: 10)
        #expect(events.map(\.sensor.description) == ["grenier/temperature"], "\(events)")
        #expect(events.first?.start == stored + 2_000)
        #expect(events.first?.value == 31)
        detecting.cancel()
        try await detecting.value
        writing.cancel()
        try await writing.value
    }
}
