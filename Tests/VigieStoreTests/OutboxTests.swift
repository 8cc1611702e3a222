import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

@Suite struct OutboxTests {
    static func message(_ sink: SinkName, _ topic: String, size: Int = 4) -> OutboxMessage {
        OutboxMessage(sink: sink, kind: .aggregate, device: topic, storageText: Array(topic.utf8) + Array(repeating: 0, count: size),
                      createdMilliseconds: 1_764_000_000_000)
    }

    @Test func aggregatesAndTheirWatermarkAreAppendedOnceTogether() async throws {
        let directory = TemporaryDirectory()
        let store = try await ReadingStore.open(StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        #expect(try await store.outbox.watermark("aggregate/15m") == nil)
        #expect(try await store.outbox.appendAggregates([Self.message("hub", "a"), Self.message("hub", "b")],
                                                        advancing: "aggregate/15m", to: 900_000))
        // A replay of the same windows (e.g. after a crash) appends nothing.
        #expect(try await !store.outbox.appendAggregates([Self.message("hub", "a")], advancing: "aggregate/15m", to: 900_000))
        #expect(try await store.outbox.watermark("aggregate/15m") == 900_000)
        #expect(try await store.outbox.pending(sink: "hub", limit: 10).map(\.device) == ["a", "b"])
    }

    @Test func aFailedAppendLeavesTheWatermarkWhereItWas() async throws {
        let directory = TemporaryDirectory()
        let store = try await ReadingStore.open(StoreConfiguration(dataDirectory: directory.path, maxSize: ByteSize(bytes: 256 << 10)),
                                                logger: testLogger)
        try await store.outbox.appendAggregates([Self.message("hub", "first")], advancing: "w", to: 1)
        // Larger than the whole budget: SQLITE_FULL in the middle of the transaction.
        await #expect(throws: StoreError.self) {
            try await store.outbox.appendAggregates([Self.message("hub", "small"), Self.message("hub", "huge", size: 1 << 20)],
                                                    advancing: "w", to: 2)
        }
        #expect(try await store.outbox.watermark("w") == 1)
        #expect(try await store.outbox.pending(sink: "hub", limit: 10).map(\.device) == ["first"])
    }

    @Test func pendingIsInSequenceOrderPerSinkAndAcknowledgeDeletes() async throws {
        let directory = TemporaryDirectory()
        let store = try await ReadingStore.open(StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        let seqs = try await store.outbox.append((0..<10).map { Self.message($0 % 2 == 0 ? "mqtt" : "http", "m\($0)") })
        #expect(seqs == seqs.sorted() && Set(seqs).count == 10)
        let first = try await store.outbox.pending(sink: "mqtt", limit: 3)
        #expect(first.map(\.device) == ["m0", "m2", "m4"])
        #expect(try first.first?.message.get().storageText.prefix(2) == Array("m0".utf8)[...])
        let next = try await store.outbox.pending(sink: "mqtt", after: first.last!.seq, limit: 10)
        #expect(next.map(\.device) == ["m6", "m8"])
        #expect(try await store.outbox.acknowledge(sink: "mqtt", seqs: first.map(\.seq)) == 3)
        // Another sink's messages are not acknowledged by mistake.
        #expect(try await store.outbox.acknowledge(sink: "http", seqs: first.map(\.seq)) == 0)
        #expect(try await store.outbox.pending(sink: "mqtt", limit: 10).map(\.device) == ["m6", "m8"])
        let backlog = try await store.outbox.backlog()
        #expect(backlog == [OutboxBacklog(sink: "http", depth: 5, oldestCreatedMilliseconds: 1_764_000_000_000),
                            OutboxBacklog(sink: "mqtt", depth: 2, oldestCreatedMilliseconds: 1_764_000_000_000)])
        // Sequence numbers are never reused, even after deletion.
        let later = try await store.outbox.append([Self.message("mqtt", "late")])
        #expect(later[0] > seqs.max()!)
    }

    @Test func theWindowReaderReadsCommittedReadingsOfAWindow() async throws {
        let directory = TemporaryDirectory()
        let readings = series("meter/power", count: 100) + series("meter/other", count: 100)
        try await withRunningStore(StoreConfiguration(dataDirectory: directory.path)) { store in
            await store.writer.submit(readings)
        }
        let store = try await ReadingStore.open(StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        let window = try await store.windows.readings(of: [SensorID("meter/power")!], from: readings[10].time, before: readings[20].time)
        #expect(window == Array(readings[10..<20]))
        let all = try await store.windows.readings(from: readings[10].time, before: readings[20].time)
        #expect(Set(all) == Set(readings.filter { $0.time >= readings[10].time && $0.time < readings[20].time }))
        #expect(all.map(\.time) == all.map(\.time).sorted())
    }

    @Test func aRowOfAKindThisVersionDoesNotKnowIsReadAsUnreadableNotDropped() async throws {
        let directory = TemporaryDirectory()
        let configuration = StoreConfiguration(dataDirectory: directory.path)
        let store = try await ReadingStore.open(configuration, logger: testLogger)
        let seqs = try await store.outbox.append([Self.message("hub", "a"), Self.message("hub", "b")])
        // As a newer version could have written it.
        let connection = try SQLiteConnection(path: configuration.databasePath)
        try connection.execute("UPDATE outbox SET kind = 'forecast' WHERE seq = \(seqs[0])")
        let pending = try await store.outbox.pending(sink: "hub", limit: 10)
        #expect(pending.map(\.seq) == seqs)
        #expect(pending.first?.message == .failure(UnreadableOutboxRow(kind: "forecast")))
        #expect(pending.last?.device == "b")
    }
}

extension OutboxEntry {
    /// The device of a readable row.
    var device: String? { try? message.get().device }
}
