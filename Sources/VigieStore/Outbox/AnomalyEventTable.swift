import VigieCore

/// The SQL of the `anomaly_events` table: every anomaly event step published, so that the
/// events page and the incidents left open outlive a restart.
enum AnomalyEventTable {
    /// Rows kept beyond each device's newest one: the events page shows far fewer, and the
    /// newest row of a device is all a resumed incident needs.
    static let kept = 2_000

    static func append(_ events: [AnomalyEventMessage], on connection: SQLiteConnection) throws {
        let insert = try connection.statement(
            "INSERT INTO anomaly_events(device, sensor, phase, time_ms, message) VALUES (?, ?, ?, ?, ?)")
        for event in events {
            insert.reset()
            insert.bind(event.sensor.device, at: 1)
            insert.bind(event.sensor.description, at: 2)
            insert.bind(event.phase.rawValue, at: 3)
            insert.bind(event.time, at: 4)
            insert.bind(Array(event.storageText.utf8), at: 5)
            try insert.step()
        }
        insert.reset()
        // Older rows go, except each device's newest: an incident open for months is still resumed.
        try connection.execute("""
            DELETE FROM anomaly_events WHERE row <= (SELECT max(row) FROM anomaly_events) - \(kept)
              AND row NOT IN (SELECT max(row) FROM anomaly_events GROUP BY device)
            """)
    }

    /// The newest `limit` steps, newest first.
    static func recent(limit: Int, on connection: SQLiteConnection) throws -> [AnomalyEventMessage] {
        try select("SELECT message FROM anomaly_events ORDER BY row DESC LIMIT \(max(0, limit))", on: connection)
    }

    /// Each device's newest step when it is not a `close`: the incidents the last run left open.
    static func open(on connection: SQLiteConnection) throws -> [AnomalyEventMessage] {
        try select("""
            SELECT message FROM anomaly_events
            WHERE row IN (SELECT max(row) FROM anomaly_events GROUP BY device) AND phase != 'close' ORDER BY row
            """, on: connection)
    }

    /// The steps of the sensors matching `glob` (`*`, `?`; nil for all) with `from <= time <= to`
    /// (nil: open), oldest first.
    static func steps(matching glob: String?, from: Int64?, to: Int64?, on connection: SQLiteConnection) throws -> [AnomalyEventMessage] {
        let select = try connection.statement("""
            SELECT message FROM anomaly_events
            WHERE (?1 IS NULL OR sensor GLOB ?1) AND time_ms >= ?2 AND time_ms <= ?3 ORDER BY row
            """)
        select.bind(glob?.lowercased(), at: 1)
        select.bind(from ?? .min, at: 2)
        select.bind(to ?? .max, at: 3)
        defer { select.reset() }
        return try messages(of: select)
    }

    /// The messages `sql` selects; a row that does not read back (written by a newer vigie, or
    /// damaged) is left out: it is history, and the readings themselves are elsewhere.
    private static func select(_ sql: String, on connection: SQLiteConnection) throws -> [AnomalyEventMessage] {
        try messages(of: try connection.uncachedStatement(sql))
    }

    /// The messages of the rows `select` steps through (its first column).
    private static func messages(of select: SQLiteStatement) throws -> [AnomalyEventMessage] {
        var events: [AnomalyEventMessage] = []
        while try select.step() {
            if let event = try? AnomalyEventMessage(storageText: String(decoding: select.blob(at: 0), as: UTF8.self)) {
                events.append(event)
            }
        }
        return events
    }
}
