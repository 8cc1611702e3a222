import Logging

/// The write-ahead of recent readings: a small batch is committed as `BatchCodec` bytes in the
/// next slot(s) of the `batches` table (`WriteAheadSlots`, rewritten in place: one page per
/// commit), and all slots of the current cycle are folded into per-sensor chunks about once a minute.
///
/// Durability is unchanged: a batch is durable once its slots commit. A fold reads the cycle's
/// slots, writes the chunks and advances the cycle (`watermarks`, making those slots stale) in one
/// transaction, so a crash before it commits leaves the slots (folded again on the next start) and
/// a crash after leaves the chunks: never both, never neither. Queries read both (`ReadingQuery`).
struct WriteAheadState {
    /// Readings in the current cycle's slots, and since when (monotonic ns) there are any.
    var readings = 0
    var since: UInt64?
    /// The cycle slots are written in, and the next slot to write.
    var cycle: UInt32 = 1
    var nextSlot: Int64 = 1
}

extension StoreDatabase {
    /// Readings written ahead that trigger a fold whatever their age (bounds the fold's memory).
    static let foldReadings = 50_000
    static let cycleWatermark = "write_ahead.cycle"
    /// Empty slots added after a new one: the table grows by 32 KB runs (with 1 KB pages).
    static let spareSlots: Int64 = 31

    /// Writes one batch into the next slots; inside the caller's transaction. Returns the next slot.
    func appendWriteAhead(_ groups: [BatchCodec.Group]) throws -> Int64 {
        let update = try connection.statement("UPDATE batches SET data = ? WHERE slot = ?")
        let insert = try connection.statement("INSERT INTO batches(slot, data) VALUES (?, ?)")
        var slot = writeAhead.nextSlot
        for bytes in WriteAheadSlots.slots(for: BatchCodec.encode(groups), cycle: writeAhead.cycle) {
            // Same size as before: SQLite overwrites the cell in place (only its page is written).
            update.reset()
            update.bind(bytes, at: 1)
            update.bind(slot, at: 2)
            try update.step()
            if connection.changes == 0 {
                // A new slot, and empty (stale) ones after it: pages are added in runs, not one per commit.
                insert.reset()
                insert.bind(slot, at: 1)
                insert.bind(bytes, at: 2)
                try insert.step()
                let empty = try connection.statement("INSERT OR IGNORE INTO batches(slot, data) VALUES (?, zeroblob(?))")
                for spare in (slot + 1)...(slot + Self.spareSlots) {
                    empty.reset()
                    empty.bind(spare, at: 1)
                    empty.bind(Int64(WriteAheadSlots.size), at: 2)
                    try empty.step()
                }
            }
            slot += 1
        }
        return slot
    }

    /// Records a committed write-ahead batch of `count` readings, whose slots end before `nextSlot`.
    func noteWriteAhead(_ count: Int, nextSlot: Int64) {
        writeAhead.readings += count
        writeAhead.nextSlot = nextSlot
        if writeAhead.since == nil { writeAhead.since = ConditionLock.now() }
    }

    /// True when the write-ahead holds too many readings, or readings older than `interval` (ns)
    /// and at least `configuration.foldMinimumReadings`, or readings older than `slowFoldFactor`
    /// intervals (`StoreConfiguration.foldInterval`).
    func isFoldDue(interval: UInt64) -> Bool {
        guard let since = writeAhead.since else { return false }
        let age = ConditionLock.now() &- since
        if writeAhead.readings >= Self.foldReadings { return true }
        if age >= interval && writeAhead.readings >= configuration.foldMinimumReadings { return true }
        return age >= interval &* UInt64(StoreConfiguration.slowFoldFactor)
    }

    /// Moves every written-ahead reading into chunks in one transaction; returns readings moved.
    ///
    /// A damaged batch or slot is logged and skipped, so that it cannot block the fold forever.
    func foldWriteAhead() throws -> Int {
        let (moved, cycle) = try connection.transaction { () throws -> (Int, UInt32) in
            let cycle = try Self.writeAheadCycle(connection)
            var bySensor: [Int64: [ChunkCodec.Point]] = [:]
            var count = 0
            try Self.forEachWrittenAhead(connection, cycle: cycle, logger: logger) { group in
                bySensor[group.sensor, default: []].append(contentsOf: group.points)
                count += group.points.count
            }
            for (sensor, points) in bySensor.sorted(by: { $0.key < $1.key }) {
                // Stable: readings with equal times keep their commit order.
                let sorted = points.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
                try writeChunks(sensor: sensor, sorted.map(\.element))
            }
            let next = cycle &+ 1 == 0 ? 1 : cycle &+ 1
            let advance = try connection.statement("INSERT OR REPLACE INTO watermarks(name, value) VALUES (?, ?)")
            advance.bind(Self.cycleWatermark, at: 1)
            advance.bind(Int64(next), at: 2)
            try advance.step()
            return (count, next)
        }
        writeAhead = WriteAheadState(cycle: cycle)
        try checkpointAfterFold()
        return moved
    }

    /// Copies the WAL into the database after a fold (never waiting for readers), so that the next
    /// commit starts the WAL over from its beginning. The WAL is then rewritten in place, one fold
    /// cycle long, instead of growing to its auto-checkpoint size: on ext4 a commit that grows a file
    /// also commits the file system's journal (~5 KB more per commit, docs/performance.md).
    func checkpointAfterFold() throws {
        try connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    }

    /// The cycle whose slots hold the write-ahead.
    static func writeAheadCycle(_ connection: SQLiteConnection) throws -> UInt32 {
        UInt32(truncatingIfNeeded: try connection.scalar("SELECT value FROM watermarks WHERE name = '\(cycleWatermark)'") ?? 1)
    }

    /// Calls `body` with each group of each batch of `cycle`, in commit order. With a `logger`, a
    /// damaged batch is logged and skipped and a damaged slot ends the reading; without, they throw.
    static func forEachWrittenAhead(_ connection: SQLiteConnection, cycle: UInt32, logger: Logger?,
                                    _ body: (BatchCodec.Group) throws -> Void) throws {
        let select = try connection.uncachedStatement("SELECT slot, data FROM batches ORDER BY slot")
        var reader = WriteAheadSlots.Reader(cycle: cycle)
        while !reader.isFinished, try select.step() {
            do {
                guard let batch = try reader.take(select.blob(at: 1)) else { continue }
                for group in try BatchCodec.decode(batch) { try body(group) }
            } catch let error as StoreError where error.code == .badChunk {
                guard let logger else { throw error }
                logger.error("A damaged batch of recent readings was skipped.",
                             metadata: ["store.slot": "\(select.int64(at: 0))", "error": "\(error)"])
            }
        }
    }
}
