import VigieCore

/// How the store is laid out and bounded; built from the `gateway` and `buffer` sections.
public struct StoreConfiguration: Sendable, Equatable {
    /// The folder holding `vigie.db` (created when missing).
    public var dataDirectory: String
    /// Database plus WAL never grow past this.
    public var maxSize: ByteSize
    /// Readings older than this (by their own time) are deleted.
    public var keepReadings: Duration
    /// `full`: a committed batch survives a power cut; `normal`: it survives a crash of vigie.
    public var synchronous: SynchronousMode
    /// A batch commits at this many readings...
    public var batchSize: Int
    /// ...or when its first reading has waited this long, if enough readings wait or one must commit promptly...
    public var batchInterval: Duration
    /// ...else when its first reading has waited this long (polled readings at low rates; `CommitCadence`).
    public var commitInterval: Duration
    /// Readings waiting for the writer; `submit` suspends when full.
    public var queueCapacity: Int
    /// Small batches are committed to a write-ahead table and folded into per-sensor chunks this
    /// often once it holds `foldMinimumReadings` (and at 50,000 readings whatever their age); a
    /// smaller write-ahead waits up to `slowFoldFactor` times longer. A fold and the checkpoint after
    /// it rewrite a few pages whatever they carry, so at a small site (a few readings a second) they
    /// would cost more than the readings: the longer, the fewer bytes written per reading.
    public var foldInterval: Duration
    /// See `foldInterval`.
    public var foldMinimumReadings: Int
    /// A write-ahead smaller than `foldMinimumReadings` folds after `foldInterval` times this (15 min).
    static let slowFoldFactor: Int64 = 15

    /// Settings given one by one (tests, tools); defaults as in `BufferConfiguration`.
    public init(dataDirectory: String, maxSize: ByteSize = ByteSize(bytes: 512 << 20),
                keepReadings: Duration = .seconds(7 * 86_400), synchronous: SynchronousMode = .full,
                batchSize: Int = 10_000, batchInterval: Duration = .milliseconds(500),
                commitInterval: Duration = BufferConfiguration.defaultCommitInterval, queueCapacity: Int = 100_000,
                foldInterval: Duration = .seconds(60), foldMinimumReadings: Int = 10_000) {
        self.dataDirectory = dataDirectory
        self.maxSize = maxSize
        self.keepReadings = keepReadings
        self.synchronous = synchronous
        self.batchSize = max(1, batchSize)
        self.batchInterval = batchInterval
        self.commitInterval = max(batchInterval, commitInterval)
        self.queueCapacity = max(1, queueCapacity)
        self.foldInterval = foldInterval
        self.foldMinimumReadings = max(0, foldMinimumReadings)
    }

    /// The store's settings from the whole configuration.
    public init(_ configuration: Configuration) {
        let buffer = configuration.buffer
        self.init(dataDirectory: configuration.gateway.dataDirectory, maxSize: buffer.maxSize,
                  keepReadings: buffer.keepReadings, synchronous: buffer.synchronous, batchSize: buffer.batchSize,
                  batchInterval: buffer.batchInterval, commitInterval: buffer.commitInterval,
                  queueCapacity: buffer.queueCapacity)
    }

    /// `DATA_DIR/vigie.db`.
    public var databasePath: String { Self.databasePath(in: dataDirectory) }

    /// The database file in `directory`.
    public static func databasePath(in directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + "vigie.db"
    }

    /// The page size of a new database: a small commit writes one 1 KB WAL frame per page it
    /// dirties (4 KB pages made it 4 times as many bytes). Existing databases keep theirs.
    static let newDatabasePageSize: Int64 = 1_024

    /// Room kept for the WAL: an eighth of the budget, between 64 KB and 16 MB.
    var walAllowance: Int64 { min(max(maxSize.bytes / 8, 64 << 10), 16 << 20) }

    /// The hard limit on the database file so that db + WAL fit the budget.
    var maxDatabaseBytes: Int64 { max(64 << 10, maxSize.bytes - walAllowance) }

    var pragmas: StorePragmas {
        StorePragmas(synchronousFull: synchronous == .full, newDatabasePageSize: Self.newDatabasePageSize,
                     walAutocheckpointBytes: walAllowance / 2, journalSizeLimit: walAllowance, maxDatabaseBytes: maxDatabaseBytes)
    }
}
