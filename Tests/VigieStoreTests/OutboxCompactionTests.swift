import MetricsTestKit
import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

/// A long outage against a small budget: the outbox's old aggregates are merged into coarser
/// windows before anything is dropped, and what is dropped is counted.
@Suite struct OutboxCompactionTests {
    static let start: Int64 = 1_763_942_400_000  // 2025-11-24T00:00:00Z, a day boundary
    static let quarter: Int64 = 900_000
    static let devices = ["boiler", "meter", "pump"]
    static let statistics: [Statistic] = [.count, .min, .max, .mean, .last, .stddev]

    /// Readings of `device` within `window`: four points, 6 readings each, one bad now and then.
    static func readings(_ device: String, _ window: WindowRange) -> [Reading] {
        var readings: [Reading] = []
        for point in ["flow", "power", "temp", "voltage"] {
            let sensor = SensorID(device: device, point: point)
            for index in 0..<6 {
                let time = window.start + Int64(index) * 150_000 + Int64(point.count) * 1_000
                let value = Double((time / 1_000) % 97) * 1.5 + Double(point.count) + (device == "pump" ? 0.25 : 0)
                let quality: Quality = (time / 150_000) % 11 == 0 ? .bad(.deviceException) : .good
                readings.append(Reading(sensor: sensor, time: time, value: value, quality: quality))
            }
        }
        return readings
    }

    /// The stored aggregate message of every device for the 15m window number `index`.
    static func messages(window index: Int, sink: SinkName = "hub") -> [OutboxMessage] {
        let window = WindowRange(start: start + Int64(index) * quarter, end: start + Int64(index + 1) * quarter)
        return devices.map { device in
            let pack = AggregatePack.packs(window: window, readings: readings(device, window), statistics: statistics,
                                           unit: { _ in "W" })[0]
            return OutboxMessage(sink: sink, kind: .aggregate, device: device,
                                 storageText: Array(pack.storageText.utf8), createdMilliseconds: window.end)
        }
    }

