import Testing
@testable import VigieCore

private let now: Int64 = 1_700_000_000_000

private func decode(_ format: PayloadFormat, topic: String, filter: String, sensor: String? = nil, unit: String? = nil,
                    fields: [FieldMapping] = [], timeField: String? = nil,
                    _ payload: [UInt8]) throws -> DecodedMessage {
    let subscription = SubscriptionConfiguration(topic: filter, format: format, sensor: sensor, unit: unit,
                                                 fields: fields, timeField: timeField)
    return try SubscriptionDecoder(subscription).decode(topic: topic, payload: payload, receivedAt: now).get()
}

private func values(_ message: DecodedMessage) -> [String: Double] {
    Dictionary(message.readings.map { ($0.reading.sensor.description, $0.reading.value) }, uniquingKeysWith: { a, _ in a })
}

@Test func valuePayloadsAcceptNumbersBooleansAndOnOff() throws {
    for (text, expected) in [("21.5", 21.5), (" -3\n", -3), ("true", 1), ("OFF", 0), ("on", 1), ("4\0", 4)] {
        let message = try decode(.value, topic: "capteurs/salle1/temperature", filter: "capteurs/+/temperature",
                                 unit: "Cel", Array(text.utf8))
        #expect(message.readings.count == 1)
        #expect(message.readings[0].reading.value == expected)
        #expect(message.readings[0].reading.sensor.description == "salle1/temperature")
        #expect(message.readings[0].unit == "Cel")
        #expect(message.readings[0].reading.time == now)
    }
}

@Test func sensorTemplateUsesWildcardLevels() throws {
    let message = try decode(.value, topic: "site/b2/etage3/co2", filter: "site/+/+/co2", sensor: "{1}-{2}/co2", Array("612".utf8))
    #expect(message.readings[0].reading.sensor.description == "b2-etage3/co2")
    let rest = try decode(.value, topic: "site/b2/etage3/co2", filter: "site/#", sensor: "site/{1}", Array("612".utf8))
    #expect(rest.readings[0].reading.sensor.description == "site/b2_etage3_co2")
    #expect(throws: PayloadRejection.self) {
        try SubscriptionDecoder(SubscriptionConfiguration(topic: "a/+", format: .value, sensor: "{2}/x"))
    }
}

@Test func zigbee2mqttStateGivesEveryNumberAndBoolean() throws {
    let message = try decode(.zigbee2mqtt, topic: "zigbee2mqtt/salon", filter: "zigbee2mqtt/+",
                             PayloadFixtures.bytes("zigbee2mqtt-state-wsdcgq01lm.json"))
    #expect(values(message) == ["salon/temperature": 27.34, "salon/humidity": 44.72])
    let richer = try decode(.zigbee2mqtt, topic: "zigbee2mqtt/Couloir PIR", filter: "zigbee2mqtt/+", Array(
        #"{"battery":100,"occupancy":true,"water_leak":false,"linkquality":72,"update":{"state":"idle"},"color":{"x":0.3,"y":0.4}}"#.utf8))
    #expect(values(richer) == ["couloir_pir/battery": 100, "couloir_pir/occupancy": 1, "couloir_pir/water_leak": 0,
                               "couloir_pir/linkquality": 72, "couloir_pir/color_x": 0.3, "couloir_pir/color_y": 0.4])
    #expect(richer.ignoredFields == 1)
}

@Test func tasmotaTelemetryIsFlattened() throws {
    let message = try decode(.tasmota, topic: "tele/pow1/SENSOR", filter: "tele/+/SENSOR",
                             PayloadFixtures.bytes("tasmota-sensor-energy-pow.json"))
    let got = values(message)
    #expect(got["pow1/energy_power"] == 2635)
    #expect(got["pow1/energy_total"] == 6.294)
    #expect(got["pow1/energy_current"] == 11.661)
    #expect(got.count == 10)
    #expect(message.readings.allSatisfy { $0.reading.time == now })
    let ds = try decode(.tasmota, topic: "tele/cave/SENSOR", filter: "tele/+/SENSOR", PayloadFixtures.bytes("tasmota-sensor-ds18b20.json"))
    #expect(values(ds) == ["cave/ds18b20_temperature": 20.6])
}

