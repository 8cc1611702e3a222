import VigieCore

extension Outbox {
    /// Records anomaly event steps and appends their outbox messages in one transaction, so the
    /// record of what was published (`recentEvents`, `openEvents`) never disagrees with the outbox.
    public func appendEvents(_ events: [AnomalyEventMessage], messages: [OutboxMessage]) async throws {
        try await database.run { connection in
            try connection.transaction {
                try AnomalyEventTable.append(events, on: connection)
                _ = try OutboxTable.append(messages, on: connection)
            }
            self.checkpointIfLarge(connection)
        }
    }

    /// The newest `limit` anomaly event steps recorded, newest first (`DetectionStage`'s events page after a restart).
    public func recentEvents(limit: Int) async throws -> [AnomalyEventMessage] {
        try await database.run { connection in try AnomalyEventTable.recent(limit: limit, on: connection) }
    }

    /// The newest step of each incident left open (one per device at most), oldest first: what
    /// a restart resumes.
    public func openEvents() async throws -> [AnomalyEventMessage] {
        try await database.run { connection in try AnomalyEventTable.open(on: connection) }
    }
}

extension ReadingQuery {
    /// The anomaly event steps recorded (`open`, `update`, `close`; the newest 2,000 and each
    /// device's latest) of the sensors matching `glob`, with `from <= time <= to` (nil: open),
    /// oldest first (`vigie export --events`).
    public func events(matching glob: String? = nil, from: Int64? = nil, to: Int64? = nil) throws -> [AnomalyEventMessage] {
        // A database from before the record has no anomaly_events table.
        guard try connection.scalar("PRAGMA user_version") ?? 0 >= 5 else { return [] }
        return try AnomalyEventTable.steps(matching: glob, from: from, to: to, on: connection)
    }
}