    /// Appends, retrying while the budget is full (the writer's maintenance makes room).
    static func appendWaitingForRoom(_ messages: [OutboxMessage], to outbox: Outbox) async throws {
        for _ in 0..<500 {
            do {
                try await outbox.append(messages)
                return
            } catch let error as StoreError where error.code == .full {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        Issue.record("the outbox stayed full")
    }

    static func fileBytes(_ configuration: StoreConfiguration) -> Int64 {
        FileSystem.size(configuration.databasePath) + FileSystem.size(configuration.databasePath + "-wal")
    }

    @Test func aBacklogBeyondTheBudgetIsCompactedWithExactStatisticsAndNothingDropped() async throws {
        let directory = TemporaryDirectory()
        let budget = ByteSize(bytes: 256 << 10)
        let configuration = StoreConfiguration(dataDirectory: directory.path, maxSize: budget)
        let metrics = TestMetrics()
        let windows = 4 * 24 * 3  // three days of 15m windows, ~700 KB of aggregates
        var largest: Int64 = 0
        let (writer, handed) = try await withRunningStore(configuration, maintenanceInterval: .zero, metrics: metrics) { store in
            try await Self.appendWaitingForRoom(Self.messages(window: 0), to: store.outbox)
            // The sink took the first window before the link went down: those stay as they are.
            let handed = try await store.outbox.pending(sink: "hub", limit: Self.devices.count)
            for index in 1..<windows {
                try await Self.appendWaitingForRoom(Self.messages(window: index), to: store.outbox)
                largest = max(largest, FileSystem.size(configuration.databasePath))
            }
            return (store.writer, handed)
        }
        // Read once the writer has stopped: its last maintenance may still have compacted.
        let statistics = writer.statistics
        let remaining = try await ReadingStore.open(configuration, logger: testLogger).outbox.pending(sink: "hub", limit: 100_000)
        // The database file never passes its page limit; with the WAL checkpointed, db + WAL fit the budget.
        #expect(largest <= configuration.maxDatabaseBytes)
        #expect(Self.fileBytes(configuration) <= budget.bytes)
        #expect(statistics.messagesCompacted > 0)
        #expect(statistics.messagesDropped == 0)
        #expect(remaining.count + statistics.messagesCompacted == windows * Self.devices.count)
        #expect(try metrics.expectCounter("vigie_store_outbox_compacted_total").totalValue == Int64(statistics.messagesCompacted))
        // What the sink was handed before is untouched: same sequence numbers, same payloads.
        #expect(Array(remaining.prefix(handed.count)) == handed)

        var covered: [String: Int64] = [:]
        var coarsest: Int64 = 0
        for entry in remaining {
            let pack = try AggregatePack(storageText: String(decoding: try entry.message.get().storageText, as: UTF8.self))
            // Per device, in sequence order, the windows follow each other with no gap and no overlap.
            #expect(pack.window.start == covered[pack.device] ?? Self.start, "device \(pack.device) seq \(entry.seq)")
            covered[pack.device] = pack.window.end
            coarsest = max(coarsest, pack.window.milliseconds)
            // The merged statistics are those computed directly from the window's readings.
            var readings: [Reading] = []
            var index = Int((pack.window.start - Self.start) / Self.quarter)
            while Self.start + Int64(index) * Self.quarter < pack.window.end {
                let part = WindowRange(start: Self.start + Int64(index) * Self.quarter, end: Self.start + Int64(index + 1) * Self.quarter)
                readings += Self.readings(pack.device, part)
                index += 1
            }
            let direct = AggregatePack.packs(window: pack.window, readings: readings, statistics: Self.statistics,
                                             unit: { _ in "W" })[0]
            #expect(Self.agree(pack, direct), "seq \(entry.seq) window \(pack.window)")
        }
        #expect(coarsest >= 3_600_000)
        #expect(covered.count == Self.devices.count)
        #expect(covered.values.allSatisfy { $0 == Self.start + Int64(windows) * Self.quarter })
    }

    @Test func messagesAlreadyHandedOutAreDroppedAndCountedNotCompacted() async throws {
        let directory = TemporaryDirectory()
        let budget = ByteSize(bytes: 256 << 10)
        let configuration = StoreConfiguration(dataDirectory: directory.path, maxSize: budget)
        let metrics = TestMetrics()
        let windows = 4 * 24 * 2
        let writer = try await withRunningStore(configuration, maintenanceInterval: .zero, metrics: metrics) { store in
            for index in 0..<windows {
                try await Self.appendWaitingForRoom(Self.messages(window: index), to: store.outbox)
                // A sink that keeps taking messages but never gets an acknowledgement.
                _ = try await store.outbox.pending(sink: "hub", limit: 100_000)
            }
            return store.writer
        }
        let statistics = writer.statistics
        let remaining = try await ReadingStore.open(configuration, logger: testLogger).outbox.pending(sink: "hub", limit: 100_000)
        #expect(Self.fileBytes(configuration) <= budget.bytes)
        #expect(statistics.messagesCompacted == 0)
        #expect(statistics.messagesDropped > 0)
        #expect(remaining.count + statistics.messagesDropped == windows * Self.devices.count)
        #expect(try metrics.expectCounter("vigie_store_outbox_dropped_total", [("reason", "budget")]).totalValue
                    == Int64(statistics.messagesDropped))
        // The newest are kept, each still a 15m window.
        let newest = try #require(remaining.last)
        let pack = try AggregatePack(storageText: String(decoding: try newest.message.get().storageText, as: UTF8.self))
        #expect(pack.window.end == Self.start + Int64(windows) * Self.quarter)
        #expect(pack.window.milliseconds == Self.quarter)
    }

    /// Same points, counts and last values; the floating statistics equal up to rounding.
    static func agree(_ a: AggregatePack, _ b: AggregatePack) -> Bool {
        guard a.device == b.device, a.window == b.window, a.points.map(\.name) == b.points.map(\.name) else { return false }
        func close(_ x: Double?, _ y: Double?) -> Bool {
            switch (x, y) {
            case (nil, nil): true
            case let (x?, y?): abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
            default: false
            }
        }
        return zip(a.points, b.points).allSatisfy { p, q in
            let s = p.statistics, t = q.statistics
            return s.count == t.count && s.bad == t.bad && s.min == t.min && s.max == t.max && s.last == t.last
                && s.lastTime == t.lastTime && close(s.mean, t.mean) && close(s.stddev, t.stddev) && p.unit == q.unit
        }
    }
}
