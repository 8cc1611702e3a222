import Foundation
import Logging
import Synchronization
import Testing
import VigieCore
import VigieStore
@testable import VigieDaemon
import VigieTestKit

/// Readings delivered out of order (an MQTT device's queued payload) or twice (at-least-once
/// delivery) go through the daemon's detection stage: a late one is scored and logged once per
/// sensor, a repeat is absorbed, and neither opens a false event (a `gap` for the reading after
/// a late one, `stuck` for a message delivered ten times).
@Suite struct DeliveryOrderDetectionTests {
    final class Lines: Sendable {
        let stored = Mutex<[String]>([])
        var all: [String] { stored.withLock { $0 } }
        var logger: Logger {
            Logger(label: "detection") { label in
                VigieLogHandler(label: label, style: .journal, levelControl: LogLevelControl(.info),
                                output: LogOutput { line in self.stored.withLock { $0.append(line) } })
            }
        }
    }

    static let poll = AnomalyEndToEndTests.poll
    static let start = AnomalyEndToEndTests.start

    /// The `index`th poll of the hall's sensor: a cycle of 288 polls and noise, to the thousandth
    /// (as a payload gives it).
    static func reading(_ index: Int64) -> Reading {
        let value = 20 + 3 * sin(Double(index) / 288 * 2 * .pi) + 0.5 * AnomalyEndToEndTests.Building(start: start).noise(start + index * poll, 1)
        return Reading(sensor: SensorID(device: "hall", point: "value"), time: start + index * poll, value: (value * 1_000).rounded() / 1_000)
    }

    /// The events the detection stage opens for `readings` (committed in batches of 50), as
    /// (start, reasons), and its log lines.
    static func openedEvents(_ readings: [Reading]) async throws -> (events: [String], log: [String]) {
        let directory = TemporaryDirectory()
        let loaded = try ConfigurationLoader.load(yaml: AnomalyEndToEndTests.yaml(directory: directory.path("data"), port: 1),
                                                  path: directory.path("vigie.yaml"))
        let lines = Lines()
        let store = try await ReadingStore.open(StoreConfiguration(loaded.configuration), logger: Logger(label: "store"))
        let detection = DetectionStage(
            configuration: loaded.configuration.anomaly, catalog: SensorCatalog(loaded), outbox: store.outbox,
            dataDirectory: directory.path("data"), sinks: { ["hub"] }, latest: LatestReadings(),
            outboxChanged: {}, logger: lines.logger)
        let detecting = Task { try await detection.run() }
        for batch in stride(from: 0, to: readings.count, by: 50) {
            detection.didCommit(Array(readings[batch..<min(batch + 50, readings.count)]))
        }
        detecting.cancel()
        try await detecting.value
        let events = detection.events(limit: 200).filter { $0.phase == .open }.map { "\($0.start) \($0.reasons)" }
        return (events.reversed(), lines.all)
    }

    @Test func lateAndRepeatedReadingsChangeNoEvent() async throws {
        let inOrder = (0..<2_100).map(Self.reading)
        // After poll 500, two payloads from half an hour earlier arrive; poll 2 000 is delivered ten times.
        var delivered = inOrder
        delivered.insert(contentsOf: Array(repeating: Self.reading(2_000), count: 9), at: 2_001)
        delivered.insert(contentsOf: [Self.reading(140), Self.reading(141)], at: 501)

        let expected = try await Self.openedEvents(inOrder)
        let (events, log) = try await Self.openedEvents(delivered)
        // Without the late readings' rule, poll 501 was a 30-minute gap; without the repeats', poll 2 000 was stuck.
        #expect(events == expected.events)
        let warnings = log.filter { $0.contains("reading out of time order") }
        #expect(warnings.count == 1, "\(log)")
        let newest = RFC3339.format(milliseconds: Self.start + 500 * Self.poll)
        #expect(warnings.first?.contains("sensor.id=hall/value") == true && warnings.first?.contains("sensor.newest=\(newest)") == true,
                "\(warnings)")
    }

    @Test func aReadingStampedAheadIsLoggedAndTheReadingsAfterItAreScored() async throws {
        // Poll 800 is stamped a year ahead (a device's clock glitch); poll 830 is a spike (after the gap's event has closed).
        var delivered = (0..<1_000).map(Self.reading)
        let stampedAhead = delivered[800].time + 365 * 86_400_000
        delivered[800].time = stampedAhead
        delivered[830].value += 40
        let (events, log) = try await Self.openedEvents(delivered)
        // Without the rule, polls 801 to 860 were late, checked for their range only: no spike.
        let spikeStart = Self.start + 830 * Self.poll
        #expect(events.contains { $0.hasPrefix("\(spikeStart) ") }, "\(events)")
        let warnings = log.filter { $0.contains("reading stamped ahead of time") }
        #expect(warnings.count == 1 && warnings.first?.contains("reading.time=\(RFC3339.format(milliseconds: stampedAhead))") == true,
                "\(log)")
        #expect(!log.contains { $0.contains("reading out of time order") }, "\(log)")
    }
}
