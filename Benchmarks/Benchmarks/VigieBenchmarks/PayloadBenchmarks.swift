import Benchmark
import VigieCore

/// The MQTT `decode` stage: one `SubscriptionDecoder` per format over a real payload sample
/// (Tests/VigieCoreTests/Fixtures/payloads). Figures are per message; `readings` says how many
/// readings one message gives.
enum PayloadBenchmarks {
    static let readingsMetric = BenchmarkMetric.custom("readings per message", polarity: .prefersLarger, useScalingFactor: false)

    struct Case {
        var format: PayloadFormat
        var filter: String
        var topic: String
        var payload: [UInt8]
        var sample: String
        var fields: [FieldMapping] = []
        var timeField: String?
    }

    static let cases: [Case] = [
        Case(format: .value, filter: "capteurs/+/temperature", topic: "capteurs/salle1/temperature",
             payload: Array("21.5".utf8), sample: "21.5"),
        Case(format: .json, filter: "tele/+/SENSOR", topic: "tele/pow1/SENSOR",
             payload: BenchmarkFixtures.payload("tasmota-sensor-energy-pow.json"), sample: "tasmota-sensor-energy-pow.json",
             fields: [FieldMapping(path: "ENERGY.Power", name: "power", unit: "W"),
                      FieldMapping(path: "ENERGY.Voltage", name: "voltage", unit: "V"),
                      FieldMapping(path: "ENERGY.Current", name: "current", unit: "A")]),
        Case(format: .senml, filter: "senml/+", topic: "senml/x",
             payload: BenchmarkFixtures.payload("senml-rfc8428-5.1.2-multiple-datapoints.json"),
             sample: "senml-rfc8428-5.1.2-multiple-datapoints.json"),
        Case(format: .zigbee2mqtt, filter: "zigbee2mqtt/+", topic: "zigbee2mqtt/salon",
             payload: BenchmarkFixtures.payload("zigbee2mqtt-state-wsdcgq01lm.json"), sample: "zigbee2mqtt-state-wsdcgq01lm.json"),
        Case(format: .chirpstack, filter: "application/+/device/+/event/up",
             topic: "application/17c8/device/0101010101010101/event/up",
             payload: BenchmarkFixtures.payload("chirpstack-v4-uplink-with-object.json"),
             sample: "chirpstack-v4-uplink-with-object.json"),
        Case(format: .ttn, filter: "v3/+/devices/+/up", topic: "v3/app1@tenant1/devices/dev1/up",
             payload: BenchmarkFixtures.payload("tts-v3-uplink-data-formats.json"), sample: "tts-v3-uplink-data-formats.json"),
        Case(format: .tasmota, filter: "tele/+/SENSOR", topic: "tele/pow1/SENSOR",
             payload: BenchmarkFixtures.payload("tasmota-sensor-energy-pow.json"), sample: "tasmota-sensor-energy-pow.json"),
    ]

    static func register() {
        for item in cases {
            let subscription = SubscriptionConfiguration(topic: item.filter, format: item.format, fields: item.fields,
                                                         timeField: item.timeField)
            let decoder: SubscriptionDecoder
            do {
                decoder = try SubscriptionDecoder(subscription)
            } catch {
                fatalError("subscription for \(item.format) is invalid: \(error)")
            }
            let check: DecodedMessage
            switch decoder.decode(topic: item.topic, payload: item.payload, receivedAt: 0) {
            case .success(let message) where !message.readings.isEmpty: check = message
            case .success: fatalError("payload sample \(item.sample) gives no reading as \(item.format)")
            case .failure(let rejection): fatalError("payload sample \(item.sample) does not decode as \(item.format): \(rejection)")
            }
            let readings = check.readings.count
            Benchmark("Payload decode \(item.format) (\(item.payload.count) B, \(readings) readings)",
                      configuration: StageConfiguration.micro(scaling: .one, metrics: [readingsMetric])) { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(decoder.decode(topic: item.topic, payload: item.payload, receivedAt: 1_700_000_000_000))
                }
                benchmark.measurement(readingsMetric, readings)
            }
        }
    }
}
