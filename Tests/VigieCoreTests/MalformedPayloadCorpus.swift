import VigieCore

/// A generated corpus of malformed MQTT payloads, by category, for every format.
enum MalformedPayloadCorpus {
    struct Entry {
        var category: String
        var bytes: [UInt8]
    }

    /// Valid samples of each format, the base the truncations and corruptions start from.
    static let samples: [PayloadFormat: String] = [
        .value: "21.5",
        .json: #"{"temperature":21.5,"data":{"power":3.25},"values":[1,2],"ts":1700000000}"#,
        .senml: #"[{"bn":"urn:dev:ow:10e2073a01080063:","n":"voltage","u":"V","v":120.1},{"n":"current","t":-5,"v":1.2}]"#,
        .zigbee2mqtt: #"{"temperature":21.5,"humidity":48,"battery":97,"linkquality":120,"state":"ON"}"#,
        .chirpstack: #"{"deviceInfo":{"deviceName":"meter-1","devEui":"0101010101010101"},"object":{"temperature":21.5,"nested":{"a":1}}}"#,
        .ttn: #"{"end_device_ids":{"device_id":"eui-1"},"uplink_message":{"decoded_payload":{"temperature":21.5}}}"#,
        .tasmota: #"{"Time":"2024-01-01T00:00:00","ENERGY":{"Total":12.5,"Power":230},"DS18B20":{"Temperature":21.5}}"#,
    ]

    /// Every malformed payload for `format`.
    static func entries(for format: PayloadFormat) -> [Entry] {
        let sample = Array(samples[format, default: "{}"].utf8)
        var entries: [Entry] = []
        func add(_ category: String, _ text: String) { entries.append(Entry(category: category, bytes: Array(text.utf8))) }
        func add(_ category: String, _ bytes: [UInt8]) { entries.append(Entry(category: category, bytes: bytes)) }

        for cut in [1, sample.count / 4, sample.count / 2, sample.count * 3 / 4, sample.count - 1] {
            add("truncated", Array(sample.prefix(cut)))
        }
        add("truncated", [])
        for text in [#"{"temperature":"warm"}"#, #"{"temperature":null}"#, #"{"temperature":true}"#, #"{"temperature":[1,2]}"#,
                     #"{"temperature":{"v":1}}"#, "[]", "{}", "null", "true", #""21.5""#, "[1,2,3]", #"[{"n":1,"v":"x"}]"#,
                     #"[{"n":"a","v":{}}]"#, #"{"deviceInfo":[],"object":"x"}"#, #"{"end_device_ids":1,"uplink_message":[]}"#,
                     #"{"uplink_message":{"decoded_payload":"x"}}"#, #"{"ENERGY":"x","Time":5}"#, #"{"data":{"power":"3"},"ts":"soon"}"#,
                     #"{"temperature":21.5,"ts":-1e300}"#, #"{"temperature":21.5,"ts":"2024-13-45T99:99:99Z"}"#] {
            add("wrong-type", text)
        }
        add("deep-nesting", String(repeating: "[", count: 100_000))
        add("deep-nesting", String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000))
        add("deep-nesting", String(repeating: "[", count: 31) + "1" + String(repeating: "]", count: 31))
        add("deep-nesting", #"{"object":"# + String(repeating: #"{"x":"#, count: 40) + "1" + String(repeating: "}", count: 41))
        for number in ["1e400", "-1e400", String(repeating: "9", count: 400), "1e-400", "-0", "0.0000000000000000000001e-320",
                       "18446744073709551616", "-9223372036854775809", "1" + String(repeating: "0", count: 5000)] {
            add("huge-number", number)
            add("huge-number", #"{"temperature":\#(number)}"#)
            add("huge-number", #"[{"n":"a","v":\#(number),"t":\#(number)}]"#)
        }
        for special in ["NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "+Inf", "1e309"] {
            add("nan-infinity", special)
            add("nan-infinity", #"{"temperature":\#(special)}"#)
            add("nan-infinity", #"{"temperature":"\#(special)"}"#)
            add("nan-infinity", #"[{"n":"a","v":\#(special)}]"#)
        }
        for invalid: [UInt8] in [[0xFF, 0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]] {
            add("invalid-utf8", invalid)
            add("invalid-utf8", Array(#"{"tempé"#.utf8) + invalid + Array(#"":1}"#.utf8))
            add("invalid-utf8", Array(#"{"temperature":1,"name":""#.utf8) + invalid + Array(#""}"#.utf8))
            add("invalid-utf8", Array("2".utf8) + invalid)
        }
        add("invalid-utf8", #"{"a\ud800":1}"#)
        add("invalid-utf8", #"{"temperature":1,"n":"\udc00\ud800"}"#)
        let tenMegabytes = 10 << 20
        add("10MB", [UInt8](repeating: UInt8(ascii: " "), count: tenMegabytes) + Array("1".utf8))
        add("10MB", Array(#"{"temperature":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: tenMegabytes) + Array(#""}"#.utf8))
        add("10MB", [UInt8](repeating: UInt8(ascii: "["), count: tenMegabytes))
        var random = SplitMix64(seed: UInt64(format.rawValue.utf8.count) * 7919)
        for length in [1, 2, 7, 64, 1000, 65536] {
            add("binary-garbage", (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
        add("binary-garbage", [UInt8](repeating: 0, count: 256))
        add("binary-garbage", sample + [0])
        for _ in 0..<20 {
            var mutated = sample
            for _ in 0..<3 {
                mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            add("binary-garbage", mutated)
        }
        return entries
    }
}
