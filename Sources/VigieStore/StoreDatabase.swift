import Logging
import VigieCore

/// The write side of `vigie.db`: sensors, chunks of readings, retention and budget, outbox.
///
/// Not thread-safe: owned by one thread (the writer's, or an `SerialDatabase` queue).
final class StoreDatabase {
    let connection: SQLiteConnection
    let configuration: StoreConfiguration
    let logger: Logger
    private var sensorIDs: [SensorID: Int64] = [:]
    /// Where the write-ahead stands (see `StoreDatabase+WriteAhead`).
    var writeAhead = WriteAheadState()

    /// A batch with at least this many readings per sensor is chunked at once, not written ahead.
    static let directChunkReadingsPerSensor = 32

    /// A sensor's readings within one batch are split into chunks spanning at most this, so that
    /// time-range queries can bound their index scan to `first_ms >= from - maxChunkSpan`.
    static let maxChunkSpanMilliseconds: Int64 = 300_000

    /// Opens (creating) the database; a damaged file is moved aside and a fresh one created.
    init(configuration: StoreConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        try FileSystem.createDirectory(configuration.dataDirectory)
        let path = configuration.databasePath
        do {
            connection = try Self.openChecked(path: path, configuration: configuration)
        } catch let error as StoreError where error.code == .corrupt {
            let aside = try Self.quarantine(path: path)
            logger.critical("The database is damaged: moved aside, starting with an empty one.", metadata: [
                "store.path": "\(path)", "store.quarantined": "\(aside)", "error": "\(error)",
            ])
            connection = try Self.openChecked(path: path, configuration: configuration)
        }
        try FileSystem.remove(Self.cleanMarker(path))
        // Readings written ahead before a crash or shutdown are chunked now (idempotent).
        _ = try foldWriteAhead()
    }

    /// Marks a clean shutdown: the next start skips the integrity check.
    func closeCleanly() {
        connection.clearCache()
        _ = try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        FileSystem.touch(Self.cleanMarker(configuration.databasePath))
    }

    private static func cleanMarker(_ path: String) -> String { path + ".clean" }

    private static func openChecked(path: String, configuration: StoreConfiguration) throws -> SQLiteConnection {
        let wasClean = FileSystem.exists(cleanMarker(path))
        let existed = FileSystem.exists(path)
        let connection = try SQLiteConnection(path: path, pragmas: configuration.pragmas)
        _ = try connection.scalar("SELECT count(*) FROM sqlite_master")
        if existed && !wasClean {
            // After a crash (no clean marker), check the pages before trusting them.
            let statement = try connection.statement("PRAGMA quick_check(1)")
            if try statement.step(), let verdict = statement.string(at: 0), verdict != "ok" {
                throw StoreError(.corrupt, "The integrity check failed: \(verdict).", path: path)
            }
            statement.reset()
        }
        try StoreMigrations.migrate(connection)
        return connection
    }

    /// Moves `path` and its `-wal`/`-shm` to `path.corrupt-<time>`; returns the new name.
    static func quarantine(path: String) throws(StoreError) -> String {
        let aside = path + ".corrupt-" + RFC3339.compact(milliseconds: WallClock.nowMilliseconds())
        try FileSystem.move(path, to: aside)
        try FileSystem.move(path + "-wal", to: aside + "-wal")
        try FileSystem.move(path + "-shm", to: aside + "-shm")
        return aside
    }

    /// The integer id of `sensor`, created on first use.
    func sensorID(_ sensor: SensorID) throws -> Int64 {
        if let id = sensorIDs[sensor] { return id }
        let name = sensor.description
        let insert = try connection.statement("INSERT OR IGNORE INTO sensors(name) VALUES (?)")
        insert.bind(name, at: 1)
        try insert.step()
        let select = try connection.statement("SELECT id FROM sensors WHERE name = ?")
        select.bind(name, at: 1)
        guard try select.step() else {
            throw StoreError(.sqlite, "A sensor row vanished while being created.", sql: select.sql)
        }
        let id = select.int64(at: 0)
        select.reset()
        sensorIDs[sensor] = id
        return id
    }

    /// Writes `readings` in one transaction. A batch with many readings per sensor is packed straight
    /// into per-sensor chunks; a small one (the usual case below some thousand readings a second)
    /// goes to the write-ahead table as one row, folded into chunks later (`foldWriteAhead`): one
    /// page dirtied per commit instead of one chunk row per sensor plus index and sensor pages.
    /// `messages` (the batch's raw readings for the sinks that send them) go to the outbox in the
    /// same transaction.
    func insert(_ readings: [Reading], appending messages: [OutboxMessage] = []) throws {
        var bySensor: [SensorID: [ChunkCodec.Point]] = [:]
        for reading in readings {
            bySensor[reading.sensor, default: []].append(
                ChunkCodec.Point(time: reading.time, value: reading.value, quality: reading.quality.code))
        }
        let direct = readings.count >= Self.directChunkReadingsPerSensor * bySensor.count
        var nextSlot = writeAhead.nextSlot
        do {
            try connection.transaction {
                var groups: [BatchCodec.Group] = []
                for (sensor, unsorted) in bySensor {
                    let id = try sensorID(sensor)
                    let points = unsorted.sorted { $0.time < $1.time }
                    if direct {
                        try writeChunks(sensor: id, points)
                    } else {
                        groups.append(BatchCodec.Group(sensor: id, points: points))
                    }
                }
                if !direct { nextSlot = try appendWriteAhead(groups) }
                if !messages.isEmpty { _ = try OutboxTable.append(messages, on: connection) }
            }
        } catch {
            // Ids created in a rolled-back transaction are gone.
            sensorIDs.removeAll()
            throw error
        }
        if !direct { noteWriteAhead(readings.count, nextSlot: nextSlot) }
    }

    /// Packs one sensor's `points` (sorted by time) into chunks spanning at most `maxChunkSpanMilliseconds`
    /// and moves the sensor's latest reading forward.
    func writeChunks(sensor id: Int64, _ points: [ChunkCodec.Point]) throws {
        let insert = try connection.statement(
            "INSERT INTO chunks(sensor, first_ms, last_ms, count, data) VALUES (?, ?, ?, ?, ?)")
        var start = 0
        while start < points.count {
            var end = start + 1
            while end < points.count, points[end].time &- points[start].time <= Self.maxChunkSpanMilliseconds {
                end += 1
            }
            let slice = points[start..<end]
            insert.reset()
            insert.bind(id, at: 1)
            insert.bind(slice[start].time, at: 2)
            insert.bind(slice[end - 1].time, at: 3)
            insert.bind(Int64(slice.count), at: 4)
            insert.bind(ChunkCodec.encode(slice), at: 5)
            try insert.step()
            start = end
        }
        if let last = points.last { try updateLatest(sensor: id, last) }
    }

    /// Keeps `sensors.last_*` on the newest chunked reading (a late reading does not replace a newer one).
    private func updateLatest(sensor id: Int64, _ point: ChunkCodec.Point) throws {
        let update = try connection.statement("""
            UPDATE sensors SET last_ms = ?, last_value = ?, last_quality = ? WHERE id = ? AND (last_ms IS NULL OR last_ms <= ?)
            """)
        update.bind(point.time, at: 1)
        update.bind(point.value, at: 2)
        update.bind(Int64(point.quality), at: 3)
        update.bind(id, at: 4)
        update.bind(point.time, at: 5)
        try update.step()
    }
}
