import Testing
@testable import VigieCore

@Test func everyStoredMessageReadsBackIdentically() throws {
    let messages: [UpstreamMessage] = [
        .aggregate(UpstreamExamples.pack), .anomaly(UpstreamExamples.anomalyOpen), .anomaly(UpstreamExamples.anomalyClose),
        .anomaly(AnomalyEventMessage(sensor: SensorID(device: "a b", point: "c%d"), phase: .update, start: -1, time: 0,
                                     score: 0.5, peakScore: 1, reasons: [], unit: "")),
        .health(UpstreamExamples.health),
        .health(GatewayHealth(time: 1, uptimeSeconds: 2, backlog: 3, oldestPendingAgeSeconds: nil, readingsIn: 4, errors: 5)),
    ]
    for message in messages {
        #expect(try UpstreamMessage(kind: message.kind, storageText: message.storageText) == message)
    }
}

@Test(arguments: [
    (OutboxKind.anomaly, "vigie-anomaly 1\nsensor a/b\nphase open\nstart 1\ntime 1\nscore 1"),
    (.anomaly, "vigie-anomaly 1\nsensor nodevice\nphase open\nstart 1\ntime 1\nscore 1\npeak 1"),
    (.anomaly, "vigie-anomaly 1\nsensor a/b\nphase ajar\nstart 1\ntime 1\nscore 1\npeak 1"),
    (.anomaly, "vigie-anomaly 1\nsensor a/b\nphase open\nstart x\ntime 1\nscore 1\npeak 1"),
    (.anomaly, "vigie-anomaly 1\nsensor a/b\nphase open\nstart 1\ntime 1\nscore 1\npeak 1\ncontext %G"),
    (.status, "vigie-health 1\ntime 1"), (.status, "vigie-health 1\ntime one"),
    (.aggregate, "vigie-anomaly 1"), (.readings, ""),
])
func damagedStoredMessagesAreErrors(kind: OutboxKind, text: String) {
    #expect(throws: UpstreamError.self) { _ = try UpstreamMessage(kind: kind, storageText: text) }
}

@Test func publicationsFollowTheTopicTemplate() throws {
    let perDevice = try TopicTemplate(parsing: "bars/{gateway}/{device}")
    let aggregate = UpstreamMessage.aggregate(UpstreamExamples.pack)
    let one = aggregate.publications(template: perDevice, format: .senml, statistics: [.mean], gateway: "g", sequence: 5)
    #expect(one.map(\.topic) == ["bars/g/tableau-general"])
    #expect(one[0].payload == SenMLPackEncoder(statistics: [.mean]).encode(UpstreamExamples.pack, gateway: "g", sequence: 5))

    let perPoint = try TopicTemplate(parsing: "t/{kind}/{device}/{point}")
    let split = aggregate.publications(template: perPoint, format: .json, statistics: [.mean], gateway: "g", sequence: 5)
    #expect(split.map(\.topic) == ["t/aggregate/tableau-general/active_power", "t/aggregate/tableau-general/energy"])
    #expect(split.allSatisfy { $0.payload.contains("\"seq\":5") })

    let anomaly = UpstreamMessage.anomaly(UpstreamExamples.anomalyOpen)
        .publications(template: perPoint, format: .senml, statistics: [], gateway: "g", sequence: 6)
    #expect(anomaly.map(\.topic) == ["t/anomaly/chaufferie/depart"])
    #expect(anomaly[0].payload == UpstreamExamples.anomalyOpen.json(gateway: "g", sequence: 6))

    let health = UpstreamMessage.health(UpstreamExamples.health)
        .publications(template: perDevice, format: .senml, statistics: [], gateway: "g", sequence: 7)
    #expect(health.map(\.topic) == ["bars/g/_status"])
    #expect(health[0].payload.hasPrefix("{\"kind\":\"health\",\"gateway\":\"g\",\"seq\":7,"))
}

@Test func httpBatchesAreOneValidDocument() throws {
    let pack = UpstreamExamples.pack
    let packs = [pack.payload(format: .senml, statistics: [.mean], gateway: "g", sequence: 1),
                 pack.payload(format: .senml, statistics: [.mean], gateway: "g", sequence: 2)]
    let senml = UpstreamBatch(payloads: packs, format: .senml)
    #expect(senml.contentType == "application/senml+json")
    let records = try #require(try parseJSON(senml.body) as? [[String: Any]])
    #expect(records.count == 2 * 3 && records[3]["seq"] as? Int == 2 && records[3]["bn"] != nil)

    let mixed = UpstreamBatch(payloads: [packs[0], UpstreamExamples.anomalyOpen.json(gateway: "g", sequence: 3)], format: .senml)
    #expect(mixed.contentType == "application/json")
    #expect((try parseJSON(mixed.body) as? [Any])?.count == 2)
    #expect(UpstreamBatch(payloads: [], format: .json).body == "[]")
}
