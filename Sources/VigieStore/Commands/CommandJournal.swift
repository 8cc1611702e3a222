/// The audit trail and memory of hub commands, in `vigie.db` (table `commands`).
///
/// Every command received is a row, refused ones included. A command's `id` is unique: `claim`
/// returns the first record of an id already seen, so a repeated command is answered with its
/// first outcome instead of running again, across restarts. Has its own write connection on
/// its own serial queue, like the outbox; SQLite's lock orders it with the other writers.
public final class CommandJournal: Sendable {
    private let database: SerialConnection

    /// Opens the journal of an opened store (the schema is migrated by `ReadingStore.open`).
    public init(store: ReadingStore) throws {
        let configuration = store.configuration
        database = SerialConnection(try SQLiteConnection(path: configuration.databasePath, pragmas: configuration.pragmas),
                                    label: "vigie.store.commands")
    }

    /// What `claim` found.
    public enum Claim: Sendable {
        /// A new command, recorded as `running` under this row.
        case new(row: Int64)
        /// The id was seen before: its record (the reply to send again).
        case seen(CommandRecord)
    }

    /// Records a command as `running`, unless its id is already in the journal.
    public func claim(_ record: CommandRecord) async throws -> Claim {
        try await database.run { connection in
            try connection.transaction {
                if let id = record.id,
                   let existing = try CommandTable.select(where: "id = ?", text: id, on: connection).first {
                    return .seen(existing)
                }
                return .new(row: try CommandTable.insert(record, on: connection))
            }
        }
    }

    /// Records a command already decided (a malformed message, refused at once) in one step.
    @discardableResult
    public func record(_ record: CommandRecord) async throws -> Int64 {
        try await database.run { connection in
            try connection.transaction { try CommandTable.insert(record, on: connection) }
        }
    }

    /// Writes a command's outcome (status, values, reply) in its row.
    public func finish(_ record: CommandRecord) async throws {
        try await database.run { connection in
            try connection.transaction { try CommandTable.update(record, on: connection) }
        }
    }

    /// Sets a running replay's resume point.
    public func setProgress(row: Int64, to millis: Int64) async throws {
        try await database.run { connection in
            try connection.transaction { try CommandTable.setProgress(row: row, to: millis, on: connection) }
        }
    }

    /// Commands still `running`: at start-up, those a stop or crash interrupted.
    public func unfinished() async throws -> [CommandRecord] {
        try await database.run { connection in
            try CommandTable.select(where: "status = 'running'", on: connection)
        }
    }

    /// The newest `limit` commands, newest first (the status page).
    public func recent(limit: Int) async throws -> [CommandRecord] {
        try await database.run { connection in
            try CommandTable.select(where: "1", order: "row DESC", limit: limit, on: connection)
        }
    }
}

extension ReadingQuery {
    /// The commands received with `from <= received <= to` (nil: open), oldest first (`vigie export --commands`).
    public func commands(from: Int64? = nil, to: Int64? = nil) throws -> [CommandRecord] {
        // A database from before the journal has no commands table.
        guard try connection.scalar("PRAGMA user_version") ?? 0 >= 4 else { return [] }
        return try CommandTable.select(where: "received_ms >= ? AND received_ms <= ?", [from ?? .min, to ?? .max],
                                       on: connection)
    }
}
