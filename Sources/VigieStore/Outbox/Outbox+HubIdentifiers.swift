import VigieCore

/// Ids a hub gave to what a sink created there (a SensorThings Thing and its Datastreams),
/// kept so they are created once and survive restarts (table `hub_identifiers`).
extension Outbox {
    /// Every id `sink` remembers, by key.
    public func hubIdentifiers(sink: SinkName) async throws -> [String: String] {
        try await database.run { connection in
            let select = try connection.statement("SELECT key, id FROM hub_identifiers WHERE sink = ?")
            select.bind(sink.description, at: 1)
            defer { select.reset() }
            var ids: [String: String] = [:]
            while try select.step() {
                if let key = select.string(at: 0), let id = select.string(at: 1) { ids[key] = id }
            }
            return ids
        }
    }

    /// Remembers (or replaces) the id of `key` for `sink`.
    public func rememberHubIdentifier(sink: SinkName, key: String, id: String) async throws {
        try await database.run { connection in
            let upsert = try connection.statement(
                "INSERT INTO hub_identifiers(sink, key, id) VALUES (?, ?, ?) ON CONFLICT(sink, key) DO UPDATE SET id = excluded.id")
            upsert.bind(sink.description, at: 1)
            upsert.bind(key, at: 2)
            upsert.bind(id, at: 3)
            defer { upsert.reset() }
            try upsert.step()
        }
    }

    /// Forgets ids the hub no longer knows (it lost them): they are looked up or created again.
    public func forgetHubIdentifiers(sink: SinkName, keys: [String]) async throws {
        try await database.run { connection in
            let delete = try connection.statement("DELETE FROM hub_identifiers WHERE sink = ? AND key = ?")
            for key in keys {
                delete.reset()
                delete.bind(sink.description, at: 1)
                delete.bind(key, at: 2)
                try delete.step()
            }
            delete.reset()
        }
    }
}
