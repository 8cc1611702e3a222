import Foundation
import Logging
import ServiceLifecycle
import Testing
import VigieCore
@testable import VigieMQTT
import VigieTestKit

private let logger = Logger(label: "test")

private func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../VigieCoreTests/Fixtures/payloads/\(name)")
    return try [UInt8](Data(contentsOf: url))
}

private func sourceConfiguration(_ broker: Mosquitto, clientID: String) -> MQTTSourceConfiguration {
    MQTTSourceConfiguration(broker: Endpoint(host: "127.0.0.1", port: broker.port), clientID: clientID,
                            keepalive: .seconds(10), maxPayloadSize: ByteSize(bytes: 4096), subscriptions: [
        SubscriptionConfiguration(topic: "capteurs/+/temperature", format: .value, sensor: "{1}/temperature", unit: "Cel"),
        SubscriptionConfiguration(topic: "zigbee2mqtt/+", format: .zigbee2mqtt),
        SubscriptionConfiguration(topic: "tele/+/SENSOR", format: .tasmota),
        SubscriptionConfiguration(topic: "senml/+", format: .senml),
        SubscriptionConfiguration(topic: "application/+/device/+/event/up", format: .chirpstack),
        SubscriptionConfiguration(topic: "v3/+/devices/+/up", format: .ttn),
    ])
}

