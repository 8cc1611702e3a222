import VigieCore

/// Durable messages for the upstream sinks, in sequence order, deleted only once acknowledged.
///
/// Has its own write connection on its own serial queue; SQLite's lock (with the busy timeout)
/// orders its transactions with the reading writer's. Exactly-once aggregates: append the
/// messages of the windows just closed and advance the watermark in one transaction. Its
/// connection also serves the `WindowReader` (the aggregation stage's reads of a closing window).
public final class Outbox: Sendable {
    let database: SerialConnection
    /// The WAL file and the size past which an append checkpoints it (see `StoreConfiguration`).
    private let walPath: String
    private let walAllowance: Int64

    init(connection: SQLiteConnection, configuration: StoreConfiguration) {
        database = SerialConnection(connection, label: "vigie.store.outbox")
        walPath = configuration.databasePath + "-wal"
        walAllowance = configuration.walAllowance
    }

    /// Truncates the WAL after a write that left it past its allowance: the writer checkpoints
    /// only between its batches, and a burst of appends would otherwise grow it past the budget.
    func checkpointIfLarge(_ connection: SQLiteConnection) {
        if FileSystem.size(walPath) > walAllowance {
            _ = try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Appends messages; returns their sequence numbers.
    @discardableResult
    public func append(_ messages: [OutboxMessage]) async throws -> [Int64] {
        try await database.run { connection in
            let seqs = try connection.transaction { try OutboxTable.append(messages, on: connection) }
            self.checkpointIfLarge(connection)
            return seqs
        }
    }

    /// Appends `messages` and sets `watermark` to `value` in one transaction, only if the watermark
    /// is below `value` (or unset); returns false, appending nothing, when it was already there.
    @discardableResult
    public func appendAggregates(_ messages: [OutboxMessage], advancing watermark: String, to value: Int64) async throws -> Bool {
        try await database.run { connection in
            let appended = try connection.transaction {
                if let current = try OutboxTable.watermark(watermark, on: connection), current >= value { return false }
                _ = try OutboxTable.append(messages, on: connection)
                try OutboxTable.setWatermark(watermark, to: value, on: connection)
                return true
            }
            self.checkpointIfLarge(connection)
            return appended
        }
    }

    /// The value of a watermark, nil when never set.
    public func watermark(_ name: String) async throws -> Int64? {
        try await database.run { connection in try OutboxTable.watermark(name, on: connection) }
    }

    /// Up to `limit` messages for `sink` with a sequence number above `seq`, oldest first.
    ///
    /// What is returned counts as handed to the sink (the hub may see it from now on): the highest
    /// sequence number handed out is recorded durably (watermark `handed.<sink>`) before the
    /// messages are returned, and compaction never touches a message at or below it.
    public func pending(sink: SinkName, after seq: Int64 = 0, limit: Int) async throws -> [OutboxEntry] {
        try await database.run { connection in
            let entries = try OutboxTable.pending(sink: sink, after: seq, limit: limit, on: connection)
            guard let last = entries.last?.seq, last > (try OutboxTable.watermark(OutboxTable.handedMark(sink), on: connection) ?? 0) else {
                return entries
            }
            // Read again under the write lock so compaction cannot change these rows in between.
            return try connection.transaction {
                let locked = try OutboxTable.pending(sink: sink, after: seq, limit: limit, on: connection)
                try OutboxTable.raiseWatermark(OutboxTable.handedMark(sink), to: locked.last?.seq ?? last, on: connection)
                return locked
            }
        }
    }

    /// Deletes acknowledged messages of `sink`; returns how many were there.
    @discardableResult
    public func acknowledge(sink: SinkName, seqs: [Int64]) async throws -> Int {
        try await database.run { connection in
            try connection.transaction { try OutboxTable.acknowledge(sink: sink, seqs: seqs, on: connection) }
        }
    }

    /// Depth and oldest message age, per sink with messages waiting.
    public func backlog() async throws -> [OutboxBacklog] {
        try await database.run { connection in try OutboxTable.backlog(on: connection) }
    }
}
