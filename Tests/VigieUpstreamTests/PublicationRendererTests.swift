import Testing
import VigieCore
import VigieStore
@testable import VigieUpstream

@Test func storedAggregatesRenderAsSenMLWithTheirSequenceNumber() throws {
    let window = WindowRange(start: 1_795_000_000_000, end: 1_795_000_002_000)
    let readings = [230.0, 232.0].enumerated().map { index, value in
        Reading(sensor: SensorID(device: "meter", point: "voltage"), time: window.start + Int64(index) * 500, value: value)
    }
    let pack = try #require(AggregatePack.packs(window: window, readings: readings, statistics: [.mean, .max],
                                                unit: { _ in "V" }).first)
    let stored = Array(UpstreamMessage.aggregate(pack).storageText.utf8)
    let renderer = PublicationRenderer(template: try TopicTemplate(parsing: "hub/{gateway}/{device}"), format: .senml,
                                       statistics: [.mean, .max], gateway: "gw")

    let rendered = renderer.render(entry(seq: 42, stored))

    #expect(rendered.count == 1)
    #expect(rendered.first?.topic == "hub/gw/meter")
    #expect(rendered.first?.seq == 42)
    let payload = String(decoding: rendered.first?.payload ?? [], as: UTF8.self)
    #expect(payload.contains("\"seq\":42"))
    #expect(payload.contains("voltage:mean"))
    #expect(payload.contains("231"))
}

@Test func pointTemplatesGiveOnePublicationPerPointSharingTheSequence() throws {
    let window = WindowRange(start: 0, end: 1_000)
    let readings = ["a", "b"].map { Reading(sensor: SensorID(device: "d", point: $0), time: 0, value: 1) }
    let pack = try #require(AggregatePack.packs(window: window, readings: readings, statistics: [.mean], unit: { _ in nil }).first)
    let renderer = PublicationRenderer(template: try TopicTemplate(parsing: "t/{device}/{point}"), format: .json,
                                       statistics: [.mean], gateway: "gw")

    let rendered = renderer.render(entry(seq: 7, Array(UpstreamMessage.aggregate(pack).storageText.utf8)))

    #expect(rendered.map(\.topic) == ["t/d/a", "t/d/b"])
    #expect(rendered.allSatisfy { $0.seq == 7 })
}

/// A stored aggregate row.
private func entry(seq: Int64, _ stored: [UInt8]) -> OutboxEntry {
    OutboxEntry(seq: seq, message: .success(OutboxMessage(sink: "hub", kind: .aggregate, device: "d", storageText: stored,
                                                          createdMilliseconds: 0)))
}

@Test func damagedStoredMessagesAreUndeliverableWithTheirReason() throws {
    let renderer = PublicationRenderer(template: try TopicTemplate(parsing: "t/{device}"), format: .senml,
                                       statistics: [.mean], gateway: "gw")
    let rendered = renderer.render(entry(seq: 3, Array("garbage".utf8)))
    #expect(rendered.count == 1)
    #expect(rendered.first?.kind == .aggregate)
    #expect(rendered.first?.undeliverable?.contains("outbox message 3 cannot be read back") == true)
    #expect(MQTTSink.unpublishable(try #require(rendered.first)) == rendered.first?.undeliverable)
}

@Test func rowsOfAKindThisVersionDoesNotKnowAreUndeliverableWithTheKind() throws {
    let renderer = PublicationRenderer(template: try TopicTemplate(parsing: "t/{device}"), format: .senml,
                                       statistics: [.mean], gateway: "gw")
    let rendered = renderer.render(OutboxEntry(seq: 9, message: .failure(UnreadableOutboxRow(kind: "forecast"))))
    #expect(rendered.count == 1)
    #expect(rendered.first?.kind == nil)
    #expect(rendered.first?.undeliverable == "outbox message 9: stored kind \"forecast\" is not one this version of vigie knows")
}
