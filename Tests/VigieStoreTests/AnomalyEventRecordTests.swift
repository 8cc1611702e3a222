import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

/// The record of published anomaly event steps (`anomaly_events`), written with their outbox
/// messages: what a restart reads back for the events page and to resume open incidents.
@Suite struct AnomalyEventRecordTests {
    static func step(_ sensor: String, _ phase: AnomalyEventMessage.Phase, start: Int64, time: Int64) -> AnomalyEventMessage {
        AnomalyEventMessage(sensor: SensorID(sensor)!, phase: phase, start: start, time: time, end: phase == .close ? time : nil,
                            score: 0.9, peakScore: 0.9, reasons: ["stuck"], value: 21.5, unit: "Cel", context: ["salle/co2"])
    }

    static func outboxMessage(for event: AnomalyEventMessage) -> OutboxMessage {
        OutboxMessage(sink: "hub", kind: .anomaly, device: event.sensor.device,
                      storageText: Array(UpstreamMessage.anomaly(event).storageText.utf8), createdMilliseconds: event.time)
    }

    @Test func stepsAreRecordedWithTheirOutboxMessagesAndTheOpenIncidentsOutliveAReopen() async throws {
        let directory = TemporaryDirectory()
        let configuration = StoreConfiguration(dataDirectory: directory.path)
        let salleOpen = Self.step("salle/temperature", .open, start: testNow, time: testNow)
        let salleUpdate = Self.step("salle/temperature", .update, start: testNow, time: testNow + 5_000)
        let pompeOpen = Self.step("pompe/debit", .open, start: testNow + 1_000, time: testNow + 1_000)
        let pompeClose = Self.step("pompe/debit", .close, start: testNow + 1_000, time: testNow + 9_000)
        try await withRunningStore(configuration) { store in
            try await store.outbox.appendEvents([salleOpen, pompeOpen], messages: [salleOpen, pompeOpen].map(Self.outboxMessage))
            // No sink configured: the steps are still recorded.
            try await store.outbox.appendEvents([salleUpdate, pompeClose], messages: [])
            let pending = try await store.outbox.pending(sink: "hub", limit: 10)
            #expect(pending.count == 2)
        }
        try await withRunningStore(configuration) { store in
            let recent = try await store.outbox.recentEvents(limit: 3)
            #expect(recent == [pompeClose, salleUpdate, pompeOpen])
            // The pump's incident closed; the room's is open, as its latest step says.
            let open = try await store.outbox.openEvents()
            #expect(open == [salleUpdate])
        }
        // `vigie export --events`: by sensor glob and by the step's time, oldest first.
        let query = try ReadingQuery(dataDirectory: directory.path)
        #expect(try query.events() == [salleOpen, pompeOpen, salleUpdate, pompeClose])
        #expect(try query.events(matching: "salle/*") == [salleOpen, salleUpdate])
        #expect(try query.events(from: testNow + 1_000, to: testNow + 5_000) == [pompeOpen, salleUpdate])
        #expect(ExportFormat.csv.line(pompeClose) == "2025-11-25T16:00:09.000Z,pompe/debit,close,2025-11-25T16:00:01.000Z,"
                    + "2025-11-25T16:00:09.000Z,0.9,0.9,stuck,21.5,Cel,,,salle/co2")
        #expect(ExportFormat.jsonl.line(salleOpen) == #"{"time":"2025-11-25T16:00:00.000Z","sensor":"salle/temperature","phase":"open","#
                    + #""start":"2025-11-25T16:00:00.000Z","score":0.9,"peak_score":0.9,"reasons":["stuck"],"value":21.5,"unit":"Cel","#
                    + #""context":["salle/co2"]}"#)
        #expect(ExportFormat.eventsHeader.split(separator: ",").count == ExportFormat.csv.line(pompeClose).split(separator: ",", omittingEmptySubsequences: false).count)
    }

    @Test func oldStepsGoButEachDevicesNewestStays() async throws {
        let directory = TemporaryDirectory()
        try await withRunningStore(StoreConfiguration(dataDirectory: directory.path)) { store in
            let stuckForMonths = Self.step("cave/humidite", .open, start: testNow, time: testNow)
            try await store.outbox.appendEvents([stuckForMonths], messages: [])
            let count = AnomalyEventTable.kept + 50
            let others = (0..<count).map { i in
                Self.step("salle/temperature", i % 2 == 0 ? .open : .close, start: testNow + Int64(i), time: testNow + Int64(i))
            }
            for chunk in stride(from: 0, to: count, by: 500) {
                try await store.outbox.appendEvents(Array(others[chunk..<min(chunk + 500, count)]), messages: [])
            }
            let kept = try await store.outbox.recentEvents(limit: 10 * count)
            #expect(kept.count == AnomalyEventTable.kept + 1, "the newest rows and the cellar's only one")
            #expect(kept.last == stuckForMonths)
            #expect(kept.first == others.last)
            let open = try await store.outbox.openEvents()
            #expect(open == [stuckForMonths])
        }
    }
}
