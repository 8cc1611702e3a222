import VigieCore

/// Where the HTTP layer gets its data from; implemented by the running daemon.
///
/// Calls come from HTTP request tasks, concurrently: implementations read shared state (an actor,
/// a `Mutex`, the store's read connection), never block the cooperative pool on SQLite.
public protocol GatewayStatusProvider: Sendable {
    /// The state of every component now.
    func snapshot() async -> GatewaySnapshot
    /// Stored readings of one sensor with `from <= time < to` (ms), oldest first, at most `limit`.
    /// Throws when the store cannot be read; an unknown sensor gives an empty array.
    func readings(sensor: SensorID, from: Int64, to: Int64, limit: Int) async throws -> [Reading]
    /// Recent anomaly events (open and closed), newest first, at most `limit`.
    func events(limit: Int) async -> [AnomalyStatus]
}
