/// The schema, as named migrations applied in order; `PRAGMA user_version` counts those applied.
///
/// Never edit a released migration: append a new one.
enum StoreMigrations {
    struct Migration {
        let name: String
        let sql: String
    }

    static let all: [Migration] = [
        Migration(name: "1-sensors-chunks-outbox", sql: """
            -- last_*: the sensor's latest reading, kept by the writer (cheap: a few pages per commit).
            CREATE TABLE sensors (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                unit TEXT,
                source TEXT,
                last_ms INTEGER,
                last_value REAL,
                last_quality INTEGER
            );
            -- Readings of one sensor, packed by ChunkCodec: one row per sensor per committed batch.
            CREATE TABLE chunks (
                id INTEGER PRIMARY KEY,
                sensor INTEGER NOT NULL REFERENCES sensors(id),
                first_ms INTEGER NOT NULL,
                last_ms INTEGER NOT NULL,
                count INTEGER NOT NULL,
                data BLOB NOT NULL
            );
            -- One index only: an index by sensor would dirty one page per sensor per commit.
            CREATE INDEX chunks_by_time ON chunks(first_ms);
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                sink TEXT NOT NULL,
                kind TEXT NOT NULL,
                topic TEXT NOT NULL,
                payload BLOB NOT NULL,
                created_ms INTEGER NOT NULL
            );
            CREATE INDEX outbox_by_sink ON outbox(sink, seq);
            CREATE TABLE watermarks (
                name TEXT PRIMARY KEY,
                value INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        Migration(name: "2-write-ahead-slots", sql: """
            -- Write-ahead of recent readings: fixed-size slots rewritten in place (WriteAheadSlots),
            -- a commit fills the next ones; folded into chunks about once a minute, which advances
            -- the cycle watermark and so makes the slots stale. sensors.last_* follow the chunks only.
            CREATE TABLE batches (
                slot INTEGER PRIMARY KEY,
                data BLOB NOT NULL
            );
            INSERT INTO watermarks(name, value) VALUES ('write_ahead.cycle', 1);
            """),
        Migration(name: "3-hub-identifiers", sql: """
            -- Ids a hub gave to what a sink created there (SensorThings Thing and Datastreams),
            -- by sink and key (the Datastream's name), so they are created once.
            CREATE TABLE hub_identifiers (
                sink TEXT NOT NULL,
                key TEXT NOT NULL,
                id TEXT NOT NULL,
                PRIMARY KEY (sink, key)
            ) WITHOUT ROWID;
            """),
        Migration(name: "4-command-journal", sql: """
            -- Commands from the hub (CommandJournal): one row per command received, refused ones
            -- included; `id` (the hub's, NULL for a message without one) makes a command run once.
            -- `progress`: a replay's last published reading time, to resume after a restart.
            CREATE TABLE commands (
                row INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT UNIQUE,
                received_ms INTEGER NOT NULL,
                origin TEXT NOT NULL,
                action TEXT NOT NULL,
                device TEXT,
                point TEXT,
                value TEXT,
                status TEXT NOT NULL,
                reason TEXT,
                detail TEXT,
                old_value REAL,
                new_value REAL,
                request BLOB NOT NULL,
                reply TEXT,
                progress INTEGER,
                finished_ms INTEGER
            );
            CREATE INDEX commands_by_time ON commands(received_ms);
            """),
        Migration(name: "5-anomaly-events", sql: """
            -- Every anomaly event step published (AnomalyEventTable), written with its outbox rows:
            -- the events page after a restart, and the incidents left open, to resume them.
            -- `message`: AnomalyEventMessage.storageText.
            -- `time_ms`: the step's time (the event's start for `open`), for `vigie export --events`.
            CREATE TABLE anomaly_events (
                row INTEGER PRIMARY KEY AUTOINCREMENT,
                device TEXT NOT NULL,
                sensor TEXT NOT NULL,
                phase TEXT NOT NULL,
                time_ms INTEGER NOT NULL,
                message BLOB NOT NULL
            );
            CREATE INDEX anomaly_events_by_device ON anomaly_events(device, row);
            """),
    ]

    /// The schema version this build writes.
    static var latestVersion: Int64 { Int64(all.count) }

    /// Brings the database to `latestVersion`; refuses a database from a newer vigie.
    static func migrate(_ connection: SQLiteConnection) throws {
        let current = try connection.scalar("PRAGMA user_version") ?? 0
        guard current <= latestVersion else {
            throw StoreError(.newerSchema,
                             "The database has schema version \(current) but this vigie knows up to \(latestVersion); "
                                 + "run a newer vigie, or move the data directory aside to start empty.",
                             path: connection.path)
        }
        for (offset, migration) in all.enumerated().dropFirst(Int(current)) {
            try connection.transaction {
                try connection.execute(migration.sql)
                try connection.execute("PRAGMA user_version = \(offset + 1)")
            }
        }
    }
}
