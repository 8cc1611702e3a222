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
            state.lastCommit = ReadingStore.wallClockMilliseconds()
            for reading in readings where reading.time >= state.entries[reading.sensor]?.reading.time ?? .min {
                state.entries[reading.sensor, default: Entry(reading: reading)].reading = reading
            }
        }
        heartbeat?.beat()
    }

    /// Records the score the detector gave a sensor's latest reading.
    public func setScore(_ score: Double, of sensor: SensorID) {
        state.withLock { $0.entries[sensor]?.score = score }
    }

    /// When the last batch was committed (ms since the epoch).
    public var lastCommit: Int64? { state.withLock { $0.lastCommit } }

    /// Readings committed since start.
    public var committed: Int64 { state.withLock { $0.committed } }

    /// One status line per sensor, sorted by name.
    public func sensors(unit: (SensorID) -> String?) -> [SensorStatus] {
        let entries = state.withLock { $0.entries }
        return entries.keys.sorted().compactMap { sensor in
            guard let entry = entries[sensor] else { return nil }
            return SensorStatus(id: sensor.description, unit: unit(sensor),
                                value: entry.reading.value.isFinite ? entry.reading.value : nil,
                                quality: entry.reading.quality.description, time: entry.reading.time,
                                anomalyScore: entry.score)
        }
    }
}
