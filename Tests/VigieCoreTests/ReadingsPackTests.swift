import Foundation
import Testing
@testable import VigieCore

/// `send: readings`: raw readings grouped per device, stored in the outbox, sent as SenML or JSON.
@Suite struct ReadingsPackTests {
    static let voltage = SensorID(device: "meter", point: "voltage")
    static let energy = SensorID(device: "meter", point: "energy")
    static let flow = SensorID(device: "pump 2", point: "flow rate")

    static var batch: [Reading] {
        [Reading(sensor: voltage, time: 1_700_000_002_000, value: 230.4),
         Reading(sensor: flow, time: 1_700_000_000_000, value: 12.5),
         Reading(sensor: voltage, time: 1_700_000_000_000, value: 230.1),
         Reading(sensor: energy, time: 1_700_000_001_000, value: .nan, quality: .bad(.timeout)),
         Reading(sensor: voltage, time: 1_700_000_003_000, value: 229.8, quality: .uncertain)]
    }

    static func unit(_ sensor: SensorID) -> String? {
        ["voltage": "V", "energy": "kWh"][sensor.point]
    }

    @Test func aBatchBecomesOnePackPerDeviceInTimeOrder() {
        let packs = ReadingsPack.packs(Self.batch, unit: Self.unit)
        #expect(packs.map(\.device) == ["meter", "pump 2"])
        #expect(packs[0].entries.map(\.time) == [1_700_000_000_000, 1_700_000_001_000, 1_700_000_002_000, 1_700_000_003_000])
        #expect(packs[0].entries.map(\.point) == ["voltage", "energy", "voltage", "voltage"])
        #expect(packs[0].entries.map(\.unit) == ["V", "kWh", "V", "V"])
        #expect(packs[1].entries.map(\.value) == [12.5] && packs[1].entries[0].unit == nil)
        #expect(packs[0].splitByPoint().map { $0.entries.map(\.point) } == [["voltage", "voltage", "voltage"], ["energy"]])
    }

    @Test func theStoredFormReadsBackTheSamePackNaNAndQualityIncluded() throws {
        for pack in ReadingsPack.packs(Self.batch, unit: Self.unit) {
            let back = try ReadingsPack(storageText: pack.storageText)
            #expect(back.device == pack.device)
            #expect(back.entries.count == pack.entries.count)
            for (a, b) in zip(back.entries, pack.entries) {
                #expect(a.point == b.point && a.unit == b.unit && a.time == b.time && a.quality == b.quality)
                #expect(a.value == b.value || (a.value.isNaN && b.value.isNaN))
            }
        }
    }

    @Test(arguments: [
        ("vigie-aggregate 1\ndevice meter", 1),
        ("vigie-readings 1\nreading voltage V 1700000000000 230.1 0", 2),
        ("vigie-readings 1\ndevice meter\nreading voltage V later 230.1 0", 3),
        ("vigie-readings 1\ndevice meter\nreading voltage V 1700000000000 warm 0", 3),
        ("vigie-readings 1\ndevice meter\nreading voltage V 1700000000000 230.1", 3),
        ("vigie-readings 1\ndevice %zz", 2),
    ])
    func aDamagedStoredFormIsRefusedWithItsLine(text: String, line: Int) {
        #expect {
            _ = try ReadingsPack(storageText: text)
        } throws: { error in
            let upstream = error as? UpstreamError
            return upstream?.code == .badStoredPayload && upstream?.location?.hasSuffix("line \(line)") == true
        }
    }

    @Test func senmlCarriesEveryReadingAtItsTimeWithTheSequenceNumber() throws {
        let pack = ReadingsPack.packs(Self.batch, unit: Self.unit)[0]
        let text = UpstreamMessage.readings(pack).publications(
            template: try TopicTemplate(parsing: "hub/{gateway}/{device}/{kind}"), format: .senml, statistics: [],
            gateway: "mairie-01", sequence: 43)
        #expect(text.map(\.topic) == ["hub/mairie-01/meter/readings"])
        let records = try #require(try parseJSON(text[0].payload) as? [[String: Any]])
        #expect(records[0]["bn"] as? String == "mairie-01:meter:" && records[0]["bt"] as? Double == 1_700_000_000)
        #expect(records[0]["bver"] as? Int == 26, "kWh is a secondary unit")
        #expect(records[0]["n"] as? String == "readings" && records[0]["v"] as? Double == 4 && records[0]["seq"] as? Int == 43)
        let readings = records.dropFirst()
        #expect(readings.map { $0["n"] as? String } == ["voltage", "energy", "voltage", "voltage"])
        #expect(readings.map { $0["t"] as? Double } == [0, 1, 2, 3])
        #expect(readings.map { $0["v"] as? Double } == [230.1, nil, 230.4, 229.8], "no value for a reading that is not a number")
        #expect(readings.map { $0["q"] as? String } == [nil, "bad:timeout", nil, "uncertain"])
    }

    @Test func plainJSONAndAPointTemplateSplitThePack() throws {
        let pack = ReadingsPack.packs(Self.batch, unit: Self.unit)[0]
        let sent = UpstreamMessage.readings(pack).publications(
            template: try TopicTemplate(parsing: "hub/{device}/{point}"), format: .json, statistics: [],
            gateway: "mairie-01", sequence: 44)
        #expect(sent.map(\.topic) == ["hub/meter/voltage", "hub/meter/energy"])
        let object = try #require(try parseJSON(sent[0].payload) as? [String: Any])
        #expect(object["kind"] as? String == "readings" && object["device"] as? String == "meter" && object["seq"] as? Int == 44)
        let readings = try #require(object["readings"] as? [[String: Any]])
        #expect(readings.map { $0["time"] as? Int } == [1_700_000_000_000, 1_700_000_002_000, 1_700_000_003_000])
        #expect(readings.map { $0["quality"] as? String } == ["good", "good", "uncertain"])
        let energy = try #require(try parseJSON(sent[1].payload) as? [String: Any])
        let bad = try #require((energy["readings"] as? [[String: Any]])?.first)
        #expect(bad["value"] == nil && bad["quality"] as? String == "bad:timeout" && bad["unit"] as? String == "kWh")
    }
}
