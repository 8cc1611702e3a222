import Foundation
import Logging
import Testing
import VigieCore
import VigieStore
@testable import VigieDaemon
import VigieTestKit

/// Aggregate windows close on the injected clock: a 1 min window closes once window + grace
/// of fast-forwarded time has passed, not before, and no real minute is waited.
struct AggregationClockTests {
    static let minute: Int64 = 60_000
    static let grace: Int64 = 10_000
    /// A whole minute, a day ago: the readings stay inside the store's retention.
    static let start = (Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000) / minute * minute

    // A real sleep makes the service wait real minutes; the real wall clock closes the day-old window at once.
    @Test(.timeLimit(.minutes(1))) func aWindowClosesAfterWindowPlusGraceOfInjectedTime() async throws {
        let directory = TemporaryDirectory()
        let store = try await ReadingStore.open(StoreConfiguration(dataDirectory: directory.path("data")),
                                                logger: Logger(label: "test"))
        let writing = Task { try await store.writer.run() }
        defer { writing.cancel() }
        let sensor = SensorID("meter/power")!
        await store.writer.submit([5_000, 30_000, 55_000, 65_000].enumerated().map { index, offset in
            Reading(sensor: sensor, time: Self.start + offset, value: Double(index + 1), quality: .good)
        })
        let time = SimulatedTime(Self.start)
        let service = { (end: Int64) in
            AggregationService(configuration: AggregateConfiguration(windows: [.seconds(60)], grace: .seconds(10), stats: [.count, .mean]),
                               sinks: { ["hub"] }, outbox: store.outbox, windowReader: store.windows, unit: { _ in "W" },
                               commitQueued: { await store.writer.commitQueued() },
                               clock: FastForwardClock(time: time, end: end).gatewayClock, logger: Logger(label: "test"))
        }
        let closes = Self.start + Self.minute + Self.grace

        // Up to a millisecond before the close: nothing queued. `run` ends when its clock would pass `end`.
        try await service(closes - 1).run()
        #expect(time.now < closes)
        #expect(try await store.outbox.pending(sink: "hub", limit: 10).isEmpty)

        try await service(closes + 5_000).run()
        let entries = try await store.outbox.pending(sink: "hub", limit: 10)
        #expect(entries.count == 1)
        let message = try #require(try entries.first?.message.get())
        #expect(message.kind == .aggregate)
        #expect(message.createdMilliseconds == closes)
        guard case .aggregate(let pack) = try UpstreamMessage(kind: message.kind, storageText: String(decoding: message.storageText, as: UTF8.self)) else {
            Issue.record("not an aggregate: \(message)")
            return
        }
        #expect(pack.window == WindowRange(start: Self.start, end: Self.start + Self.minute))
        #expect(pack.points.first?.statistics.count == 3)
        #expect(try await store.outbox.watermark("aggregate:1m") == Self.start + Self.minute)
    }
}