@Test func senmlResolvesBaseFieldsAndRelativeTimes() throws {
    let single = try decode(.senml, topic: "senml/x", filter: "senml/+", PayloadFixtures.bytes("senml-rfc8428-5.1.1-single-datapoint.json"))
    #expect(single.readings.count == 1)
    #expect(single.readings[0].reading.sensor.description == "urn:dev:ow:10e2073a01080063/cel")
    #expect(single.readings[0].unit == "Cel")
    #expect(single.readings[0].reading.time == now)

    let multi = try decode(.senml, topic: "senml/x", filter: "senml/+", PayloadFixtures.bytes("senml-rfc8428-5.1.2-multiple-datapoints.json"))
    #expect(values(multi) == ["urn:dev:ow:10e2073a01080063/voltage": 120.1, "urn:dev:ow:10e2073a01080063/current": 1.2])
    #expect(multi.readings.map(\.unit) == ["V", "A"])

    let series = try decode(.senml, topic: "senml/x", filter: "senml/+", PayloadFixtures.bytes("senml-rfc8428-5.1.3-multiple-measurements.json"))
    #expect(series.readings.count == 13)
    #expect(series.readings[0].reading.time == 1_320_067_464_000)
    #expect(series.readings[0].unit == "%RH")
    #expect(series.readings[3].reading.time == 1_320_067_524_000)
    #expect(series.readings[3].reading.value == 20.3)
    #expect(series.readings[1].reading.sensor.point == "lon")

    let types = try decode(.senml, topic: "senml/x", filter: "senml/+", PayloadFixtures.bytes("senml-rfc8428-5.1.5-multiple-data-types.json"))
    #expect(values(types) == ["urn:dev:ow:10e2073a01080063/temp": 23.1])
    #expect(types.ignoredFields == 3)
}

@Test func senmlBaseValueAndRelativeTimeToNow() throws {
    let payload = #"[{"bn":"meter/","bv":1000,"bu":"Wh","n":"energy","v":5,"t":-10},{"n":"energy","s":2,"bs":3}]"#
    let message = try decode(.senml, topic: "s", filter: "s", Array(payload.utf8))
    #expect(message.readings.map(\.reading.value) == [1005, 5])
    #expect(message.readings[0].reading.time == now - 10_000)
    #expect(message.readings[0].reading.sensor.description == "meter/energy")
    let mustUnderstand = #"[{"n":"a","v":1,"foo_":2}]"#
    #expect(throws: PayloadRejection.self) { try decode(.senml, topic: "s", filter: "s", Array(mustUnderstand.utf8)) }
}

@Test func chirpstackUplinkUsesObjectDeviceTimeAndBestGateway() throws {
    let message = try decode(.chirpstack, topic: "application/17c8/device/0101010101010101/event/up",
                             filter: "application/+/device/+/event/up",
                             PayloadFixtures.bytes("chirpstack-v4-uplink-with-object.json"))
    #expect(values(message) == ["test_device/temperature": 13.25, "test_device/humidity": 48.5, "test_device/alarm": 0,
                                "test_device/rssi": -36, "test_device/snr": 10.5])
    #expect(message.readings.allSatisfy { $0.reading.time == 1_658_136_855_775 })
    #expect(message.readings.first { $0.reading.sensor.point == "rssi" }?.unit == "dBm")
    #expect(message.ignoredFields == 1)
}

@Test func chirpstackUplinkWithoutCodecIsRejectedAsMissingObject() {
    let result = try? SubscriptionDecoder(SubscriptionConfiguration(topic: "application/+/device/+/event/up", format: .chirpstack))
        .decode(topic: "application/a/device/b/event/up", payload: PayloadFixtures.bytes("chirpstack-v4-uplink.json"), receivedAt: now)
    guard case .failure(let rejection) = result else { Issue.record("expected a rejection"); return }
    #expect(rejection.code == .missingField)
    #expect(rejection.message.contains("object"))
}

@Test func ttnUplinkUsesDecodedPayload() throws {
    let message = try decode(.ttn, topic: "v3/app1@tenant1/devices/dev1/up", filter: "v3/+/devices/+/up",
                             PayloadFixtures.bytes("tts-v3-uplink-data-formats.json"))
    #expect(values(message) == ["dev1/temperature": 1.0, "dev1/luminosity": 0.64, "dev1/rssi": -35, "dev1/snr": 5])
    #expect(message.readings[0].reading.time == 1_581_520_545_789)
}

