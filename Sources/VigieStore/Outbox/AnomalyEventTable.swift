import VigieCore

/// The SQL of the `anomaly_events` table: every anomaly event step published, so that the
/// events page and the incidents left open outlive a restart.
enum AnomalyEventTable {
    /// Rows kept beyond each device's newest one: the events page shows far fewer, and the
    /// newest row of a device is all a resumed incident needs.
    static let kept = 2_000

    static func append(_ events: [AnomalyEventMessage], on connection: SQLiteConnection) throws {
        let insert = try connection.statement("INSERT INTO anomaly_events(device, phase, message) VALUES (?, ?, ?)")
        for event in events {
            insert.reset()
            insert.bind(event.sensor.device, at: 1)
            insert.bind(event.phase.rawValue, at: 2)
            insert.bind(Array(event.storageText.utf8), at: 3)
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

    /// The messages `sql` selects; a row that does not read back (written by a newer vigie, or
    /// damaged) is left out: it is history, and the readings themselves are elsewhere.
    private static func select(_ sql: String, on connection: SQLiteConnection) throws -> [AnomalyEventMessage] {
        let select = try connection.uncachedStatement(sql)
        var events: [AnomalyEventMessage] = []
        while try select.step() {
            if let event = try? AnomalyEventMessage(storageText: String(decoding: select.blob(at: 0), as: UTF8.self)) {
                events.append(event)
            }
        }
        return events
    }
}