/// Runs the source in a service group until `body` returns, then shuts it down gracefully.
private func withSource(_ source: MQTTSource, _ body: () async throws -> Void) async throws {
    let group = ServiceGroup(services: [source], gracefulShutdownSignals: [], logger: logger)
    try await withThrowingTaskGroup { tasks in
        tasks.addTask { try await group.run() }
        try await body()
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

@Test func samplesOfEveryFormatBecomeReadingsAndMalformedOnesAreCounted() async throws {
    let broker = try Mosquitto()
    let sink = CollectingSink()
    let source = try MQTTSource(configuration: sourceConfiguration(broker, clientID: "vigie-e2e"), sink: sink, logger: logger)
    try await withSource(source) {
        // Wait for the subscription: a retained-free probe until it arrives.
        #expect(await eventually {
            try? broker.publish(topic: "capteurs/probe/temperature", payload: Array("0".utf8), qos: 1)
            return sink.count > 0
        })
        let probes = { sink.all.filter { $0.sensor.device == "probe" }.count }
        let published = WallClock.nowMilliseconds()
        try broker.publish(topic: "capteurs/salle1/temperature", payload: Array("21.5".utf8))
        try broker.publish(topic: "zigbee2mqtt/salon", payload: fixture("zigbee2mqtt-state-wsdcgq01lm.json"))
        try broker.publish(topic: "tele/pow1/SENSOR", payload: fixture("tasmota-sensor-energy-pow.json"))
        try broker.publish(topic: "senml/a", payload: fixture("senml-rfc8428-5.1.2-multiple-datapoints.json"))
        try broker.publish(topic: "application/1/device/0101/event/up", payload: fixture("chirpstack-v4-uplink-with-object.json"))
        try broker.publish(topic: "v3/app1/devices/dev1/up", payload: fixture("tts-v3-uplink-data-formats.json"))
        // Malformed: bad JSON, not a number, oversized, invalid UTF-8.
        try broker.publish(topic: "zigbee2mqtt/broken", payload: Array(#"{"temperature":"#.utf8))
        try broker.publish(topic: "capteurs/salle2/temperature", payload: Array("chaud".utf8))
        try broker.publish(topic: "senml/big", payload: Array(repeating: UInt8(ascii: " "), count: 5000))
        try broker.publish(topic: "tele/bad/SENSOR", payload: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        let expected = 1 + 2 + 10 + 2 + 5 + 4
        #expect(await eventually { sink.count - probes() == expected && source.statistics.map(\.rejected).reduce(0, +) == 4 })
        let sensors = Set(sink.all.map(\.sensor.description))
        for name in ["salle1/temperature", "salon/humidity", "pow1/energy_power", "urn:dev:ow:10e2073a01080063/voltage",
                     "test_device/temperature", "test_device/rssi", "dev1/luminosity"] {
            #expect(sensors.contains(name), "\(name)")
        }
        let stats = source.statistics
        #expect(stats[0].rejectedByReason == ["non_numeric": 1])
        #expect(stats[1].rejectedByReason == ["parse_error": 1])
        #expect(stats[3].rejectedByReason == ["oversized": 1])
        #expect(stats[2].rejectedByReason == ["parse_error": 1])
        #expect(stats[2].readings == 10)
        // Every subscription got a message since `published` (zigbee2mqtt's last one rejected): the status page's "last message".
        #expect(stats.allSatisfy { ($0.lastMessage ?? 0) >= published }, "\(stats.map(\.lastMessage))")
    }
}

@Test func restartingTheSourceWhileQoS1MessagesArePublishedLosesNone() async throws {
    let broker = try Mosquitto()
    let sink = CollectingSink()
    let configuration = sourceConfiguration(broker, clientID: "vigie-restart")
    let total = 4000
    func lines(_ range: ClosedRange<Int>) -> Data { Data((range.map { "\($0)" }.joined(separator: "\n") + "\n").utf8) }
    let topic = ["-q", "1", "-t", "capteurs/serie/temperature", "-l"]
    // First run: the persistent session starts; the first half is published while it stops.
    let first = try MQTTSource(configuration: configuration, sink: sink, logger: logger)
    try await withSource(first) {
        #expect(await eventually {
            try? broker.publish(topic: "capteurs/probe/temperature", payload: Array("-1".utf8), qos: 1)
            return sink.count > 0
        })
        let publisher = Task.detached { try broker.publish(topic, stdin: lines(1...total / 2)) }
        _ = await eventually { sink.all.filter { $0.value > 0 }.count > 100 }
        _ = try await publisher.value
    }
    // While no source runs: the second half, queued by the broker for the session.
    _ = try broker.publish(topic, stdin: lines(total / 2 + 1...total))
    let afterFirst = Set(sink.all.map(\.value)).filter { $0 > 0 }.count
    let second = try MQTTSource(configuration: configuration, sink: sink, logger: logger)
    try await withSource(second) {
        _ = await eventually(60) { Set(sink.all.map(\.value)).filter { $0 > 0 }.count >= total }
    }
    let values = Set(sink.all.map { Int($0.value) }).subtracting([-1])
    #expect(afterFirst <= total / 2)
    #expect(values == Set(1...total))
}

/// A source with one JSON subscription (`pompes/+`, `flow`, payload time in `ts`) on a fresh
/// broker, running and subscribed (a probe came through) while `body` runs.
private func withPumpSource(clientID: String,
                            _ body: (Mosquitto, CollectingSink, MQTTSource) async throws -> Void) async throws {
    let broker = try Mosquitto()
    let sink = CollectingSink()
    let configuration = MQTTSourceConfiguration(broker: Endpoint(host: "127.0.0.1", port: broker.port),
                                                clientID: clientID, keepalive: .seconds(10), subscriptions: [
        SubscriptionConfiguration(topic: "pompes/+", format: .json, sensor: "{1}/{field}",
                                  fields: [FieldMapping(path: "flow")], timeField: "ts"),
    ])
    let source = try MQTTSource(configuration: configuration, sink: sink, logger: logger)
    try await withSource(source) {
        #expect(await eventually {
            try? broker.publish(topic: "pompes/probe", payload: Array(#"{"ts":\#(WallClock.nowMilliseconds()),"flow":0}"#.utf8))
            return sink.count > 0
        })
        try await body(broker, sink, source)
    }
}

@Test func aPayloadStampedFarAheadIsDatedByItsArrivalCountedAndKept() async throws {
    try await withPumpSource(clientID: "vigie-ahead") { broker, sink, source in
        let before = WallClock.nowMilliseconds()
        let aYearAhead = before + 365 * 86_400_000
        try broker.publish(topic: "pompes/p1", payload: Array(#"{"ts":\#(aYearAhead),"flow":31.5}"#.utf8))
        try broker.publish(topic: "pompes/p1", payload: Array(#"{"ts":\#(before),"flow":31.4}"#.utf8))
        #expect(await sink.wait { readings in readings.filter { $0.sensor.device == "p1" }.count == 2 })
        let after = WallClock.nowMilliseconds()
        let p1 = sink.all.filter { $0.sensor.device == "p1" }
        let restamped = try #require(p1.first { $0.value == 31.5 })
        #expect(restamped.quality == .uncertain)
        #expect((before...after).contains(restamped.time), "dated by its arrival, not \(restamped.time)")
        #expect(p1.first { $0.value == 31.4 } == Reading(sensor: restamped.sensor, time: before, value: 31.4))
        #expect(source.statistics[0].stampedAhead == 1)
        #expect(source.statistics[0].rejected == 0)
    }
}

@Test func aPayloadFromADeviceClockNeverSetIsDatedByItsArrivalCountedAndKept() async throws {
    try await withPumpSource(clientID: "vigie-unset") { broker, sink, source in
        let before = WallClock.nowMilliseconds()
        // An RTC at its default, 2000-01-01, counting on from there.
        for (second, flow) in [(946_684_800, 31.5), (946_684_801, 31.6)] {
            try broker.publish(topic: "pompes/p1", payload: Array(#"{"ts":\#(second),"flow":\#(flow)}"#.utf8))
        }
        #expect(await sink.wait { readings in readings.filter { $0.sensor.device == "p1" }.count == 2 })
        let after = WallClock.nowMilliseconds()
        let p1 = sink.all.filter { $0.sensor.device == "p1" }
        #expect(p1.map(\.value) == [31.5, 31.6])
        #expect(p1.allSatisfy { $0.quality == .uncertain && (before...after).contains($0.time) }, "\(p1)")
        #expect(source.statistics[0].clockUnset == 2)
        #expect(source.statistics[0].stampedAhead == 0 && source.statistics[0].rejected == 0)
    }
}

/// A broker sends each topic's retained message on every (re)connection, with the retain flag:
/// under `retained: new` (the default) the gateway takes a dated one once and an undated one
/// never (its age is unknown); `skip` takes none, `keep` every undated copy. A dated copy of a
/// topic's last payload (a QoS 1 message sent again) is dropped.
@Test func retainedMessagesAreTakenOnceWhenDatedNeverWhenUndatedAndDatedCopiesAreDropped() async throws {
    let broker = try Mosquitto()
    let proxy = try TCPProxy(to: broker.port, directory: broker.directory)
    let sink = CollectingSink()
    let configuration = MQTTSourceConfiguration(broker: Endpoint(host: "127.0.0.1", port: proxy.port),
                                                clientID: "vigie-retained", keepalive: .seconds(10), subscriptions: [
        SubscriptionConfiguration(topic: "pompes/+", format: .json, sensor: "{1}/{field}",
                                  fields: [FieldMapping(path: "flow")], timeField: "ts"),
        SubscriptionConfiguration(topic: "capteurs/+/temperature", format: .value, sensor: "{1}/temperature"),
        SubscriptionConfiguration(topic: "arret/+", format: .json, sensor: "{1}/{field}",
                                  fields: [FieldMapping(path: "flow")], timeField: "ts", retained: .skip),
        SubscriptionConfiguration(topic: "garde/+/temperature", format: .value, sensor: "{1}/temperature", retained: .keep),
    ])
    // Retained before the gateway subscribes: a dated reading a minute old, and undated values.
    let aMinuteAgo = WallClock.nowMilliseconds() - 60_000
    let dated = #"{"ts":\#(aMinuteAgo),"flow":31.5}"#
    for (topic, payload) in [("pompes/p1", dated), ("capteurs/c1/temperature", "21.5"), ("arret/p2", dated),
                             ("garde/g1/temperature", "19.0")] {
        try broker.publish(["-r", "-q", "1", "-t", topic, "-m", payload])
    }
    // What is not stored is still shown (the status page's last known values), with whether it is dated.
    let shown = Locked<[SensorID: (reading: Reading, dated: Bool)]>([:])
    let source = try MQTTSource(configuration: configuration, sink: sink, logger: logger, retainedNotStored: { readings, dated in
        shown.withLock { for reading in readings { $0[reading.sensor] = (reading, dated) } }
    })
    func readings(_ device: String) -> [Reading] { sink.all.filter { $0.sensor.device == device } }
    try await withSource(source) {
        #expect(await eventually { readings("p1").count == 1 && readings("g1").count == 1 })
        #expect(await eventually { shown.withLock { $0.count } == 2 })
        let firstShown = shown.withLock { $0 }
        #expect(firstShown[SensorID(device: "c1", point: "temperature")].map { ($0.reading.value, $0.dated) } ?? (0, true) == (21.5, false))
        #expect(firstShown[SensorID(device: "p2", point: "flow")].map { ($0.reading.time, $0.reading.value, $0.dated) }
                    ?? (0, 0, false) == (aMinuteAgo, 31.5, true))
        // A live message on the undated topic is taken (not retained: it is sent as it is published).
        try broker.publish(topic: "capteurs/c1/temperature", payload: Array("22.0".utf8), qos: 0)
        #expect(await eventually { readings("c1").count == 1 })
        #expect(readings("p1") == [Reading(sensor: SensorID(device: "p1", point: "flow"), time: aMinuteAgo, value: 31.5)])
        #expect(readings("c1").map(\.value) == [22.0])
        #expect(readings("p2").isEmpty)
        #expect(source.statistics.map(\.retainedSkipped) == [0, 1, 1, 0])

        // The connection is cut and comes back: the broker sends every retained message again.
        proxy.cut()
        #expect(await eventually { source.connectionState != .connected })
        try proxy.start()
        #expect(await eventually(30) { source.statistics.map(\.retainedSkipped) == [1, 2, 2, 0] && readings("g1").count == 2 },
                "\(source.statistics.map(\.retainedSkipped))")
        #expect(readings("p1").count == 1, "the copy of a dated retained message is not taken again")
        #expect(readings("c1").map(\.value) == [22.0])
        #expect(readings("p2").isEmpty)

        // A dated payload received twice (a QoS 1 message sent again) is taken once; an undated one twice.
        let now = WallClock.nowMilliseconds()
        for _ in 0..<2 {
            try broker.publish(topic: "pompes/p3", payload: Array(#"{"ts":\#(now),"flow":30.5}"#.utf8), qos: 0)
            try broker.publish(topic: "capteurs/c3/temperature", payload: Array("20.5".utf8), qos: 0)
        }
        #expect(await eventually { readings("c3").count == 2 && source.statistics[0].duplicates == 1 })
        #expect(readings("p3").map(\.value) == [30.5])
        #expect(source.statistics.map(\.duplicates) == [1, 0, 0, 0])
        #expect(source.statistics.map(\.readings) == [2, 3, 0, 2])
    }
}

/// After a restart the source remembers no payload: a retained message whose readings an
/// earlier run stored is told by the store's newest reading of its sensor.
@Test func aRetainedMessageAnEarlierRunStoredIsNotStoredAgain() async throws {
    let broker = try Mosquitto()
    let sink = CollectingSink()
    let stored = WallClock.nowMilliseconds() - 120_000
    let later = stored + 60_000
    try broker.publish(["-r", "-q", "1", "-t", "pompes/p1", "-m", #"{"ts":\#(stored),"flow":31.5}"#])
    try broker.publish(["-r", "-q", "1", "-t", "pompes/p2", "-m", #"{"ts":\#(later),"flow":30.5}"#])
    let configuration = MQTTSourceConfiguration(broker: Endpoint(host: "127.0.0.1", port: broker.port),
                                                clientID: "vigie-restarted", keepalive: .seconds(10), subscriptions: [
        SubscriptionConfiguration(topic: "pompes/+", format: .json, sensor: "{1}/{field}",
                                  fields: [FieldMapping(path: "flow")], timeField: "ts"),
    ])
    let newest = [SensorID(device: "p1", point: "flow"): stored, SensorID(device: "p2", point: "flow"): stored]
    let source = try MQTTSource(configuration: configuration, sink: sink, logger: logger, storedNewest: { newest })
    try await withSource(source) {
        #expect(await eventually { sink.count == 1 && source.statistics[0].retainedSkipped == 1 })
        #expect(sink.all == [Reading(sensor: SensorID(device: "p2", point: "flow"), time: later, value: 30.5)])
    }
}
