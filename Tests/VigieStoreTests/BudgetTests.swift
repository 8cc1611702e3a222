import MetricsTestKit
import Synchronization
import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

/// Records the largest db + WAL size seen after each commit.
final class SizeWatcher: CommitObserver {
    let path: String
    let largest = Atomic<Int64>(0)
    init(path: String) { self.path = path }
    func didCommit(_ readings: [Reading]) {
        let size = FileSystem.size(path) + FileSystem.size(path + "-wal")
        largest.max(size, ordering: .relaxed)
    }
}

@Suite struct BudgetTests {
    @Test func sustainedInsertStaysUnderTheSizeBudgetByEvictingTheOldest() async throws {
        let directory = TemporaryDirectory()
        let budget = ByteSize(bytes: 1 << 20)
        let configuration = StoreConfiguration(dataDirectory: directory.path, maxSize: budget, batchSize: 2_000)
        let watcher = SizeWatcher(path: configuration.databasePath)
        var generator = SystemRandomNumberGenerator()
        let metrics = TestMetrics()
        let statistics = try await withRunningStore(configuration, maintenanceInterval: .zero, metrics: metrics) { store in
            store.writer.addObserver(watcher)
            // Noisy values compress badly: about 10 bytes a reading, 2 MB in all.
            for round in 0..<100 {
                let readings = (0..<2_000).map { index in
                    Reading(sensor: SensorID(device: "noise", point: "p\(index % 20)"),
                            time: 1_764_000_000_000 + Int64(round * 2_000 + index) * 10,
                            value: Double.random(in: 0..<1, using: &generator))
                }
                await store.writer.submit(readings)
            }
            return store.writer
        }.statistics
        let largest = watcher.largest.load(ordering: .relaxed)
        #expect(largest <= budget.bytes)
        #expect(FileSystem.size(configuration.databasePath) + FileSystem.size(configuration.databasePath + "-wal") <= budget.bytes)
        #expect(statistics.readingsEvicted > 0)
        #expect(statistics.readingsCommitted == 200_000)
        // The same counts reach the metrics the daemon exports.
        #expect(try metrics.expectCounter("vigie_store_readings_committed_total").totalValue == 200_000)
        #expect(try metrics.expectCounter("vigie_store_readings_evicted_total", [("reason", "budget")]).totalValue
                    == Int64(statistics.readingsEvicted))
        #expect(try metrics.expectCounter("vigie_store_commits_total").totalValue == Int64(statistics.commits))
        #expect(try metrics.expectTimer("vigie_store_commit_duration_seconds").values.count == statistics.commits)
        // What remains is the newest readings.
        let stored = try storedReadings(directory.path)
        #expect(stored.count + statistics.readingsEvicted == 200_000)
        let newest = try #require(stored.last).time
        #expect(newest == 1_764_000_000_000 + 199_999 * 10)
    }

    @Test func readingsPastRetentionAreDeleted() async throws {
        let directory = TemporaryDirectory()
        let now: Int64 = 1_764_000_000_000
        let configuration = StoreConfiguration(dataDirectory: directory.path, keepReadings: .seconds(3_600), batchSize: 100)
        let statistics = try await withRunningStore(configuration, now: { now }, maintenanceInterval: .zero) { store in
            await store.writer.submit(series("old/temp", count: 100, start: now - 7_200_000))
            await store.writer.submit(series("new/temp", count: 100, start: now - 60_000, step: 100))
            return store.writer
        }.statistics
        #expect(statistics.readingsExpired == 100)
        #expect(try storedReadings(directory.path).allSatisfy { $0.sensor.device == "new" })
        #expect(try storedReadings(directory.path).count == 100)
    }

    @Test func aFullDatabaseCountsWhatItCannotWriteAndRecoversWhenSpaceReturns() async throws {
        let directory = TemporaryDirectory()
        // 256 KB: a page limit of 48 pages. Maintenance is held off so the budget does not drop the outbox.
        let configuration = StoreConfiguration(dataDirectory: directory.path, maxSize: ByteSize(bytes: 256 << 10), batchSize: 5_000)
        try await withRunningStore(configuration, maintenanceInterval: .seconds(3_600)) { store in
            // Fill the file with outbox messages until SQLite reports SQLITE_FULL (max_page_count).
            var seqs: [Int64] = []
            var full = false
            while !full {
                do {
                    seqs += try await store.outbox.append([OutboxMessage(sink: "hub", kind: .aggregate, device: "t",
                                                                         storageText: Array(repeating: 7, count: 2_000), createdMilliseconds: 1)])
                } catch let error as StoreError {
                    #expect(error.code == .full)
                    full = true
                }
            }
            // One batch of noisy values: about 20 KB of new pages, which the page limit refuses
            // (there are no older readings to evict to make room).
            await store.writer.submit(series("meter/power", count: 2_000, value: { Double($0).squareRoot() }))
            #expect(await eventually { store.writer.statistics.readingsDropped == 2_000 })
            #expect(store.writer.statistics.readingsCommitted == 0)

            // Space returns: the sink delivered its backlog.
            try await store.outbox.acknowledge(sink: "hub", seqs: seqs)
            await store.writer.submit(series("meter/power", count: 100, start: 1_800_000_000_000))
            #expect(await eventually { store.writer.statistics.readingsCommitted == 100 })
        }
        #expect(try storedReadings(directory.path).count == 100)
    }
}
