import Foundation
import Logging
import Synchronization
import Testing
import VigieCore
import VigieStore
@testable import VigieDaemon
import VigieTestKit

/// A reading delivered after newer ones (an MQTT device's queued payload) goes through the
/// daemon's detection stage: scored, logged once per sensor, and no false `gap` event for the
/// reading after it.
@Suite struct LateReadingDetectionTests {
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

    @Test func lateReadingsAreLoggedOnceAndOpenNoGapEvent() async throws {
        let directory = TemporaryDirectory()
        let loaded = try ConfigurationLoader.load(yaml: AnomalyEndToEndTests.yaml(directory: directory.path("data"), port: 1),
                                                  path: directory.path("vigie.yaml"))
        let lines = Lines()
        let store = try await ReadingStore.open(StoreConfiguration(loaded.configuration), logger: Logger(label: "store"))
        let detection = DetectionStage(
            configuration: loaded.configuration.anomaly, catalog: SensorCatalog(loaded), outbox: store.outbox,
            dataDirectory: directory.path("data"), sinks: { ["hub"] }, latest: LatestReadings(),
            outboxChanged: {}, logger: lines.logger)
        let sensor = SensorID(device: "hall", point: "value")
        let poll = AnomalyEndToEndTests.poll
        let start = AnomalyEndToEndTests.start
        let reading = { (index: Int64) in
            Reading(sensor: sensor, time: start + index * poll, value: 20 + 0.2 * sin(Double(index) * 0.7))
        }
        // 600 polls; after poll 500, two payloads from half an hour earlier arrive.
        var readings = (0..<600).map(reading)
        readings.insert(contentsOf: [reading(140), reading(141)], at: 501)
        let detecting = Task { try await detection.run() }
        for batch in stride(from: 0, to: readings.count, by: 50) {
            detection.didCommit(Array(readings[batch..<min(batch + 50, readings.count)]))
        }
        detecting.cancel()
        try await detecting.value

        let opened = detection.events(limit: 200).filter { $0.phase == .open }
        #expect(opened.isEmpty, "set back to the late reading's time, the sensor's clock made poll 501 a 30-minute gap: \(opened)")
        let warnings = lines.all.filter { $0.contains("reading out of time order") }
        #expect(warnings.count == 1, "\(lines.all)")
        let newest = RFC3339.format(milliseconds: start + 500 * poll)
        #expect(warnings.first?.contains("sensor.id=hall/value") == true && warnings.first?.contains("sensor.newest=\(newest)") == true,
                "\(warnings)")
    }
}