@Test func jsonFieldsByPathWithTimeField() throws {
    let payload = #"{"ts":"2024-03-01T12:00:00.250+01:00","data":{"power":1520.5},"values":[3,"4.5"]}"#
    let message = try decode(.json, topic: "usine/compteur7/state", filter: "usine/+/state", unit: "W",
                             fields: [FieldMapping(path: "data.power", name: "power"),
                                      FieldMapping(path: "values[1]", name: "v1", unit: "A")],
                             timeField: "ts", Array(payload.utf8))
    #expect(values(message) == ["compteur7/power": 1520.5, "compteur7/v1": 4.5])
    #expect(message.readings.map(\.unit) == ["W", "A"])
    #expect(message.readings[0].reading.time == 1_709_290_800_250)
    let epoch = try decode(.json, topic: "a/b", filter: "a/+", fields: [FieldMapping(path: "v")], timeField: "t",
                           Array(#"{"t":1700000001,"v":2}"#.utf8))
    #expect(epoch.readings[0].reading.time == 1_700_000_001_000)
}

@Test func badMappingsAreReportedAtSetUp() {
    for subscription in [SubscriptionConfiguration(topic: "a/#/b", format: .value),
                         SubscriptionConfiguration(topic: "a", format: .value, sensor: "{nope}/x"),
                         SubscriptionConfiguration(topic: "a", format: .json, fields: [FieldMapping(path: "a..b")])] {
        #expect(throws: PayloadRejection.self) { try SubscriptionDecoder(subscription) }
    }
}

@Test func topicFiltersFollowMQTTRules() {
    #expect(TopicFilter("a/+/c")?.captures(in: "a/b/c") == ["b"])
    #expect(TopicFilter("a/#")?.captures(in: "a/b/c") == ["b/c"])
    #expect(TopicFilter("a/#")?.matches("a") == true)
    #expect(TopicFilter("+/x")?.matches("$SYS/x") == false)
    #expect(TopicFilter("a/+")?.matches("a/b/c") == false)
    #expect(TopicFilter("a+/b") == nil)
}

@Test func aDatingRequirementAppendsAMessageOnlyWhenItsPayloadDatesEveryReadingOrOnlyWhenItDoesNot() throws {
    let arrival: Int64 = 1_796_000_000_000  // 2026-12
    let json = try SubscriptionDecoder(SubscriptionConfiguration(topic: "a/+", format: .json,
                                                                 fields: [FieldMapping(path: "v")], timeField: "t"))
    func decode(_ decoder: SubscriptionDecoder, _ payload: String, _ requirement: DatingRequirement) -> (AppendedReadings?, [Reading]) {
        var readings = [Reading(sensor: SensorID(device: "earlier", point: "v"), time: 1, value: 0)]
        let result = decoder.decode(topic: "a/b", payload: Array(payload.utf8), receivedAt: arrival, requirement: requirement,
                                    appendingTo: &readings)
        return (try? result.get(), Array(readings.dropFirst()))
    }
    let datedPayload = #"{"t":\#(arrival / 1000 - 60),"v":2}"#
    let dated = decode(json, datedPayload, .dated)
    #expect(dated.0 == AppendedReadings(count: 1))
    #expect(dated.1 == [Reading(sensor: SensorID(device: "b", point: "v"), time: arrival - 60_000, value: 2)])
    #expect(decode(json, datedPayload, .undated) == (AppendedReadings(count: 0, isWithheld: true), []))
    // A clock never set, a time a year ahead, no time field at all: undated.
    let untimed = try SubscriptionDecoder(SubscriptionConfiguration(topic: "a/+", format: .json, fields: [FieldMapping(path: "v")]))
    for (decoder, payload) in [(json, #"{"t":946684800,"v":2}"#), (json, #"{"t":\#(arrival / 1000 + 31_536_000),"v":2}"#),
                               (untimed, #"{"v":2}"#)] {
        #expect(decode(decoder, payload, .dated) == (AppendedReadings(count: 0, isWithheld: true), []), "\(payload)")
        #expect(decode(decoder, payload, .undated).0?.count == 1, "\(payload)")
    }
    // A plain value is never dated; a SenML pack with an absolute base time is, one without is not
    // (its times count from "now", the arrival).
    let value = try SubscriptionDecoder(SubscriptionConfiguration(topic: "a/+", format: .value))
    #expect(decode(value, "21.5", .dated).0?.isWithheld == true)
    let senml = try SubscriptionDecoder(SubscriptionConfiguration(topic: "a/+", format: .senml))
    let pack = #"[{"bn":"p1/","bt":\#(arrival / 1000 - 5),"n":"flow","v":31.5},{"n":"temp","v":20,"t":1}]"#
    #expect(decode(senml, pack, .dated).0 == AppendedReadings(count: 2))
    #expect(decode(senml, #"[{"bn":"p1/","n":"flow","v":31.5,"t":-10}]"#, .dated).0?.isWithheld == true)
    // Any: both, the undated one dated by its arrival.
    #expect(decode(json, datedPayload, .any).0 == AppendedReadings(count: 1))
    #expect(decode(value, "21.5", .any).1 == [Reading(sensor: SensorID(device: "b", point: "b"), time: arrival, value: 21.5)])
}
