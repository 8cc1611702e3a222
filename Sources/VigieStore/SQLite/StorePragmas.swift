/// Every pragma the store sets, in one place.
///
/// - `journal_mode=WAL`: readers (export, status page) never block the writer.
/// - `synchronous=FULL` by default: one fsync of the WAL per commit, so a committed batch survives
///   a power cut; `NORMAL` may lose the last commits on power loss (never corrupts).
/// - `busy_timeout`: a second writer (the outbox) waits for the lock instead of failing.
/// - `wal_autocheckpoint` and `journal_size_limit` bound the WAL so db + WAL stay in the budget.
struct StorePragmas {
    var synchronousFull = true
    var busyTimeoutMilliseconds = 5_000
    /// WAL pages before an automatic checkpoint; nil leaves SQLite's default (1000).
    var walAutocheckpointPages: Int?
    /// Bytes the WAL file is truncated to after a checkpoint.
    var journalSizeLimit: Int64?
    /// The hard limit on database pages (budget); nil for none.
    var maxPageCount: Int64?

    func apply(to connection: SQLiteConnection) throws(StoreError) {
        try connection.execute("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
        if connection.isReadOnly { return }
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = \(synchronousFull ? "FULL" : "NORMAL")")
        try connection.execute("PRAGMA foreign_keys = ON")
        if let walAutocheckpointPages { try connection.execute("PRAGMA wal_autocheckpoint = \(walAutocheckpointPages)") }
        if let journalSizeLimit { try connection.execute("PRAGMA journal_size_limit = \(journalSizeLimit)") }
        if let maxPageCount { try connection.execute("PRAGMA max_page_count = \(maxPageCount)") }
    }
}
