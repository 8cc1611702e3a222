import Testing
import VigieCore
@testable import VigieDaemon
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

    let rendered = renderer.render(seq: 42, kind: "aggregate", stored: stored, createdMillis: 0)

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

    let rendered = renderer.render(seq: 7, kind: "aggregate", stored: Array(UpstreamMessage.aggregate(pack).storageText.utf8),
                                   createdMillis: 0)

    #expect(rendered.map(\.topic) == ["t/d/a", "t/d/b"])
    #expect(rendered.allSatisfy { $0.seq == 7 })
}

@Test func unreadableStoredMessagesGetNoTopicSoTheSinkParksThem() throws {
    let renderer = PublicationRenderer(template: try TopicTemplate(parsing: "t/{device}"), format: .senml,
                                       statistics: [.mean], gateway: "gw")
    let rendered = renderer.render(seq: 3, kind: "aggregate", stored: Array("garbage".utf8), createdMillis: 0)
    #expect(rendered.map(\.topic) == [""])
}
