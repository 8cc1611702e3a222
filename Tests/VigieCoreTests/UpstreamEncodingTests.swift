import Foundation
import Testing
@testable import VigieCore

// Foundation's JSONSerialization is used here, in tests only, as an independent JSON parser.
func parseJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

func samplePack() -> AggregatePack {
    let window = WindowRange(start: 1_700_000_000_000, end: 1_700_000_900_000)
    let sensors = ["voltage": ("V", 230.0), "current": ("A", 4.25), "co2": ("ppm", 612.0)]
    var readings: [Reading] = []
    for (point, (_, base)) in sensors {
        for step in 0..<10 {
            readings.append(Reading(sensor: SensorID(device: "meter", point: point),
                                    time: window.start + Int64(step) * 90_000, value: base + Double(step % 4) * 0.1))
        }
    }
    readings.append(Reading(sensor: SensorID(device: "meter", point: "co2"), time: window.start + 5, value: 0, quality: .bad(.timeout)))
    let statistics = WindowAggregator.compute(window: window, readings: readings)
    return AggregatePack.packs(window: window, statistics: statistics) { sensors[$0.point]?.0 }[0]
}

@Test func senmlPackParsesAndRoundTripsTheValues() throws {
    let pack = samplePack()
    let text = SenMLPackEncoder(statistics: Statistic.allCases).encode(pack, gateway: "mairie-01", sequence: 42)
    let records = try #require(try parseJSON(text) as? [[String: Any]])
    let header = records[0]
    #expect(header["bn"] as? String == "mairie-01:meter:")
    #expect(header["bt"] as? Double == 1_700_000_000)
    #expect(header["bver"] as? Int == 26, "ppm is a secondary unit")
    #expect(header["n"] as? String == "window" && header["v"] as? Double == 900 && header["u"] as? String == "s")
    #expect(header["seq"] as? Int == 42)
    var values: [String: Double] = [:]
    var units: [String: String] = [:]
    for record in records.dropFirst() {
        let name = try #require(record["n"] as? String)
        values[name] = try #require(record["v"] as? Double)
        units[name] = record["u"] as? String
        #expect(record["bn"] == nil && record["t"] == nil)
    }
    for point in pack.points {
        for statistic in Statistic.allCases {
            // Within an ulp or two: corelibs' JSONSerialization itself rounds some doubles (the
            // exact round trip of the number text is checked in numbersUseTheShortestRoundTripForm).
            let sent = try #require(values["\(point.name):\(statistic.rawValue)"])
            let expected = try #require(point.statistics.value(of: statistic))
            #expect((sent - expected).magnitude <= 1e-15 * Swift.max(1, expected.magnitude))
        }
        #expect(values["\(point.name):bad"] == Double(point.statistics.bad))
        #expect(units["\(point.name):mean"] == point.unit)
        #expect(units["\(point.name):count"] == nil)
    }
    #expect(values["co2:bad"] == 1)
    #expect(records.count == 1 + 3 * (Statistic.allCases.count + 1))
}

@Test func senmlOmitsBverWithPrimaryUnitsOnly() throws {
    var pack = samplePack()
    pack.points.removeAll { $0.unit == "ppm" }
    let records = try #require(try parseJSON(SenMLPackEncoder().encode(pack, gateway: "g", sequence: 1)) as? [[String: Any]])
    #expect(records[0]["bver"] == nil)
    #expect(records.count == 1 + 2 * 6)
}

@Test func nonFiniteValuesAreNeverEmitted() throws {
    let huge = AggregateStatistics(count: 2, bad: 0, min: -.greatestFiniteMagnitude, max: .greatestFiniteMagnitude,
                                   mean: 0, sumOfSquaredDeviations: .infinity, last: 1, lastTime: 0, p50: .nan, p95: nil)
    let pack = AggregatePack(device: "d", window: WindowRange(start: 0, end: 1_000),
                             points: [.init(name: "x", unit: "W", statistics: huge)])
    let senml = SenMLPackEncoder(statistics: Statistic.allCases).encode(pack, gateway: "g", sequence: 1)
    let json = PlainJSONPackEncoder(statistics: Statistic.allCases).encode(pack, gateway: "g", sequence: 1)
    for text in [senml, json] {
        #expect(!text.lowercased().contains("nan") && !text.lowercased().contains("inf"))
        _ = try parseJSON(text)
    }
    #expect(!senml.contains("x:stddev") && !senml.contains("x:p50"))
    var writer = JSONWriter()
    writer.beginArray()
    writer.number(.nan)
    writer.number(-.infinity)
    writer.endArray()
    #expect(writer.output == "[null,null]")
}

@Test func numbersUseTheShortestRoundTripForm() throws {
    var random = SplitMix64(seed: 99)
    for _ in 0..<2_000 {
        let value = Double(bitPattern: random.next())
        guard let text = JSONWriter.format(value) else {
            #expect(!value.isFinite)
            continue
        }
        // corelibs' JSONSerialization rounds some doubles: the exact check uses the stdlib's parser,
        // after checking the text is a JSON number.
        #expect(isJSONNumber(text), "\(text)")
        #expect(Double(text) == value, "\(text)")
    }
    #expect(JSONWriter.format(230) == "230")
    #expect(JSONWriter.format(0.1) == "0.1")
    #expect(JSONWriter.format(-0.0) == "0")
    #expect(JSONWriter.format(1e-7) == "1e-07")
}

