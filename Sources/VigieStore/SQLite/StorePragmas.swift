/// Every pragma the store sets, in one place.
///
/// - `journal_mode=WAL`: readers (export, status page) never block the writer.
/// - `synchronous=FULL` by default: one fsync of the WAL per commit, so a committed batch survives
///   a power cut; `NORMAL` may lose the last commits on power loss (never corrupts).
/// - `busy_timeout`: a second writer (the outbox) waits for the lock instead of failing.
/// - `page_size` (new databases only): 1 KB, so that a small commit writes 1 KB frames to the WAL,
///   not 4 KB ones (SD card wear); an existing database keeps its page size.
/// - `wal_autocheckpoint` and `journal_size_limit` bound the WAL so db + WAL stay in the budget.
/// - `cache_size`: 1 MB of page cache per connection instead of SQLite's 2 MB. The writer appends
///   (the hot pages are few) and readers scan once; over a long run the default let each of the
///   daemon's connections grow by ~2 MB of RSS for no measurable speed (docs/performance.md).
struct StorePragmas {
    var synchronousFull = true
    var busyTimeoutMilliseconds = 5_000
    var cacheKilobytes = 1_024
    /// The page size of a database created by this connection; nil leaves SQLite's (4096).
    var newDatabasePageSize: Int64?
    /// WAL bytes before an automatic checkpoint; nil leaves SQLite's default (1000 pages).
    var walAutocheckpointBytes: Int64?
    /// Bytes the WAL file is truncated to after a checkpoint.
    var journalSizeLimit: Int64?
    /// The hard limit on the database file's size (budget), in bytes; nil for none.
    var maxDatabaseBytes: Int64?

    func apply(to connection: SQLiteConnection) throws(StoreError) {
        try connection.execute("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
        try connection.execute("PRAGMA cache_size = -\(cacheKilobytes)")
        if connection.isReadOnly { return }
        // Before anything is written: it only takes effect on a database not created yet.
        if let newDatabasePageSize { try connection.execute("PRAGMA page_size = \(newDatabasePageSize)") }
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = \(synchronousFull ? "FULL" : "NORMAL")")
        try connection.execute("PRAGMA foreign_keys = ON")
        let pageSize = max(512, try connection.scalar("PRAGMA page_size") ?? 4_096)
        if let walAutocheckpointBytes { try connection.execute("PRAGMA wal_autocheckpoint = \(max(16, walAutocheckpointBytes / pageSize))") }
        if let journalSizeLimit { try connection.execute("PRAGMA journal_size_limit = \(journalSizeLimit)") }
        if let maxDatabaseBytes { try connection.execute("PRAGMA max_page_count = \(max(16, maxDatabaseBytes / pageSize))") }
    }
}
