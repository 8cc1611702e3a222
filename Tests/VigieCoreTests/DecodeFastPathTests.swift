import Testing
@testable import VigieCore

/// The decode shortcuts taken for MQTT ingest speed (sensor names built as device and point,
/// one pass over a SenML record, ASCII strings without validation) give exactly what the
/// general code gives.
@Suite struct DecodeFastPathTests {
    static let templates = ["{device}/{field}", "{1}-{2}/co2", "site/{1}", "a/b/{field}", "{device}", "x{device}/",
                            "/{field}", "{device}_{field}", "{1}/{device}/{field}", "p/{3}", "{2}//{field}", "Lit/Éra/{field}"]
    static let values = ["Salle-1", "", "a b/c", "température", "CO2", "x/y/z"]

    /// The former way: the whole name rendered, then split at its first `/` by `SensorID`.
    static func reference(_ template: SensorNameTemplate, captures: [String], device: String, field: String) -> SensorID? {
        var text = ""
        for part in template.parts {
            switch part {
            case .literal(let literal): text += literal
            case .device: text += SensorNameTemplate.sanitize(device)
            case .field: text += SensorNameTemplate.sanitize(field)
            case .level(let level):
                guard level <= captures.count, !captures[level - 1].isEmpty else { return nil }
                text += SensorNameTemplate.sanitize(captures[level - 1])
            }
        }
        return SensorID(text)
    }

    @Test(arguments: templates)
    func sensorNamesAreBuiltAsDeviceAndPointAsTheWholeNameSplitWas(text: String) throws {
        let template = try SensorNameTemplate(text)
        for device in Self.values {
            for field in Self.values {
                for captures in [["b2", "Étage 3"], ["", "x"], ["only"]] {
                    let expected = Self.reference(template, captures: captures, device: device, field: field)
                    let rendered = try? template.render(captures: captures, device: device, field: field)
                    #expect(rendered == expected, "\(text) with \(device), \(field), \(captures)")
                }
            }
        }
    }

    @Test func aNameWithoutDeviceOrPointIsRejectedWithTheName() {
        #expect {
            try SensorNameTemplate("{device}_{field}").render(captures: [], device: "d", field: "f")
        } throws: { error in
            (error as? PayloadRejection)?.code == .badSensorName && "\(error)".contains("\"d_f\"")
        }
        #expect {
            try SensorNameTemplate("{device}/{field}").render(captures: [], device: "d", field: "")
        } throws: { error in
            (error as? PayloadRejection)?.code == .badSensorName && "\(error)".contains("\"d/\"")
        }
    }

    @Test func aSenMLRecordTakesTheFirstOfEachKeyAsTheSubscriptDoes() throws {
        let records = [
            #"{"n":"a","v":1,"n":"b","bn":"x/","bt":2,"bu":"W","bv":3,"bs":4,"u":"A","t":5,"s":6}"#,
            #"{"nn":1,"b":2,"bx":3,"":4,"vs":"t","v":true}"#,
            #"{"v":1,"z_":2,"y_":3}"#, #"{}"#, #"{"é":1,"ñ_":2}"#,
        ]
        for text in records {
            let value = try JSONParser().parse(Array(text.utf8)).get()
            guard case .object(let members) = value else { Issue.record("not an object: \(text)"); continue }
            let record = SenMLRecord(members)
            let found = [record.bn, record.bt, record.bu, record.bv, record.bs, record.n, record.u, record.t, record.v, record.s]
            let keys = ["bn", "bt", "bu", "bv", "bs", "n", "u", "t", "v", "s"]
            #expect(found == keys.map { value[$0] }, "\(text)")
            #expect(record.mustUnderstand == members.first { $0.key.hasSuffix("_") }?.key, "\(text)")
        }
    }

    @Test func stringsParseTheSameWithAndWithoutNonASCII() throws {
        let parser = JSONParser()
        #expect(try parser.parse(Array(#""plain ascii""#.utf8)).get() == .string("plain ascii"))
        #expect(try parser.parse(Array(#""température""#.utf8)).get() == .string("température"))
        #expect(try parser.parse(Array(#""a\"b""#.utf8)).get() == .string("a\"b"))
        #expect(throws: PayloadRejection.self) { try parser.parse([0x22, 0x61, 0xFF, 0x22]).get() }
        #expect(throws: PayloadRejection.self) { try parser.parse([0x22, 0x61, 0x01, 0x22]).get() }
    }

    @Test func shortDecimalsParseAsStrtodDoes() throws {
        var generator = SplitMix64(seed: 11)
        var texts = ["0.5", "-0.0", "0.1", "21.5", "-3.25", "123456789012.345", "0.000000000000001", "999999999999999.9",
                     "1.7976931348623157", "0.30000000000000004", "12345678901234567.5", "1.5e3", "-0"]
        for _ in 0..<2_000 {
            let digits = Int(generator.next() % 15) + 1
            let point = Int(generator.next() % UInt64(digits + 1))
            var text = generator.next() % 2 == 0 ? "-" : ""
            for position in 0..<digits {
                if position == point, position > 0 { text += "." }
                text += String(generator.next() % 10)
            }
            if text.hasPrefix("0") || text.hasPrefix("-0"), text.count > 2, !text.contains(".") { continue }
            texts.append(text)
        }
        for text in texts {
            guard case .success(.number(let parsed)) = JSONParser().parse(Array(text.utf8)) else { continue }
            let reference = try #require(Double(text))
            #expect(parsed.bitPattern == reference.bitPattern || (parsed == 0 && reference == 0 && text == "-0"), "\(text)")
        }
    }

    @Test func decodingIntoReadingsGivesTheDecodedReadingsAndNothingOnRejection() throws {
        let decoder = try SubscriptionDecoder(SubscriptionConfiguration(topic: "z/+", format: .zigbee2mqtt))
        let payload = Array(#"{"Temperature":21.5,"humidity":40,"state":"ON","nested":{"a":1}}"#.utf8)
        let decoded = try decoder.decode(topic: "z/Salon", payload: payload, receivedAt: 7).get()
        var readings = [Reading(sensor: SensorID(device: "x", point: "y"), time: 1, value: 2)]
        #expect(try decoder.decode(topic: "z/Salon", payload: payload, receivedAt: 7, appendingTo: &readings).get().count == 3)
        #expect(Array(readings.dropFirst()) == decoded.readings.map(\.reading))
        let senml = try SubscriptionDecoder(SubscriptionConfiguration(topic: "+/x", format: .senml))
        // The second record clears the base name and the topic names no device: rejected while
        // naming, after the first reading was appended.
        let rejected = senml.decode(topic: "/x", payload: Array(#"[{"bn":"d/","n":"a","v":1},{"bn":"","n":"b","v":2}]"#.utf8),
                                    receivedAt: 7, appendingTo: &readings)
        #expect(throws: PayloadRejection.self) { try rejected.get() }
        #expect(readings.count == 4)
    }
}
