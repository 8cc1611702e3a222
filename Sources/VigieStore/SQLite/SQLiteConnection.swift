import CSQLite

/// One SQLite connection: the only owner of its C handle, used by one thread at a time.
///
/// Statements on hot paths are prepared once and cached by their SQL text. Writes go through
/// `transaction`, which commits when its closure returns and rolls back when it throws.
final class SQLiteConnection {
    private let handle: OpaquePointer
    let path: String
    let isReadOnly: Bool
    private var cache: [String: SQLiteStatement] = [:]

    /// Opens (creating it unless `readOnly`) the database at `path` and applies `pragmas`.
    init(path: String, readOnly: Bool = false, pragmas: StorePragmas = StorePragmas()) throws(StoreError) {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let error = db.map { Self.error(code: code, database: $0, sql: nil) }
                ?? StoreError(.sqlite, "Could not open the database; check the path and its permissions.", resultCode: code)
            sqlite3_close_v2(db)
            var located = error
            located.path = path
            throw located
        }
        sqlite3_extended_result_codes(db, 1)
        self.handle = db
        self.path = path
        self.isReadOnly = readOnly
        try pragmas.apply(to: self)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs SQL without results (may hold several statements).
    func execute(_ sql: String) throws(StoreError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw Self.error(code: code, database: handle, sql: sql) }
    }

    /// A prepared statement for `sql`, reset, from the cache when it was prepared before.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let cached = cache[sql] {
            cached.reset()
            return cached
        }
        let statement = try SQLiteStatement(database: handle, sql: sql)
        cache[sql] = statement
        return statement
    }

    /// A statement prepared for one use (finalized when released), for reads that stay open long.
    func uncachedStatement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        try SQLiteStatement(database: handle, sql: sql)
    }

    /// The first column of the first row of `sql` as an integer, nil when there is no row.
    func scalar(_ sql: String) throws(StoreError) -> Int64? {
        let statement = try statement(sql)
        defer { statement.reset() }
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return statement.int64(at: 0)
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: committed on return, rolled back on throw.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if sqlite3_get_autocommit(handle) == 0 {
                sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            }
            throw error
        }
    }

    /// Runs `body` on one read snapshot (a deferred transaction) unless a transaction is already open:
    /// several SELECTs then see the same committed state.
    func snapshot<T>(_ body: () throws -> T) throws -> T {
        guard sqlite3_get_autocommit(handle) != 0 else { return try body() }
        try execute("BEGIN")
        defer { sqlite3_exec(handle, "COMMIT", nil, nil, nil) }
        return try body()
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last inserted row.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Drops cached statements (they hold read snapshots open otherwise).
    func clearCache() { cache.removeAll() }

    /// A `StoreError` for a failed SQLite call: the SQL and the code, never bound values.
    static func error(code: Int32, database: OpaquePointer?, sql: String?) -> StoreError {
        let primary = code & 0xff
        let detail = database.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        switch primary {
        case SQLITE_FULL:
            return StoreError(.full, "The disk or the database size limit is full (\(detail)); free space or raise buffer.max_size.",
                              sql: sql, resultCode: code)
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return StoreError(.corrupt, "The database file is damaged (\(detail)); it will be moved aside on the next start.",
                              sql: sql, resultCode: code)
        default:
            return StoreError(.sqlite, "SQLite failed: \(detail).", sql: sql, resultCode: code)
        }
    }
}
