import Synchronization
import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

/// Records what observers are told.
final class RecordingObserver: CommitObserver {
    let batches = Mutex<[[Reading]]>([])
    func didCommit(_ readings: [Reading]) { batches.withLock { $0.append(readings) } }
    var count: Int { batches.withLock { $0.reduce(0) { $0 + $1.count } } }
}

/// A flag shared with a child task.
final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}

@Suite struct StoreWriterTests {
    @Test func committedReadingsComeBackInTimeOrderAndObserversSeeEachBatch() async throws {
        let directory = TemporaryDirectory()
        let observer = RecordingObserver()
        let a = series("meter/voltage", count: 500, value: { 230 + Double($0 % 7) / 10 })
        let b = series("meter/current", count: 500, start: 1_764_000_000_500, value: { Double($0) * 0.01 })
        let path = directory.path
        try await withRunningStore(StoreConfiguration(dataDirectory: path, batchSize: 64)) { store in
            store.writer.addObserver(observer)
            for index in stride(from: 0, to: 500, by: 50) {
                await store.writer.submit(Array(a[index..<(index + 50)]) + Array(b[index..<(index + 50)]))
            }
            // A read-only reader sees committed readings while the writer runs.
            #expect(await eventually { store.writer.statistics.readingsCommitted == 1_000 })
            let whileRunning = try storedReadings(path).count
            #expect(whileRunning == 1_000)
        }
        let stored = try storedReadings(directory.path)
        #expect(stored.count == 1_000)
        #expect(stored.map(\.time) == stored.map(\.time).sorted())
        #expect(Set(stored) == Set(a + b))
        #expect(observer.count == 1_000)
        #expect(observer.batches.withLock { $0.allSatisfy { $0.count <= 64 } })
        #expect(try storedReadings(directory.path, glob: "meter/volt*") == a)
        #expect(try storedReadings(directory.path, glob: "meter/*", from: a[10].time, to: a[20].time).count == 21)
    }

    @Test func readingsArrivingOutOfOrderAreStillExportedInOrder() async throws {
        let directory = TemporaryDirectory()
        let readings = series("pump/flow", count: 300)
        try await withRunningStore(StoreConfiguration(dataDirectory: directory.path, batchSize: 10)) { store in
            for chunk in stride(from: 0, to: 300, by: 30).reversed() {
                await store.writer.submit(Array(readings[chunk..<(chunk + 30)]).reversed())
            }
        }
        #expect(try storedReadings(directory.path) == readings)
        let query = try ReadingQuery(dataDirectory: directory.path)
        #expect(try query.latest() == [readings[299]])
        #expect(try query.sensors().map(\.sensor.description) == ["pump/flow"])
        #expect(try query.readings(of: [SensorID("pump/flow")!], from: readings[5].time, before: readings[9].time) == Array(readings[5..<9]))
    }

    @Test func gracefulShutdownCommitsEverythingQueued() async throws {
        let directory = TemporaryDirectory()
        // A long interval and a large batch: only the shutdown drain can commit these.
        let configuration = StoreConfiguration(dataDirectory: directory.path, batchSize: 1_000_000, batchInterval: .seconds(3_600))
        let statistics = try await withRunningStore(configuration) { store in
            await store.writer.submit(series("meter/energy", count: 777))
            return store.writer
        }.statistics
        #expect(statistics.readingsCommitted == 777)
        #expect(try storedReadings(directory.path).count == 777)
        #expect(FileSystem.exists(configuration.databasePath + ".clean"))
    }

    @Test func aFullQueueSuspendsTheSubmitterUntilTheWriterTakes() async throws {
        let queue = WriterQueue(capacity: 10)
        #expect(await queue.submit(series("a/b", count: 10)))
        let admitted = Flag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = await queue.submit(series("a/b", count: 5, start: 0))
                admitted.value.store(true, ordering: .sequentiallyConsistent)
            }
            #expect(await eventually { queue.depth == 15 })
            let admittedBeforeTake = admitted.value.load(ordering: .sequentiallyConsistent)
            #expect(!admittedBeforeTake)
            let take = queue.take(maxCount: 10, interval: 0, idle: 0)
            #expect(take.readings.count == 10)
            try await group.waitForAll()
            let admittedAfterTake = admitted.value.load(ordering: .sequentiallyConsistent)
            #expect(admittedAfterTake)
            #expect(queue.depth == 5)
        }
    }

    /// The aggregation flushes before it reads a closed window: a batch the writer has taken but
    /// not yet committed must hold the flush back, or the aggregate misses its readings.
    @Test func aFlushWaitsForTheBatchTheWriterIsCommitting() async throws {
        let queue = WriterQueue(capacity: 10)
        #expect(await queue.submit(series("a/b", count: 4)))
        let take = queue.take(maxCount: 10, interval: 0, idle: 0)
        #expect(take.readings.count == 4 && queue.depth == 0)
        let flushed = Flag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await queue.flush()
                flushed.value.store(true, ordering: .sequentiallyConsistent)
            }
            try await Task.sleep(for: .milliseconds(200))
            let flushedDuringCommit = flushed.value.load(ordering: .sequentiallyConsistent)
            #expect(!flushedDuringCommit)
            for waiter in queue.batchDone() { waiter.resume() }
            try await group.waitForAll()
            let flushedAfterCommit = flushed.value.load(ordering: .sequentiallyConsistent)
            #expect(flushedAfterCommit)
        }
        // With nothing queued or being committed, a flush returns at once.
        await queue.flush()
    }
}

@Suite struct ChunkSpanTests {
    @Test func aBackfillSpanningDaysIsSplitAndQueriedByRange() async throws {
        let directory = TemporaryDirectory()
        // One reading every 10 minutes for 3 days in one batch: split into chunks of at most 5 minutes.
        let readings = series("logger/level", count: 432, start: testNow - 3 * 86_400_000, step: 600_000)
        try await withRunningStore(StoreConfiguration(dataDirectory: directory.path)) { store in
            await store.writer.submit(readings.shuffled())
        }
        #expect(try storedReadings(directory.path) == readings)
        let middle = try storedReadings(directory.path, from: readings[100].time + 1, to: readings[110].time)
        #expect(middle == Array(readings[101...110]))
        #expect(try ReadingQuery(dataDirectory: directory.path).latest() == [readings[431]])
    }
}
