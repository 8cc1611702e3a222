import Testing
import VigieCore
@testable import VigieStore

/// The writer with a commit interval of an hour: polled readings wait for it, unless a prompt
/// reading, a full worthwhile batch, `commitQueued` or the shutdown commits them first.
@Suite struct CommitCadenceWriterTests {
    static func configuration(_ path: String) -> StoreConfiguration {
        StoreConfiguration(dataDirectory: path, batchInterval: .milliseconds(20), commitInterval: .seconds(3_600))
    }

    @Test func commitQueuedCommitsPolledReadingsAtOnceAndReturnsOnceTheyAreStored() async throws {
        let directory = TemporaryDirectory()
        try await withRunningStore(Self.configuration(directory.path)) { store async throws in
            await store.writer.submit(series("meter/power", count: 8), deadline: .commitInterval)
            await store.writer.commitQueued()
            #expect(try storedReadings(directory.path).count == 8)
            #expect(store.writer.statistics.commits == 1)
            // With nothing queued it returns at once.
            await store.writer.commitQueued()
            #expect(store.writer.statistics.commits == 1)
        }
    }

    @Test func aPromptReadingCommitsThePolledReadingsQueuedBeforeIt() async throws {
        let directory = TemporaryDirectory()
        try await withRunningStore(Self.configuration(directory.path)) { store async throws in
            await store.writer.submit(series("meter/power", count: 8), deadline: .commitInterval)
            await store.writer.submit(series("zigbee/temperature", count: 1))
            #expect(try await eventually { store.writer.statistics.readingsCommitted == 9 })
            #expect(store.writer.statistics.commits == 1)
        }
    }

    @Test func aWorthwhileBatchOfPolledReadingsCommitsAtTheBatchInterval() async throws {
        let directory = TemporaryDirectory()
        try await withRunningStore(Self.configuration(directory.path)) { store async throws in
            for device in 0..<100 {
                await store.writer.submit(series("meter-\(device)/power", count: 4), deadline: .commitInterval)
            }
            #expect(try await eventually { store.writer.statistics.readingsCommitted == 400 })
        }
    }

    @Test func aGracefulStopCommitsPolledReadingsStillWaiting() async throws {
        let directory = TemporaryDirectory()
        try await withRunningStore(Self.configuration(directory.path)) { store async throws in
            await store.writer.submit(series("meter/power", count: 8), deadline: .commitInterval)
        }
        #expect(try storedReadings(directory.path).count == 8)
    }
}