@Test func stringsAreEscaped() throws {
    let nasty = "quote\" back\\slash \n\t\r\u{08}\u{0C}\u{01}\u{1F}\u{7F} é 漢 🎉"
    var writer = JSONWriter()
    writer.beginObject()
    writer.field(nasty, nasty)
    writer.endObject()
    let object = try #require(try parseJSON(writer.output) as? [String: String])
    #expect(object == [nasty: nasty])
    #expect(!writer.output.contains("\n"))
}

@Test func senmlNamesKeepOnlyAllowedCharacters() throws {
    let pack = AggregatePack(device: "salle des fêtes", window: WindowRange(start: 0, end: 60_000),
                             points: [.init(name: "température", unit: "Cel", statistics: .empty)])
    let records = try #require(try parseJSON(SenMLPackEncoder().encode(pack, gateway: "g\"1", sequence: 1)) as? [[String: Any]])
    #expect(records[0]["bn"] as? String == "g_1:salle_des_f_tes:")
    #expect(records[1]["n"] as? String == "temp_rature:count")
}

@Test func plainJSONCarriesEveryStatistic() throws {
    let pack = samplePack()
    let text = PlainJSONPackEncoder().encode(pack, gateway: "mairie-01", sequence: 7)
    let object = try #require(try parseJSON(text) as? [String: Any])
    #expect(object["seq"] as? Int == 7 && object["device"] as? String == "meter")
    #expect(object["start"] as? Int64 == pack.window.start && object["end"] as? Int64 == pack.window.end)
    let points = try #require(object["points"] as? [String: [String: Any]])
    let voltage = try #require(points["voltage"])
    let expected = try #require(pack.points.first { $0.name == "voltage" }).statistics
    #expect(voltage["mean"] as? Double == expected.mean)
    #expect(voltage["count"] as? Int == expected.count && voltage["bad"] as? Int == 0)
    #expect(voltage["unit"] as? String == "V")
    #expect(object["v"] == nil, "no top-level v: a SenML reader must not mistake it for a record")
}

@Test func anomalyAndStatusMessagesAreValidJSON() throws {
    let event = AnomalyEventMessage(sensor: SensorID(device: "meter", point: "voltage"), phase: .open,
                                    start: 1_000, time: 1_000, score: 0.93, peakScore: 0.93, reasons: ["spike"],
                                    value: 262.4, unit: "V", expectedLow: 228, expectedHigh: .nan)
    let anomaly = try #require(try parseJSON(event.json(gateway: "g", sequence: 3)) as? [String: Any])
    #expect(anomaly["phase"] as? String == "open" && anomaly["sensor"] as? String == "meter/voltage")
    #expect((anomaly["expected"] as? [String: Double]) == ["low": 228])
    #expect(anomaly["reasons"] as? [String] == ["spike"])
    let online = try #require(try parseJSON(GatewayStatusMessage.online(version: "0.1.0", time: 5, uptimeSeconds: 2, backlog: 9)
        .json(gateway: "g")) as? [String: Any])
    #expect(online["state"] as? String == "online" && online["backlog"] as? Int == 9 && online["seq"] == nil)
    let offline = try #require(try parseJSON(GatewayStatusMessage.offline.json(gateway: "g")) as? [String: String])
    #expect(offline == ["kind": "status", "gateway": "g", "state": "offline"])
    let health = GatewayHealth(time: 5, uptimeSeconds: 60, backlog: 120, oldestPendingAgeSeconds: 30,
                               readingsIn: 1_000, errors: 2, evictedReadings: 0, droppedMessages: 1, compactedMessages: 12)
    let healthObject = try #require(try parseJSON(GatewayStatusMessage.health(health).json(gateway: "g", sequence: 8)) as? [String: Any])
    #expect(healthObject["kind"] as? String == "health" && healthObject["oldest_pending_age_s"] as? Int == 30)
    #expect((healthObject["evictions"] as? [String: Int]) == ["readings": 0, "messages": 1, "compacted": 12])
}

/// RFC 8259 number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
func isJSONNumber(_ text: String) -> Bool {
    var chars = Array(text.utf8)[...]
    func digits() -> Int {
        var n = 0
        while let c = chars.first, (48...57).contains(c) { chars.removeFirst(); n += 1 }
        return n
    }
    if chars.first == UInt8(ascii: "-") { chars.removeFirst() }
    if chars.first == UInt8(ascii: "0") { chars.removeFirst() } else if digits() == 0 { return false }
    if chars.first == UInt8(ascii: ".") { chars.removeFirst(); if digits() == 0 { return false } }
    if chars.first == UInt8(ascii: "e") || chars.first == UInt8(ascii: "E") {
        chars.removeFirst()
        if chars.first == UInt8(ascii: "+") || chars.first == UInt8(ascii: "-") { chars.removeFirst() }
        if digits() == 0 { return false }
    }
    return chars.isEmpty
}

@Test func payloadPicksTheConfiguredFormat() {
    let pack = samplePack()
    #expect(pack.payload(format: .senml, statistics: [.mean], gateway: "g", sequence: 1)
        == SenMLPackEncoder(statistics: [.mean]).encode(pack, gateway: "g", sequence: 1))
    #expect(pack.payload(format: .json, statistics: [.mean], gateway: "g", sequence: 1)
        == PlainJSONPackEncoder(statistics: [.mean]).encode(pack, gateway: "g", sequence: 1))
}
