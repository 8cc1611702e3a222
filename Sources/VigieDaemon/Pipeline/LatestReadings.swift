import Synchronization
import VigieCore
import VigieStore

/// The latest committed reading of each sensor and its anomaly score, for the status page and
/// /api/sensors, and the count of readings in for the health message.
///
/// Fed by the writer after each commit (on the writer's thread: a dictionary update per reading)
/// and by the detection stage; read by HTTP requests.
public final class LatestReadings: CommitObserver {
    private struct Entry {
        var reading: Reading
        var score: Double?
        var learningUntil: Int64?
    }

    private let state = Mutex<(entries: [SensorID: Entry], committed: Int64, lastCommit: Int64?)>(([:], 0, nil))
    private let heartbeat: ProgressHeartbeat?

    /// `heartbeat` is told after every commit: progress for the systemd watchdog.
    public init(heartbeat: ProgressHeartbeat? = nil) {
        self.heartbeat = heartbeat
    }

    public func didCommit(_ readings: [Reading]) {
        state.withLock { state in
            state.committed += Int64(readings.count)
            state.lastCommit = WallClock.nowMilliseconds()
            for reading in readings {
                // One hash lookup per reading, the entry updated in place.
                Self.keepNewer(reading, in: &state.entries[reading.sensor, default: Entry(reading: reading)])
            }
        }
        heartbeat?.beat()
    }

    private static func keepNewer(_ reading: Reading, in entry: inout Entry) {
        if reading.time >= entry.reading.time { entry.reading = reading }
    }

    /// Records the scores the detector gave sensors' latest readings, and until when each
    /// detector learns its sensor's rhythm (nil once it has), one lock for all.
    public func setScores(_ scores: [(sensor: SensorID, score: Double, learningUntil: Int64?)]) {
        guard !scores.isEmpty else { return }
        state.withLock { state in
            for (sensor, score, learningUntil) in scores {
                if let index = state.entries.index(forKey: sensor) {
                    state.entries.values[index].score = score
                    state.entries.values[index].learningUntil = learningUntil
                }
            }
        }
    }

    /// When the last batch was committed (ms since the epoch).
    public var lastCommit: Int64? { state.withLock { $0.lastCommit } }

    /// Readings committed since start.
    public var committed: Int64 { state.withLock { $0.committed } }

    /// One status line per sensor, sorted by name; an enum sensor's value carries its label.
    public func sensors(unit: (SensorID) -> String?, labels: (SensorID) -> [Int: String] = { _ in [:] }) -> [SensorStatus] {
        let entries = state.withLock { $0.entries }
        return entries.keys.sorted().compactMap { sensor in
            guard let entry = entries[sensor] else { return nil }
            let value = entry.reading.value.isFinite ? entry.reading.value : nil
            return SensorStatus(id: sensor.description, unit: unit(sensor), value: value,
                                quality: entry.reading.quality.description, time: entry.reading.time,
                                anomalyScore: entry.score, label: value.flatMap { Int(exactly: $0) }.flatMap { labels(sensor)[$0] },
                                learningUntil: entry.learningUntil)
        }
    }
}
