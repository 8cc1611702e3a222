/// The SQL of the `commands` table, on whatever connection the caller owns.
enum CommandTable {
    static let columns = """
        row, id, received_ms, origin, action, device, point, value, status, reason, detail, old_value, new_value,
        request, reply, progress, finished_ms
        """

    /// Inserts `record` (its `row` ignored); returns the new row number.
    static func insert(_ record: CommandRecord, on connection: SQLiteConnection) throws -> Int64 {
        let insert = try connection.statement("""
            INSERT INTO commands(id, received_ms, origin, action, device, point, value, status, reason, detail,
                                 old_value, new_value, request, reply, progress, finished_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING row
            """)
        defer { insert.reset() }
        insert.bind(record.id, at: 1)
        insert.bind(record.receivedMillis, at: 2)
        insert.bind(record.origin, at: 3)
        insert.bind(record.action, at: 4)
        insert.bind(record.device, at: 5)
        insert.bind(record.point, at: 6)
        insert.bind(record.value, at: 7)
        insert.bind(record.status.rawValue, at: 8)
        bindOutcome(record, on: insert, from: 9)
        insert.bind(record.request, at: 13)
        insert.bind(record.reply, at: 14)
        bind(record.progress, on: insert, at: 15)
        bind(record.finishedMillis, on: insert, at: 16)
        guard try insert.step() else {
            throw StoreError(.sqlite, "Inserting a command returned no row.", sql: insert.sql)
        }
        return insert.int64(at: 0)
    }

    /// Writes the outcome of the command in `record.row`.
    static func update(_ record: CommandRecord, on connection: SQLiteConnection) throws {
        let update = try connection.statement("""
            UPDATE commands SET status = ?, reason = ?, detail = ?, old_value = ?, new_value = ?, reply = ?,
                                progress = ?, finished_ms = ?, device = ?, point = ?, value = ?, action = ?
            WHERE row = ?
            """)
        defer { update.reset() }
        update.bind(record.status.rawValue, at: 1)
        bindOutcome(record, on: update, from: 2)
        update.bind(record.reply, at: 6)
        bind(record.progress, on: update, at: 7)
        bind(record.finishedMillis, on: update, at: 8)
        update.bind(record.device, at: 9)
        update.bind(record.point, at: 10)
        update.bind(record.value, at: 11)
        update.bind(record.action, at: 12)
        update.bind(record.row, at: 13)
        _ = try update.step()
    }

    /// Sets a running replay's resume point.
    static func setProgress(row: Int64, to millis: Int64, on connection: SQLiteConnection) throws {
        let update = try connection.statement("UPDATE commands SET progress = ? WHERE row = ?")
        defer { update.reset() }
        update.bind(millis, at: 1)
        update.bind(row, at: 2)
        _ = try update.step()
    }

    /// The records `whereClause` selects (SQL after WHERE, with `?` bound to `arguments`), in row order.
    static func select(where whereClause: String, _ arguments: [Int64] = [], text: String? = nil,
                       order: String = "row", limit: Int? = nil, on connection: SQLiteConnection) throws -> [CommandRecord] {
        let sql = "SELECT \(columns) FROM commands WHERE \(whereClause) ORDER BY \(order)" + (limit.map { " LIMIT \($0)" } ?? "")
        let select = try connection.statement(sql)
        defer { select.reset() }
        var index: Int32 = 1
        if let text {
            select.bind(text, at: index)
            index += 1
        }
        for argument in arguments {
            select.bind(argument, at: index)
            index += 1
        }
        var records: [CommandRecord] = []
        while try select.step() { records.append(record(select)) }
        return records
    }

    private static func record(_ row: SQLiteStatement) -> CommandRecord {
        func optionalDouble(_ column: Int32) -> Double? { row.isNull(at: column) ? nil : row.double(at: column) }
        func optionalInt(_ column: Int32) -> Int64? { row.isNull(at: column) ? nil : row.int64(at: column) }
        return CommandRecord(
            row: row.int64(at: 0), id: row.string(at: 1), receivedMillis: row.int64(at: 2), origin: row.string(at: 3) ?? "",
            action: row.string(at: 4) ?? "", device: row.string(at: 5), point: row.string(at: 6), value: row.string(at: 7),
            status: CommandRecord.Status(rawValue: row.string(at: 8) ?? "") ?? .failed, reason: row.string(at: 9),
            detail: row.string(at: 10), oldValue: optionalDouble(11), newValue: optionalDouble(12), request: row.blob(at: 13),
            reply: row.string(at: 14), progress: optionalInt(15), finishedMillis: optionalInt(16))
    }

    private static func bindOutcome(_ record: CommandRecord, on statement: SQLiteStatement, from index: Int32) {
        statement.bind(record.reason, at: index)
        statement.bind(record.detail, at: index + 1)
        bind(record.oldValue, on: statement, at: index + 2)
        bind(record.newValue, on: statement, at: index + 3)
    }

    private static func bind(_ value: Double?, on statement: SQLiteStatement, at index: Int32) {
        if let value { statement.bind(value, at: index) } else { statement.bind(nil as String?, at: index) }
    }

    private static func bind(_ value: Int64?, on statement: SQLiteStatement, at index: Int32) {
        if let value { statement.bind(value, at: index) } else { statement.bind(nil as String?, at: index) }
    }
}
