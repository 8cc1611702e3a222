import Synchronization
import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

/// `send: readings`: the writer appends each committed batch's readings to the outbox, in the batch's transaction.
@Suite struct ReadingsForwardingTests {
    /// The readings the outbox holds for `sink`, in outbox order.
    private func forwarded(_ store: ReadingStore, sink: String) async throws -> [Reading] {
        try await store.outbox.pending(sink: SinkName(sink), limit: 10_000).flatMap { entry -> [Reading] in
            let message = try entry.message.get()
            #expect(message.kind == .readings)
            guard case .readings(let pack) = try UpstreamMessage(kind: message.kind, storageText: String(decoding: message.storageText, as: UTF8.self)) else {
                Issue.record("not a readings message: \(message.kind)")
                return []
            }
            #expect(message.device == pack.device)
            return pack.entries.map { Reading(sensor: SensorID(device: pack.device, point: $0.point), time: $0.time,
                                              value: $0.value, quality: $0.quality) }
        }
    }

    /// A reading as text, so that a NaN value compares equal to itself.
    private func key(_ reading: Reading) -> String {
        "\(reading.sensor) \(reading.time) \(reading.value) \(reading.quality)"
    }

    @Test func everyCommittedReadingIsForwardedOnceToEachSinkThatSendsReadings() async throws {
        let directory = TemporaryDirectory()
        let wakes = Atomic<Int>(0)
        let voltage = series("meter/voltage", count: 120)
        let flow = series("pump/flow", count: 120, value: { Double($0) / 4 })
        // A late reading (before everything committed), one of bad quality, one uncertain.
        let extra = [Reading(sensor: SensorID("pump/flow")!, time: 1_763_999_000_000, value: 1.5),
                     Reading(sensor: SensorID("pump/flow")!, time: 1_764_000_500_000, value: .nan, quality: .bad(.timeout)),
                     Reading(sensor: SensorID("meter/voltage")!, time: 1_764_000_500_000, value: 229.9, quality: .uncertain)]
        try await withRunningStore(StoreConfiguration(dataDirectory: directory.path, batchSize: 50)) { store in
            store.writer.forwardReadings(ReadingsForwarding(
                sinks: { [SinkName("hub"), SinkName("archive")] }, unit: { $0.device == "meter" ? "V" : nil },
                outboxChanged: { wakes.add(1, ordering: .relaxed) }))
            for index in stride(from: 0, to: 120, by: 40) {
                await store.writer.submit(Array(voltage[index..<(index + 40)]) + Array(flow[index..<(index + 40)]))
            }
            await store.writer.submit(extra)
            #expect(await eventually { store.writer.statistics.readingsCommitted == 243 })
            for sink in ["hub", "archive"] {
                let sent = try await forwarded(store, sink: sink)
                #expect(sent.count == 243, "\(sink): each reading once")
                #expect(Set(sent.map(key)) == Set((voltage + flow + extra).map(key)))
                let times = sent.filter { $0.sensor.description == "meter/voltage" }.map(\.time)
                #expect(times == times.sorted(), "a device's readings in time order within a batch, batches in commit order")
            }
            let other = try await store.outbox.pending(sink: SinkName("other"), limit: 10)
            #expect(other.isEmpty)
            let units = try await store.outbox.pending(sink: SinkName("hub"), limit: 10_000).compactMap { entry -> String? in
                guard case .readings(let pack) = try UpstreamMessage(kind: .readings, storageText: String(decoding: try entry.message.get().storageText, as: UTF8.self)) else { return nil }
                return pack.device + ":" + pack.entries.map { $0.unit ?? "-" }.joined()
            }
            #expect(units.allSatisfy { $0.hasPrefix("meter:V") || $0.hasPrefix("pump:-") }, "\(units)")
        }
        #expect(wakes.load(ordering: .relaxed) > 0)
    }

    @Test func withNoSinkSendingReadingsTheOutboxStaysEmpty() async throws {
        let directory = TemporaryDirectory()
        try await withRunningStore(StoreConfiguration(dataDirectory: directory.path, batchSize: 50)) { store in
            store.writer.forwardReadings(ReadingsForwarding(sinks: { [] }, unit: { _ in nil }, outboxChanged: {}))
            await store.writer.submit(series("meter/voltage", count: 100))
            #expect(await eventually { store.writer.statistics.readingsCommitted == 100 })
            let backlog = try await store.outbox.backlog()
            #expect(backlog.isEmpty)
        }
    }
}
