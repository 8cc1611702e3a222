/// When the writer commits the readings waiting in its queue: the rule, without the waiting.
///
/// A commit costs the disk about 20 KB however few readings it holds, measured on ext4 (the WAL
/// block of its write-ahead slot, synced; the -shm page written back; a journal transaction for
/// the files' times): one meter polled every second, committed every 500 ms, made 1.8 KB of writes
/// per reading as its process saw them, more as the disk did. So a batch commits:
/// - at once when it holds `batchSize` readings;
/// - when its first reading has waited `batchInterval`, if it holds `worthwhileReadings` or more
///   (the commit's cost is then a few bytes a reading), or if it holds a reading that must commit
///   promptly (`CommitDeadline.batchInterval`: MQTT, acknowledged before it is stored);
/// - otherwise when its first reading has waited `commitInterval`.
///
/// Worked numbers with the defaults (500 ms, 2 s, 400): 100 Modbus devices of 4 registers polled
/// every second commit every second as before (400 readings at once); 10 devices and one device
/// every 2 s (80 and 8 readings). With `commit_interval: 2m` (the low-wear setting): 10 devices every
/// 10 s, one device every 100 s, a device of one register every 2 min. A crash or a power cut loses at
/// most the polled readings not committed yet: at most `commitInterval` of them.
struct CommitCadence: Sendable, Equatable {
    /// Enough readings for a commit's ~20 KB to cost about 50 bytes each (and one second of polls of
    /// 100 devices of 4 registers, so that such a site still commits every second).
    static let worthwhileReadings = 400

    var batchSize: Int
    /// Nanoseconds.
    var batchInterval: UInt64
    /// Nanoseconds; never shorter than `batchInterval`.
    var commitInterval: UInt64

    init(batchSize: Int, batchInterval: UInt64, commitInterval: UInt64) {
        self.batchSize = max(1, batchSize)
        self.batchInterval = batchInterval
        self.commitInterval = max(batchInterval, commitInterval)
    }

    init(_ configuration: StoreConfiguration) {
        self.init(batchSize: configuration.batchSize,
                  batchInterval: UInt64(max(0, configuration.batchInterval.milliseconds)) * 1_000_000,
                  commitInterval: UInt64(max(0, configuration.commitInterval.milliseconds)) * 1_000_000)
    }

    /// The instant (monotonic ns) a batch of `count` readings, the first queued at `firstArrival`
    /// and the first prompt one at `promptArrival` (nil: none), is due.
    func due(count: Int, firstArrival: UInt64, promptArrival: UInt64?) -> UInt64 {
        if count >= batchSize { return firstArrival }
        let waited = count >= Self.worthwhileReadings ? batchInterval : commitInterval
        let due = firstArrival &+ waited
        guard let promptArrival else { return due }
        return min(due, promptArrival &+ batchInterval)
    }

    /// True when the queue's writer must wake up to re-check the deadline: the batch just became
    /// full or worth a commit (from `before` to `after` readings), or its first prompt reading arrived.
    func shortensDeadline(from before: Int, to after: Int, firstPrompt: Bool) -> Bool {
        firstPrompt || after >= batchSize || (before < Self.worthwhileReadings && after >= Self.worthwhileReadings)
    }
}
