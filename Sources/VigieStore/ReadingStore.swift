import Metrics
import Logging
import VigieCore

/// The opened store: its writer (a `Service` and the sources' `ReadingSink`), its outbox, and the
/// reader of closing windows.
///
/// ```swift
/// let store = try await ReadingStore.open(StoreConfiguration(configuration), logger: logger)
/// store.writer.addObserver(detector)          // told about each committed batch
/// // ServiceGroup(services: [store.writer, sources...]) — sources submit to store.writer
/// ```
public final class ReadingStore: Sendable {
    public let configuration: StoreConfiguration
    /// The single writer of readings; run it in the service group.
    public let writer: StoreWriter
    /// Messages for upstream sinks.
    public let outbox: Outbox
    /// A closing window's committed readings, for the aggregation stage (on the outbox's connection).
    public let windows: WindowReader

    private init(configuration: StoreConfiguration, writer: StoreWriter, outbox: Outbox) {
        self.configuration = configuration
        self.writer = writer
        self.outbox = outbox
        windows = WindowReader(database: outbox.database)
    }

    /// Creates the data directory and `vigie.db` (migrating it), off the cooperative pool.
    ///
    /// A damaged database is moved aside to `vigie.db.corrupt-<time>` and a fresh one created.
    /// Throws `StoreError` with code `.newerSchema` for a database written by a newer vigie.
    /// `now` gives the wall-clock time in epoch milliseconds (retention); `maintenanceInterval`
    /// is how often retention and budget run between batches; `metrics` is where the writer counts
    /// (`vigie_store_...`), the global factory by default.
    public static func open(_ configuration: StoreConfiguration, logger: Logger,
                            metrics: any MetricsFactory = MetricsSystem.factory,
                            now: @escaping @Sendable () -> Int64 = WallClock.nowMilliseconds,
                            maintenanceInterval: Duration = .seconds(1)) async throws -> ReadingStore {
        let opened = try await BlockingQueue(label: "vigie.store.open").run {
            let database = try StoreDatabase(configuration: configuration, logger: logger)
            let outbox = try SQLiteConnection(path: configuration.databasePath, pragmas: configuration.pragmas)
            return (StoreDatabaseBox(database), OutboxConnectionBox(connection: outbox))
        }
        let writer = StoreWriter(database: opened.0, logger: logger, metrics: metrics, now: now, maintenanceInterval: maintenanceInterval)
        return ReadingStore(configuration: configuration, writer: writer, outbox: Outbox(connection: opened.1.connection, configuration: configuration))
    }
}

/// Carries the outbox's new connection from the opening queue to the `Outbox`.
///
/// `@unchecked Sendable`: handed over once, then used only on the outbox's serial queue.
private struct OutboxConnectionBox: @unchecked Sendable {
    let connection: SQLiteConnection
}
