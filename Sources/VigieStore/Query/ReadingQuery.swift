import VigieCore

/// Reads stored readings over its own read-only connection; works while the daemon writes.
///
/// Blocking (SQLite): call it from a command-line verb or a dedicated thread, not the cooperative pool.
public final class ReadingQuery {
    let connection: SQLiteConnection

    /// Opens `DATA_DIR/vigie.db` read-only.
    public init(dataDirectory: String) throws {
        let path = StoreConfiguration.databasePath(in: dataDirectory)
        guard FileSystem.exists(path) else {
            throw StoreError(.fileSystem, "No database in this data directory; check --data-dir (it holds vigie.db).", path: path)
        }
        connection = try SQLiteConnection(path: path, readOnly: true)
        let version = try connection.scalar("PRAGMA user_version") ?? 0
        guard version <= StoreMigrations.latestVersion else {
            throw StoreError(.newerSchema, "The database has schema version \(version), newer than this vigie "
                                 + "(\(StoreMigrations.latestVersion)); use a newer vigie to read it.", path: path)
        }
    }

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Every known sensor, by name.
    public func sensors() throws -> [SensorInfo] {
        let select = try connection.statement("SELECT name, unit, source FROM sensors ORDER BY name")
        defer { select.reset() }
        var result: [SensorInfo] = []
        while try select.step() {
            guard let name = select.string(at: 0), let sensor = SensorID(name) else { continue }
            result.append(SensorInfo(sensor: sensor, unit: select.string(at: 1), source: select.string(at: 2)))
        }
        return result
    }

    /// Calls `body` with each reading of the sensors matching `glob` (`*`, `?`; nil for all) whose time
    /// is in `from...to` (inclusive, nil for open), in time order, streaming chunk by chunk.
    public func readings(matching glob: String? = nil, from: Int64? = nil, to: Int64? = nil,
                         _ body: (Reading) throws -> Void) throws {
        let names = try sensorNames(matching: glob)
        try readings(sensorIDs: names, from: from, to: to, body)
    }

    /// The readings of `sensors` with time in `from..<to`, in time order (for a closing window).
    public func readings(of sensors: [SensorID], from: Int64, before to: Int64) throws -> [Reading] {
        let all = try sensorNames(matching: nil)
        let wanted = Set(sensors)
        var result: [Reading] = []
        try readings(sensorIDs: all.filter { wanted.contains($0.value) }, from: from, to: to &- 1) { result.append($0) }
        return result
    }

    /// The latest reading of each sensor, by sensor name (sensors without readings left out).
    public func latest() throws -> [Reading] {
        try connection.snapshot {
            let select = try connection.statement("SELECT id, name, last_ms, last_value, last_quality FROM sensors ORDER BY name")
            defer { select.reset() }
            var names: [Int64: SensorID] = [:]
            var newest: [SensorID: Reading] = [:]
            while try select.step() {
                guard let name = select.string(at: 1), let sensor = SensorID(name) else { continue }
                names[select.int64(at: 0)] = sensor
                guard !select.isNull(at: 2) else { continue }
                newest[sensor] = Reading(sensor: sensor, time: select.int64(at: 2), value: select.double(at: 3),
                                         quality: Quality(code: UInt8(truncatingIfNeeded: select.int64(at: 4))))
            }
            // The chunks' latest, then anything newer still in the write-ahead.
            for group in try writtenAhead() {
                guard let sensor = names[group.sensor] else { continue }
                for point in group.points where point.time >= newest[sensor]?.time ?? .min {
                    newest[sensor] = Reading(sensor: sensor, time: point.time, value: point.value, quality: Quality(code: point.quality))
                }
            }
            return newest.values.sorted { $0.sensor.description < $1.sensor.description }
        }
    }

    /// The groups of the write-ahead table (recent small batches not yet folded into chunks).
    private func writtenAhead() throws -> [BatchCodec.Group] {
        // A database of schema 1 (an old copy, read-only) has no write-ahead.
        guard try connection.scalar("PRAGMA user_version") ?? 0 >= 2 else { return [] }
        var groups: [BatchCodec.Group] = []
        let cycle = try StoreDatabase.writeAheadCycle(connection)
        try StoreDatabase.forEachWrittenAhead(connection, cycle: cycle, logger: nil) { groups.append($0) }
        return groups
    }

    private func sensorNames(matching glob: String?) throws -> [Int64: SensorID] {
        let select = try connection.statement("SELECT id, name FROM sensors WHERE ? IS NULL OR name GLOB ?")
        select.bind(glob?.lowercased(), at: 1)
        select.bind(glob?.lowercased(), at: 2)
        defer { select.reset() }
        var result: [Int64: SensorID] = [:]
        while try select.step() {
            if let name = select.string(at: 1), let sensor = SensorID(name) { result[select.int64(at: 0)] = sensor }
        }
        return result
    }

    private func readings(sensorIDs: [Int64: SensorID], from: Int64?, to: Int64?, _ body: (Reading) throws -> Void) throws {
        guard !sensorIDs.isEmpty else { return }
        try connection.snapshot { try readChunksAndWriteAhead(sensorIDs: sensorIDs, from: from, to: to, body) }
    }

    /// Both tables on one snapshot: a fold committing meanwhile cannot hide or double a reading.
    private func readChunksAndWriteAhead(sensorIDs: [Int64: SensorID], from: Int64?, to: Int64?,
                                         _ body: (Reading) throws -> Void) throws {
        let lower = from.map { $0 &- StoreDatabase.maxChunkSpanMilliseconds } ?? .min
        let upper = to ?? .max
        // Not cached: a streaming read keeps its statement busy while `body` may run other queries.
        let select = try connection.uncachedStatement("""
            SELECT sensor, first_ms, data FROM chunks WHERE first_ms >= ? AND first_ms <= ? ORDER BY first_ms
            """)
        select.bind(lower, at: 1)
        select.bind(upper, at: 2)
        var merge = TimeOrderedMerge<SensorID>()
        // The write-ahead is small (folded every minute): its points wait in the merge for their turn.
        for group in try writtenAhead() {
            guard let sensor = sensorIDs[group.sensor] else { continue }
            merge.push(group.points.filter { $0.time >= from ?? .min && $0.time <= upper }, tag: sensor)
        }
        let emit: (SensorID, ChunkCodec.Point) throws -> Void = { sensor, point in
            try body(Reading(sensor: sensor, time: point.time, value: point.value, quality: Quality(code: point.quality)))
        }
        while try select.step() {
            let first = select.int64(at: 1)
            try merge.release(before: first, emit)
            guard let sensor = sensorIDs[select.int64(at: 0)] else { continue }
            let points = try ChunkCodec.decode(select.blob(at: 2), firstTime: first)
                .filter { $0.time >= from ?? .min && $0.time <= upper }
            merge.push(points, tag: sensor)
        }
        try merge.release(before: nil, emit)
    }
}
