import VigieCore
import VigieStore

extension StoreReader {
    /// Readings of the sensors matching `glob` with `from <= time < to`, in time order (a replay's slice).
    func readings(matching glob: String, from: Int64, to: Int64) async throws -> [Reading] {
        try await run { query in
            var result: [Reading] = []
            try query.readings(matching: glob, from: from, to: to &- 1) { result.append($0) }
            return result
        }
    }

    /// The oldest reading kept of the sensors matching `glob`.
    func oldestTime(matching glob: String) async throws -> Int64? {
        try await run { query in try query.oldestTime(matching: glob) }
    }

    /// Every sensor known to the store.
    func sensors() async throws -> [SensorInfo] {
        try await run { query in try query.sensors() }
    }

    /// Recorded commands with `from <= received <= to`.
    func commands(from: Int64?, to: Int64?) async throws -> [CommandRecord] {
        try await run { query in try query.commands(from: from, to: to) }
    }
}
