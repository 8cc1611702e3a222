/// The write-ahead of recent readings: small batches are committed as one `batches` row each
/// (`BatchCodec`), then folded into per-sensor chunks about once a minute.
///
/// Durability is unchanged: a batch is durable once its row commits. Folding reads every row,
/// writes the chunks and deletes the rows in one transaction, so a crash before it commits leaves
/// the rows (folded again on the next start) and a crash after leaves the chunks: never both,
/// never neither. Queries read both (`ReadingQuery`).
extension StoreDatabase {
    /// Readings written ahead that trigger a fold whatever their age (bounds the fold's memory).
    static let foldReadings = 50_000

    /// Appends one committed batch; inside the caller's transaction.
    func appendWriteAhead(_ groups: [BatchCodec.Group]) throws {
        let insert = try connection.statement("INSERT INTO batches(data) VALUES (?)")
        insert.bind(BatchCodec.encode(groups), at: 1)
        try insert.step()
    }

    /// Records `count` readings written ahead by a committed transaction.
    func noteWriteAhead(_ count: Int) {
        writeAhead.readings += count
        if writeAhead.since == nil { writeAhead.since = ConditionLock.now() }
    }

    /// True when the write-ahead holds readings older than `interval` (ns) or too many readings.
    func isFoldDue(interval: UInt64) -> Bool {
        guard let since = writeAhead.since else { return false }
        return writeAhead.readings >= Self.foldReadings || ConditionLock.now() &- since >= interval
    }

    /// Moves every written-ahead reading into chunks in one transaction; returns readings moved.
    ///
    /// A row that cannot be decoded (damaged) is logged and dropped, so that it cannot block the
    /// rows after it forever.
    func foldWriteAhead() throws -> Int {
        let moved = try connection.transaction { () throws -> Int in
            let select = try connection.statement("SELECT id, data FROM batches ORDER BY id")
            defer { select.reset() }
            var bySensor: [Int64: [ChunkCodec.Point]] = [:]
            var lastID: Int64?
            var count = 0
            while try select.step() {
                lastID = select.int64(at: 0)
                do {
                    for group in try BatchCodec.decode(select.blob(at: 1)) {
                        bySensor[group.sensor, default: []].append(contentsOf: group.points)
                        count += group.points.count
                    }
                } catch {
                    logger.error("A damaged batch of readings in the write-ahead was dropped.",
                                 metadata: ["store.batch": "\(select.int64(at: 0))", "error": "\(error)"])
                }
            }
            guard let lastID else { return 0 }
            select.reset()
            for (sensor, points) in bySensor.sorted(by: { $0.key < $1.key }) {
                // Stable: readings with equal times keep their commit order.
                let sorted = points.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
                try writeChunks(sensor: sensor, sorted.map(\.element))
            }
            let delete = try connection.statement("DELETE FROM batches WHERE id <= ?")
            delete.bind(lastID, at: 1)
            try delete.step()
            return count
        }
        writeAhead = (0, nil)
        return moved
    }
}
