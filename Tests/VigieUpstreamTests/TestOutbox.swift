import Foundation
import Logging
import VigieCore
import VigieStore
@testable import VigieUpstream
import VigieTestKit

/// A real store in a temporary directory, and helpers to queue numbered messages for one sink.
struct TestOutbox {
    let directory: TemporaryDirectory
    let store: ReadingStore
    let sink: SinkName

    static func open(sink: SinkName, directory: TemporaryDirectory) async throws -> TestOutbox {
        let store = try await ReadingStore.open(StoreConfiguration(dataDirectory: directory.path("data"), synchronous: .normal),
                                                logger: Logger(label: "test.store"))
        return TestOutbox(directory: directory, store: store, sink: sink)
    }

    var view: StoreSinkOutbox { StoreSinkOutbox(sink: sink, outbox: store.outbox) }

    /// Appends messages whose payload is `{"n":<number>}`, on `topic`; returns their sequence numbers.
    @discardableResult
    func append(_ numbers: Range<Int>, topic: String = "hub/test") async throws -> [Int64] {
        let messages = numbers.map { number in
            OutboxMessage(sink: sink, kind: .aggregate, device: topic, storageText: Array("{\"n\":\(number)}".utf8),
                          createdMilliseconds: 1_700_000_000_000 + Int64(number))
        }
        return try await store.outbox.append(messages)
    }

    /// Appends stored aggregates (what the aggregation stage writes), one per number: device
    /// `meter`, point `power`, a 1 s window starting at `number` seconds.
    @discardableResult
    func appendStoredAggregates(_ numbers: Range<Int>) async throws -> [Int64] {
        let messages = numbers.map { number in
            let window = WindowRange(start: Int64(number) * 1_000, end: Int64(number + 1) * 1_000)
            let readings = [Reading(sensor: SensorID(device: "meter", point: "power"), time: window.start,
                                    value: Double(number))]
            let pack = AggregatePack.packs(window: window, readings: readings, statistics: [.mean], unit: { _ in "W" })[0]
            return OutboxMessage(sink: sink, kind: .aggregate, device: "meter",
                                 storageText: Array(UpstreamMessage.aggregate(pack).storageText.utf8),
                                 createdMilliseconds: 1_700_000_000_000 + Int64(number))
        }
        return try await store.outbox.append(messages)
    }

    /// Messages still waiting.
    func waiting() async throws -> [Int64] {
        try await store.outbox.pending(sink: sink, limit: 1_000_000).map(\.seq)
    }

    /// Appends messages with the given payloads (kind `aggregate`).
    @discardableResult
    func append(payloads: [String], topic: String = "hub/test") async throws -> [Int64] {
        try await store.outbox.append(payloads.map { payload in
            OutboxMessage(sink: sink, kind: .aggregate, device: topic, storageText: Array(payload.utf8),
                          createdMilliseconds: 1_700_000_000_000)
        })
    }

    /// How many messages still wait (cheap: a count, not the rows).
    func waitingCount() async throws -> Int {
        try await store.outbox.backlog().first { $0.sink == sink }?.depth ?? 0
    }
}
