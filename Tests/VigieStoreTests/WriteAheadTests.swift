import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

@Suite struct WriteAheadTests {
    /// 40 sensors, 2 readings each per batch: every batch is written ahead, not chunked.
    static func smallBatches(count: Int) -> [[Reading]] {
        var batches: [[Reading]] = []
        for batch in 0..<count {
            var readings: [Reading] = []
            for index in 0..<80 {
                let second = Int64(batch * 2 + index / 40)
                let tenths: Int = 2_000 + batch * 3 - index
                readings.append(Reading(sensor: SensorID(device: "dev-\(index % 40)", point: "r"),
                                        time: 1_764_000_000_000 + second * 1_000, value: Double(tenths) / 10))
            }
            batches.append(readings)
        }
        return batches
    }

    @Test func readingsWrittenAheadAreSeenByEveryQueryBeforeAndAfterTheFold() async throws {
        let directory = TemporaryDirectory()
        let batches = Self.smallBatches(count: 10)
        let all = batches.flatMap { $0 }
        let configuration = StoreConfiguration(dataDirectory: directory.path, batchSize: 80)
        let sensor = SensorID("dev-7/r")!
        let expectedLatest = all.filter { $0.sensor == sensor }.max { $0.time < $1.time }
        try await withRunningStore(configuration) { store in
            for batch in batches { await store.writer.submit(batch) }
            #expect(await eventually { store.writer.statistics.readingsCommitted == all.count })
            // Committed, not folded (the fold waits a minute): only write-ahead slots so far.
            let query = try ReadingQuery(dataDirectory: directory.path)
            #expect(try query.connection.scalar("SELECT count(*) FROM chunks") == 0)
            #expect(try query.connection.scalar("SELECT count(*) FROM batches") == 1 + StoreDatabase.spareSlots)
            #expect(try query.connection.scalar("SELECT max(length(data)) FROM batches") == Int64(WriteAheadSlots.size))
            #expect(Set(try storedReadings(directory.path)) == Set(all))
            #expect(try storedReadings(directory.path, glob: "dev-7/*") == all.filter { $0.sensor == sensor })
            #expect(try query.latest().first { $0.sensor == sensor } == expectedLatest)
            let window = try await store.windows.readings(of: [sensor], from: all[0].time, before: all[0].time + 4_000)
            #expect(window.count == 4)
        }
        // The next open folds them into one chunk per sensor (the slots stay, stale, for reuse);
        // the queries give the same answers.
        let database = try StoreDatabase(configuration: configuration, logger: testLogger)
        #expect(database.writeAhead.readings == 0 && database.writeAhead.nextSlot == 1)
        #expect(try database.connection.scalar("SELECT count(*) FROM chunks") == 40)
        #expect(Set(try storedReadings(directory.path)) == Set(all))
        #expect(try storedReadings(directory.path).map(\.time) == all.map(\.time).sorted())
        #expect(try ReadingQuery(dataDirectory: directory.path).latest().first { $0.sensor == sensor } == expectedLatest)
    }

    @Test func foldingIsIdempotentAndKeepsLateReadingsInOrder() throws {
        let directory = TemporaryDirectory()
        let database = try StoreDatabase(configuration: StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        let batches = Self.smallBatches(count: 4)
        // The newest batch first: the fold sorts each sensor's readings across batches.
        for batch in batches.reversed() { try database.insert(batch) }
        #expect(database.isFoldDue(interval: 0))
        #expect(try database.foldWriteAhead() == 320)
        #expect(!database.isFoldDue(interval: 0))
        #expect(try database.foldWriteAhead() == 0)
        let stored = try storedReadings(directory.path)
        #expect(Set(stored) == Set(batches.flatMap { $0 }))
        #expect(stored.map(\.time) == stored.map(\.time).sorted())
        #expect(try database.connection.scalar("SELECT count(*) FROM chunks") == 40)
    }

    @Test func aBatchWithManyReadingsPerSensorIsChunkedAtOnce() throws {
        let directory = TemporaryDirectory()
        let database = try StoreDatabase(configuration: StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        try database.insert(series("meter/power", count: StoreDatabase.directChunkReadingsPerSensor))
        #expect(try database.connection.scalar("SELECT count(*) FROM batches") == 0)
        #expect(try database.connection.scalar("SELECT count(*) FROM chunks") == 1)
        #expect(!database.isFoldDue(interval: 0))
    }

    @Test func slotsAreReusedInPlaceAfterAFoldAndStaleOnesAreNeverReadAgain() throws {
        let directory = TemporaryDirectory()
        let database = try StoreDatabase(configuration: StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        let batches = Self.smallBatches(count: 6)
        for batch in batches.prefix(5) { try database.insert(batch) }
        let slots = try database.connection.scalar("SELECT count(*) FROM batches")
        #expect(try database.foldWriteAhead() == 400)
        // One batch after the fold: it takes the first slot again; the four after it are stale.
        try database.insert(batches[5])
        #expect(try database.connection.scalar("SELECT count(*) FROM batches") == slots)
        #expect(Set(try storedReadings(directory.path)) == Set(batches.flatMap { $0 }))
        #expect(try database.foldWriteAhead() == 80)
        #expect(try storedReadings(directory.path).count == 480)
    }

    @Test func aBatchLongerThanASlotSpansSeveralAndComesBackWhole() throws {
        let directory = TemporaryDirectory()
        let database = try StoreDatabase(configuration: StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        // 1,000 sensors, one full-precision reading each: about 13 KB, 14 slots.
        let batch = (0..<1_000).map {
            Reading(sensor: SensorID(device: "big-\($0)", point: "v"), time: testNow + Int64($0), value: Double($0).squareRoot())
        }
        try database.insert(batch)
        #expect(database.writeAhead.nextSlot > 10)
        #expect(Set(try storedReadings(directory.path)) == Set(batch))
        #expect(try database.foldWriteAhead() == 1_000)
        #expect(Set(try storedReadings(directory.path)) == Set(batch))
    }

    @Test func aDamagedWriteAheadBatchIsSkippedWithoutBlockingTheOthers() throws {
        let directory = TemporaryDirectory()
        let database = try StoreDatabase(configuration: StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        let batches = Self.smallBatches(count: 3)
        for batch in batches { try database.insert(batch) }
        // The second batch's version byte (right after the slot header) is overwritten.
        try database.connection.execute("UPDATE batches SET data = substr(data, 1, 7) || x'ff' || substr(data, 9) WHERE slot = 2")
        #expect(throws: StoreError.self) { _ = try storedReadings(directory.path) }
        #expect(try database.foldWriteAhead() == 160)
        #expect(Set(try storedReadings(directory.path)) == Set(batches[0] + batches[2]))
    }
}
