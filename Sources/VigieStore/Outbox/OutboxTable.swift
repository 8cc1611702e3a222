import VigieCore

/// The outbox and watermark SQL, over any write connection.
enum OutboxTable {
    static func append(_ messages: [OutboxMessage], on connection: SQLiteConnection) throws -> [Int64] {
        let insert = try connection.statement(
            "INSERT INTO outbox(sink, kind, topic, payload, created_ms) VALUES (?, ?, ?, ?, ?)")
        var seqs: [Int64] = []
        seqs.reserveCapacity(messages.count)
        for message in messages {
            insert.reset()
            insert.bind(message.sink.description, at: 1)
            insert.bind(message.kind.rawValue, at: 2)
            insert.bind(message.device, at: 3)
            insert.bind(message.storageText, at: 4)
            insert.bind(message.createdMilliseconds, at: 5)
            try insert.step()
            seqs.append(connection.lastInsertRowID)
        }
        return seqs
    }

    static func watermark(_ name: String, on connection: SQLiteConnection) throws -> Int64? {
        let select = try connection.statement("SELECT value FROM watermarks WHERE name = ?")
        select.bind(name, at: 1)
        defer { select.reset() }
        return try select.step() ? select.int64(at: 0) : nil
    }

    static func setWatermark(_ name: String, to value: Int64, on connection: SQLiteConnection) throws {
        let upsert = try connection.statement(
            "INSERT INTO watermarks(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
        upsert.bind(name, at: 1)
        upsert.bind(value, at: 2)
        try upsert.step()
    }

    /// The watermark holding the highest sequence number ever handed to `sink`.
    static func handedMark(_ sink: SinkName) -> String { "handed." + sink.description }

    /// Sets `name` to `value` unless it is already at or above it.
    static func raiseWatermark(_ name: String, to value: Int64, on connection: SQLiteConnection) throws {
        let upsert = try connection.statement("""
            INSERT INTO watermarks(name, value) VALUES (?, ?)
            ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)
            """)
        upsert.bind(name, at: 1)
        upsert.bind(value, at: 2)
        try upsert.step()
    }

    static func pending(sink: SinkName, after seq: Int64, limit: Int, on connection: SQLiteConnection) throws -> [OutboxEntry] {
        let select = try connection.statement("""
            SELECT seq, kind, topic, payload, created_ms FROM outbox WHERE sink = ? AND seq > ? ORDER BY seq LIMIT ?
            """)
        select.bind(sink.description, at: 1)
        select.bind(seq, at: 2)
        select.bind(Int64(max(0, limit)), at: 3)
        defer { select.reset() }
        var entries: [OutboxEntry] = []
        while try select.step() {
            let storedKind = select.string(at: 1) ?? ""
            let message: Result<OutboxMessage, UnreadableOutboxRow> = OutboxKind(rawValue: storedKind).map { kind in
                .success(OutboxMessage(sink: sink, kind: kind, device: select.string(at: 2) ?? "", storageText: select.blob(at: 3),
                                       createdMilliseconds: select.int64(at: 4)))
            } ?? .failure(UnreadableOutboxRow(kind: storedKind))
            entries.append(OutboxEntry(seq: select.int64(at: 0), message: message))
        }
        return entries
    }

    static func acknowledge(sink: SinkName, seqs: [Int64], on connection: SQLiteConnection) throws -> Int {
        let delete = try connection.statement("DELETE FROM outbox WHERE sink = ? AND seq = ?")
        var deleted = 0
        for seq in seqs {
            delete.reset()
            delete.bind(sink.description, at: 1)
            delete.bind(seq, at: 2)
            try delete.step()
            deleted += connection.changes
        }
        return deleted
    }

    static func backlog(on connection: SQLiteConnection) throws -> [OutboxBacklog] {
        let select = try connection.statement(
            "SELECT sink, count(*), min(created_ms) FROM outbox GROUP BY sink ORDER BY sink")
        defer { select.reset() }
        var result: [OutboxBacklog] = []
        while try select.step() {
            result.append(OutboxBacklog(sink: SinkName(select.string(at: 0) ?? ""), depth: Int(select.int64(at: 1)),
                                        oldestCreatedMilliseconds: select.isNull(at: 2) ? nil : select.int64(at: 2)))
        }
        return result
    }
}

extension StoreDatabase {
    /// Deletes the `count` oldest outbox messages (any sink), for the budget; returns how many went.
    func dropOldestMessages(_ count: Int) throws -> Int {
        try connection.transaction {
            try connection.execute("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT \(count))")
            return connection.changes
        }
    }
}
