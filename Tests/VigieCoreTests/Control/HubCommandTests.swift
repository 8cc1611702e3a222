import Testing
@testable import VigieCore

private func parse(_ text: String) -> Result<HubCommand, HubCommand.Malformed> { HubCommand.parse(Array(text.utf8)) }

@Test func theContractsExamplesParse() throws {
    let write = try parse(#"{"id":"c-42","device":"chaufferie","point":"consigne","value":21.5,"time":1796280000000,"expires":1796280300000}"#).get()
    #expect(write == HubCommand(id: "c-42", action: .write(device: "chaufferie", point: "consigne", value: .number(21.5)),
                                time: 1_796_280_000_000, expires: 1_796_280_300_000))
    let replay = try parse(#"{"id":"r-7","replay":{"device":"tableau-general","from":1796200000000,"to":1796203600000,"what":"readings"}}"#).get()
    #expect(replay.action == .replay(ReplayRequest(device: "tableau-general", from: 1_796_200_000_000, to: 1_796_203_600_000, what: .readings)))
    let coil = try parse(#"{"id":"c","device":"d","point":"p","value":true,"expires":5}"#).get()
    #expect(coil.action == .write(device: "d", point: "p", value: .bool(true)))
}

@Test func malformedMessagesAreRefusedWithTheirIdWhenReadable() {
    let cases: [(String, String?, String)] = [
        ("not json", nil, "not JSON"),
        ("[1]", nil, "a JSON object"),
        (#"{"device":"d"}"#, nil, "\"id\""),
        (#"{"id":"\#(String(repeating: "x", count: 65))"}"#, nil, "longer than 64"),
        (#"{"id":"a","point":"p","value":1,"time":1}"#, "a", "\"device\""),
        (#"{"id":"a","device":"d","point":"p","time":1}"#, "a", "\"value\" is required"),
        (#"{"id":"a","device":"d","point":"p","value":[1],"time":1}"#, "a", "\"value\" must be"),
        (#"{"id":"a","device":"d","point":"p","value":1}"#, "a", "needs \"time\" or \"expires\""),
        (#"{"id":"a","device":"d","point":"p","value":1,"time":-5}"#, "a", "\"time\" must be"),
        (#"{"id":"a","replay":{"device":"d","from":5,"to":1}}"#, "a", "before"),
        (#"{"id":"a","replay":{"device":"d","from":1,"to":5,"what":"events"}}"#, "a", "readings or aggregates"),
        (#"{"id":"a","replay":{"device":"d","from":1,"to":5},"value":3}"#, "a", "not both"),
    ]
    for (text, id, detail) in cases {
        guard case .failure(let malformed) = parse(text) else {
            Issue.record("accepted: \(text)")
            continue
        }
        #expect(malformed.id == id, "\(text)")
        #expect(malformed.refusal.reason == .badRequest)
        #expect(malformed.refusal.detail.contains(detail), "\(text): \(malformed.refusal.detail)")
    }
}

@Test func staleCommandsAreThoseExpiredOrOlderThanMaxAge() {
    let now: Int64 = 1_000_000
    let write = HubCommand.Action.write(device: "d", point: "p", value: .number(1))
    #expect(HubCommand(id: "a", action: write, time: now - 299_000).staleness(now: now, maxAge: .seconds(300)) == nil)
    #expect(HubCommand(id: "a", action: write, time: now - 301_000).staleness(now: now, maxAge: .seconds(300))?.reason == .stale)
    #expect(HubCommand(id: "a", action: write, expires: now - 1).staleness(now: now, maxAge: .seconds(300))?.reason == .stale)
    #expect(HubCommand(id: "a", action: write, time: now, expires: now + 1).staleness(now: now, maxAge: .seconds(300)) == nil)
}

@Test func repliesAreTheContractsJSON() {
    let done = CommandReply(id: "c-42", status: .done, device: "chaufferie", point: "consigne", value: .number(21.5),
                            readBack: 21.5, time: 1_796_280_000_950)
    #expect(done.json(gateway: "mairie-annexe-01") == #"{"kind":"command","gateway":"mairie-annexe-01","id":"c-42","status":"done","device":"chaufferie","point":"consigne","value":21.5,"read_back":21.5,"time":1796280000950}"#)
    let refused = CommandReply.refused(CommandRefusal(.outOfRange, "30 is above the maximum 23"), id: nil, time: 5)
    #expect(refused.json(gateway: "g") == #"{"kind":"command","gateway":"g","id":null,"status":"refused","reason":"out_of_range","detail":"30 is above the maximum 23","time":5}"#)
}

@Test func replayedPayloadsCarryTheReplayID() {
    let encoder = ReplayPackEncoder(gateway: "g", replayID: "r-1")
    let sensor = SensorID(device: "d", point: "p")
    let pack = encoder.encode(device: "d", readings: [Reading(sensor: sensor, time: 1_000, value: 2), Reading(sensor: sensor, time: 2_500, value: 3)],
                              unit: { _ in "W" })
    #expect(pack == #"[{"bn":"g:d:","bt":1,"n":"replay","vs":"r-1"},{"n":"p","u":"W","t":0,"v":2},{"n":"p","u":"W","t":1.5,"v":3}]"#)
    #expect(encoder.marking(#"[{"bn":"g:d:"}]"#) == #"[{"replay":"r-1","bn":"g:d:"}]"#)
    #expect(encoder.marking(#"{}"#) == #"{"replay":"r-1"}"#)
}
