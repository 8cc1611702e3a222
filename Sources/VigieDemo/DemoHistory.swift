import Logging
import VigieCore
import VigieStore
import VigieDaemon

/// The simulated building's recent past, written to the store before the gateway opens it.
///
/// A real gateway that restarts warms every detector up from the readings it stored (see
/// `DetectionStage`); the demo's building has no past, and a detector's statistics need a few
/// hundred readings (`SeasonalBaselineDetector`: 300) before they judge anything, which would
/// put the first level shift six simulated hours into the demo. So the demo stores `polls`
/// readings of every Modbus register point, one per poll before the start, with the values the
/// simulator would have served then (no incident; encoded to registers and decoded back, so they
/// have the same resolution as live readings). The detectors then start warm, as after a
/// restart, and every incident of the first simulated hour is judged.
package enum DemoHistory {
    /// Polls of history per point: 6 simulated hours at the default poll of one simulated minute.
    package static let polls = 360

    /// The readings of `polls` polls before `now` (ms), oldest first.
    package static func readings(building: DemoBuilding, devices: [String: [PointDefinition]], pollMilliseconds: Int,
                         now: Int64, polls: Int = polls) -> [Reading] {
        let simulatedPoll = Double(pollMilliseconds) / 1000 * building.speed
        var readings: [Reading] = []
        for step in stride(from: polls, through: 1, by: -1) {
            let time = now - Int64(step) * Int64(pollMilliseconds)
            let seconds = -Double(step) * simulatedPoll
            for (device, points) in devices.sorted(by: { $0.key < $1.key }) {
                // A point polled more slowly than its device (an energy counter) has history at its own pace.
                for point in points where !point.table.isBitTable && step % Self.pollsPerReading(of: point, pollMilliseconds) == 0 {
                    let value = building.normal(device: device, point: point, at: seconds)
                    let words = RegisterEncoder.words(forReading: value, point: point)
                    let decoded = RegisterDecoder.reading(words, point: point)
                    guard case .good = decoded.quality else { continue }
                    readings.append(Reading(sensor: SensorID(device: device, point: point.name), time: time,
                                            value: decoded.value))
                }
            }
        }
        return readings
    }

    /// How many device polls apart the point is read (1 unless it has its own, slower, `poll`).
    static func pollsPerReading(of point: PointDefinition, _ pollMilliseconds: Int) -> Int {
        guard let poll = point.poll else { return 1 }
        let milliseconds = poll.components.seconds * 1000 + poll.components.attoseconds / 1_000_000_000_000_000
        return max(1, Int(milliseconds) / max(1, pollMilliseconds))
    }

    /// Stores `readings` through the store's own writer, which commits them and closes.
    package static func write(_ readings: [Reading], configuration: Configuration, logger: Logger) async throws {
        let store = try await ReadingStore.open(StoreConfiguration(configuration), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.writer.run() }
            var index = 0
            while index < readings.count {
                let end = min(index + 1000, readings.count)
                await store.writer.submit(Array(readings[index..<end]))
                index = end
            }
            // Cancelling the writer closes its queue; it commits what is queued, then ends.
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}
