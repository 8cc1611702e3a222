import VigieCore

/// Reads the committed readings of a time window back, for the aggregation stage closing it.
///
/// Runs on the connection and serial queue the `Outbox` writes with (`ReadingStore` hands both
/// the same one), so a window is read between the outbox's transactions, off the cooperative
/// pool, and sees every batch the writer has committed.
public struct WindowReader: Sendable {
    let database: SerialConnection

    /// Committed readings of `sensors` with time in `from..<to`, in time order.
    public func readings(of sensors: [SensorID], from: Int64, before to: Int64) async throws -> [Reading] {
        try await database.run { connection in
            try ReadingQuery(connection: connection).readings(of: sensors, from: from, before: to)
        }
    }

    /// Committed readings of every sensor with time in `from..<to`, in time order.
    public func readings(from: Int64, before to: Int64) async throws -> [Reading] {
        try await database.run { connection in
            var result: [Reading] = []
            try ReadingQuery(connection: connection).readings(from: from, to: to &- 1) { result.append($0) }
            return result
        }
    }
}
