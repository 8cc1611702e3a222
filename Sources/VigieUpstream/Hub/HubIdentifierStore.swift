import VigieCore
import VigieStore

/// Where a sink keeps the ids a hub gave it (`hub_identifiers` in the store), by key.
protocol HubIdentifierStore: Sendable {
    func load() async throws -> [String: String]
    func remember(key: String, id: String) async throws
    func forget(keys: [String]) async throws
}

/// The store's `hub_identifiers` rows of one sink.
struct StoreHubIdentifiers: HubIdentifierStore {
    let sink: SinkName
    let outbox: Outbox

    func load() async throws -> [String: String] { try await outbox.hubIdentifiers(sink: sink) }
    func remember(key: String, id: String) async throws { try await outbox.rememberHubIdentifier(sink: sink, key: key, id: id) }
    func forget(keys: [String]) async throws { try await outbox.forgetHubIdentifiers(sink: sink, keys: keys) }
}
