import VigieCore
import VigieStore

/// Read-only queries of the store, on one serial queue off the cooperative pool: the history the
/// detection stage warms its detectors with, and what the command channel replays.
///
/// `@unchecked Sendable`: the `ReadingQuery` (a SQLite connection) is only touched on `queue`.
final class StoreReader: @unchecked Sendable {
    private let dataDirectory: String
    private let queue = BlockingQueue(label: "vigie.store-reader")
    private var query: ReadingQuery?

    init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// Readings of `sensor` with `from <= time < to`, oldest first, at most `limit` (the newest ones).
    func readings(of sensor: SensorID, from: Int64, to: Int64, limit: Int) async throws -> [Reading] {
        try await run { query in
            var result: [Reading] = []
            try query.readings(matching: sensor.description, from: from, to: to &- 1) { result.append($0) }
            return Array(result.suffix(max(0, limit)))
        }
    }

    /// Each sensor's newest stored reading; none when the store cannot be read (then the MQTT
    /// source tells a retained message stored by an earlier run by its topic's last payload
    /// only, and the silence of a sensor not heard since the start is not watched).
    func latestReadings() async -> [Reading] {
        (try? await run { try $0.latest() }) ?? []
    }

    /// The time of each sensor's newest stored reading (`latestReadings`).
    func newestTimes() async -> [SensorID: Int64] {
        Dictionary(await latestReadings().map { ($0.sensor, $0.time) }, uniquingKeysWith: max)
    }

    /// Runs `body` with the query (opened on first use) on the reader's queue.
    func run<T: Sendable>(_ body: @escaping @Sendable (ReadingQuery) throws -> T) async throws -> T {
        try await queue.run { [self] in
            if query == nil { query = try ReadingQuery(dataDirectory: dataDirectory) }
            guard let query else { throw CancellationError() }
            return try body(query)
        }
    }
}
