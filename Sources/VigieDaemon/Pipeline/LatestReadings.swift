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
        /// Shown from a retained MQTT message that was not stored (`noteRetained`) until the
        /// sensor's first committed reading.
        var retained: RetainedValue?
    }

    /// A value known from the broker's retained copy only: its time, when the payload dated it.
    private enum RetainedValue {
        case dated, undated
    }

    private let state = Mutex<(entries: [SensorID: Entry], committed: Int64, lastCommit: Int64?)>(([:], 0, nil))
    private let heartbeat: ProgressHeartbeat?
    /// How old a stored reading may be to be shown after a restart (`seed`): 7 days.
    static let seedWindow: Int64 = 7 * 86_400_000

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
        if reading.time >= entry.reading.time || entry.retained != nil {
            entry.reading = reading
            entry.retained = nil
        }
    }

    /// Shows each sensor's newest stored reading until it reports again: after a restart, a
    /// sensor that reports every hour is on the status page at once, with its real age. A
    /// reading older than `seedWindow` is left out (a sensor removed long ago).
    public func seed(_ stored: [Reading], now: Int64 = WallClock.nowMilliseconds()) {
        state.withLock { state in
            for reading in stored where state.entries[reading.sensor] == nil && reading.time >= now - Self.seedWindow {
                state.entries[reading.sensor] = Entry(reading: reading)
            }
        }
    }

    /// Shows the readings of a retained MQTT message that was not stored (`retained: new` takes
    /// none whose payload does not date it, `skip` none at all) for sensors nothing has been
    /// stored for: a technician sees a device's last known value before its next report, marked
    /// retained, with its age unknown unless `dated`.
    public func noteRetained(_ readings: [Reading], dated: Bool) {
        state.withLock { state in
            for reading in readings where state.entries[reading.sensor].map({ $0.retained != nil }) ?? true {
                state.entries[reading.sensor] = Entry(reading: reading, retained: dated ? .dated : .undated)
            }
        }
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
                                quality: entry.reading.quality.description,
                                time: entry.retained == .undated ? nil : entry.reading.time,
                                anomalyScore: entry.score, label: value.flatMap { Int(exactly: $0) }.flatMap { labels(sensor)[$0] },
                                learningUntil: entry.learningUntil, retained: entry.retained != nil ? true : nil)
        }
    }
}
