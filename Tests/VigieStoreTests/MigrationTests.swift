import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

@Suite struct MigrationTests {
    /// Where the schema-1 database's two readings start (inside retention at `testNow`).
    static let start = testNow - 10_000

    /// A database as vigie wrote it at schema 1: 4 KB pages, one version-1 chunk, `sensors.last_*` kept.
    static func makeSchemaOneDatabase(_ path: String) throws {
        let connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.transaction {
            try connection.execute(StoreMigrations.all[0].sql)
            try connection.execute("PRAGMA user_version = 1")
            try connection.execute("""
                INSERT INTO sensors(id, name, last_ms, last_value, last_quality) VALUES (1, 'old/meter', \(start + 1_000), 1.5, 0);
                INSERT INTO chunks(sensor, first_ms, last_ms, count, data) VALUES (1, \(start), \(start + 1_000), 2, x'0102003ff800d00f');
                """)
        }
    }

    @Test func aSchemaOneDatabaseMigratesKeepsItsReadingsAndTakesNewOnes() async throws {
        let directory = TemporaryDirectory()
        let configuration = StoreConfiguration(dataDirectory: directory.path)
        try FileSystem.createDirectory(directory.path)
        try Self.makeSchemaOneDatabase(configuration.databasePath)
        // An old copy is readable before any migration (no write-ahead table yet).
        #expect(try storedReadings(directory.path).map(\.value) == [1.5, 1.5])

        let sensor = SensorID("old/meter")!
        let newer = [Reading(sensor: sensor, time: Self.start + 2_000, value: 2.5), Reading(sensor: sensor, time: Self.start + 3_000, value: 2.75)]
        try await withRunningStore(configuration) { (store: ReadingStore) async throws -> Void in
            await store.writer.submit(newer)
            #expect(await eventually { store.writer.statistics.readingsCommitted == 2 })
            // Written ahead, seen with the old chunk, and the latest comes from the write-ahead.
            #expect(try storedReadings(directory.path).map(\.time) == (0..<4).map { Self.start + Int64($0) * 1_000 })
            #expect(try ReadingQuery(dataDirectory: directory.path).latest() == [newer[1]])
        }
        let database = try StoreDatabase(configuration: configuration, logger: testLogger)
        let version = try database.connection.scalar("PRAGMA user_version")
        #expect(version == StoreMigrations.latestVersion)
        // An existing database keeps its page size (changing it would need a rewrite).
        let pageSize = try database.connection.scalar("PRAGMA page_size")
        #expect(pageSize == 4_096)
        #expect(try storedReadings(directory.path).map(\.value) == [1.5, 1.5, 2.5, 2.75])
        #expect(try ReadingQuery(dataDirectory: directory.path).latest() == [newer[1]])
    }

    @Test func aNewDatabaseHasSmallPages() throws {
        let directory = TemporaryDirectory()
        let database = try StoreDatabase(configuration: StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        let pageSize = try database.connection.scalar("PRAGMA page_size")
        #expect(pageSize == StoreConfiguration.newDatabasePageSize)
    }
}
