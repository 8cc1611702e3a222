import Testing
@testable import VigieCore

private let samples: [(PayloadFormat, String, String, String)] = [
    (.zigbee2mqtt, "zigbee2mqtt/+", "zigbee2mqtt/salon", "zigbee2mqtt-state-wsdcgq01lm.json"),
    (.tasmota, "tele/+/SENSOR", "tele/pow1/SENSOR", "tasmota-sensor-energy-pow.json"),
    (.senml, "senml/+", "senml/a", "senml-rfc8428-5.1.3-multiple-measurements.json"),
    (.senml, "senml/+", "senml/a", "senml-rfc8428-5.1.5-multiple-data-types.json"),
    (.chirpstack, "application/+/device/+/event/up", "application/a/device/b/event/up", "chirpstack-v4-uplink-with-object.json"),
    (.ttn, "v3/+/devices/+/up", "v3/a/devices/b/up", "tts-v3-uplink-data-formats.json"),
]

private func rejection(_ format: PayloadFormat, _ payload: [UInt8], maxPayloadSize: Int = 4096) -> PayloadRejection? {
    let decoder = try? SubscriptionDecoder(SubscriptionConfiguration(topic: "t/+", format: format), maxPayloadSize: maxPayloadSize)
    guard case .failure(let rejection) = decoder?.decode(topic: "t/x", payload: payload, receivedAt: 0) else { return nil }
    return rejection
}

@Test func everyTruncationOfEverySampleIsRejectedOrDecoded() throws {
    for (format, filter, topic, file) in samples {
        let decoder = try SubscriptionDecoder(SubscriptionConfiguration(topic: filter, format: format))
        let bytes = PayloadFixtures.bytes(file)
        #expect(!bytes.isEmpty, "\(file)")
        guard case .success = decoder.decode(topic: topic, payload: bytes, receivedAt: 0) else {
            Issue.record("\(file) should decode"); continue
        }
        for length in 0..<bytes.count {
            if case .success(let message) = decoder.decode(topic: topic, payload: Array(bytes.prefix(length)), receivedAt: 0) {
                // Only whitespace may be cut without breaking the JSON document.
                #expect(bytes[length...].allSatisfy { $0 == 0x0A || $0 == 0x20 }, "\(file) prefix \(length) gave \(message)")
            }
        }
    }
}

@Test func corruptedBytesNeverCrashTheDecoders() throws {
    var generator = SplitMix64(seed: 42)
    for (format, filter, topic, file) in samples {
        let decoder = try SubscriptionDecoder(SubscriptionConfiguration(topic: filter, format: format))
        let bytes = PayloadFixtures.bytes(file)
        for _ in 0..<300 {
            var mutated = bytes
            for _ in 0..<Int(generator.next() % 4 + 1) {
                mutated[Int(generator.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            // Total: either outcome is fine, a trap is not.
            _ = decoder.decode(topic: topic, payload: mutated, receivedAt: 0)
        }
    }
}

@Test func deepNestingIsRejectedAsTooDeep() {
    let deep = Array(String(repeating: "[", count: 100_000).utf8)
    #expect(rejection(.senml, deep, maxPayloadSize: 1 << 20)?.code == .tooDeep)
    let objects = Array((String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40)).utf8)
    #expect(rejection(.zigbee2mqtt, objects)?.code == .tooDeep)
}

@Test func hugeNumbersNaNAndInfinityAreRejected() {
    #expect(rejection(.zigbee2mqtt, Array(#"{"temperature":1e400}"#.utf8))?.code == .nonNumeric)
    #expect(rejection(.zigbee2mqtt, Array(#"{"temperature":NaN}"#.utf8))?.code == .parseError)
    #expect(rejection(.zigbee2mqtt, Array(#"{"temperature":-Infinity}"#.utf8))?.code == .parseError)
    #expect(rejection(.value, Array("nan".utf8))?.code == .nonNumeric)
    #expect(rejection(.value, Array("inf".utf8))?.code == .nonNumeric)
    #expect(rejection(.value, Array("0x1A".utf8))?.code == .nonNumeric)
    #expect(rejection(.value, Array("1e999".utf8))?.code == .nonNumeric)
    // A 300-digit integer is finite: accepted as a double, no overflow trap; 400 digits is past Double.
    #expect(rejection(.value, Array(String(repeating: "9", count: 300).utf8)) == nil)
    #expect(rejection(.value, Array(String(repeating: "9", count: 400).utf8))?.code == .nonNumeric)
    #expect(rejection(.senml, Array(#"[{"n":"a","v":1,"bt":1e300}]"#.utf8))?.code == .parseError)
    #expect(rejection(.json, Array(#"{"t":1e300,"v":1}"#.utf8)).map(\.code) == nil)
}

@Test func invalidUTF8AndControlCharactersAreParseErrors() {
    #expect(rejection(.zigbee2mqtt, [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])?.code == .parseError)
    #expect(rejection(.zigbee2mqtt, Array(#"{"a":"\ud800"}"#.utf8))?.code == .parseError)
    #expect(rejection(.zigbee2mqtt, Array("{\"a\":\"x\u{01}\"}".utf8))?.code == .parseError)
    #expect(rejection(.value, [0xC3, 0x28])?.code == .nonNumeric)
}

@Test func wrongTypesAndMissingFieldsAreNamed() {
    #expect(rejection(.senml, Array(#"[{"n":"a","v":"12"}]"#.utf8))?.code == .nonNumeric)
    #expect(rejection(.senml, Array(#"{"n":"a","v":1}"#.utf8))?.code == .parseError)
    #expect(rejection(.senml, Array(#"[{"v":1}]"#.utf8))?.code == .missingField)
    #expect(rejection(.zigbee2mqtt, Array("[1,2]".utf8))?.code == .parseError)
    #expect(rejection(.ttn, Array(#"{"end_device_ids":{"device_id":"d"}}"#.utf8))?.code == .missingField)
    #expect(rejection(.chirpstack, Array(#"{"deviceInfo":{"deviceName":3},"object":{}}"#.utf8))?.code == .missingField)
    #expect(rejection(.chirpstack, Array(#"{"deviceInfo":{"devEui":"01"},"object":[1]}"#.utf8))?.code == .parseError)
    let json = try? SubscriptionDecoder(SubscriptionConfiguration(topic: "t/+", format: .json,
                                                                  fields: [FieldMapping(path: "data.power")]))
    guard case .failure(let missing) = json?.decode(topic: "t/x", payload: Array(#"{"data":{}}"#.utf8), receivedAt: 0),
          case .failure(let text) = json?.decode(topic: "t/x", payload: Array(#"{"data":{"power":"high"}}"#.utf8), receivedAt: 0)
    else { Issue.record("expected rejections"); return }
    #expect(missing.code == .missingField)
    #expect(missing.message.contains("data.power"))
    #expect(text.code == .nonNumeric)
}

@Test func oversizedPayloadsAreRejectedBeforeParsing() {
    let big = Array(repeating: UInt8(ascii: " "), count: 5000) + Array("1".utf8)
    #expect(rejection(.value, big)?.code == .oversized)
    let manyFields = "{" + (0..<5000).map { "\"f\($0)\":\($0)" }.joined(separator: ",") + "}"
    #expect(rejection(.zigbee2mqtt, Array(manyFields.utf8), maxPayloadSize: 1 << 20)?.code == .oversized)
}
