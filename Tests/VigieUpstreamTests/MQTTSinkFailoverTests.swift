import Foundation
import MetricsTestKit
import Testing
import VigieCore
import VigieMQTT
@testable import VigieUpstream
import VigieTestKit

/// `broker:` with two nodes: the sink moves to the second when the first goes away, and every
/// message still arrives at one of them.
@Suite(.serialized) struct MQTTSinkFailoverTests {
    let directory: TemporaryDirectory

    init() throws { directory = TemporaryDirectory() }

    func makeSink(brokers: [Int], outbox: TestOutbox, metrics: TestMetrics) throws -> MQTTSink {
        var configuration = MQTTSinkConfiguration(broker: Endpoint(host: "127.0.0.1", port: brokers[0]),
                                                  topic: "hub/{gateway}/{device}", inflight: 20, drainRate: 0,
                                                  keepalive: .seconds(5))
        configuration.brokers = brokers.map { Endpoint(host: "127.0.0.1", port: $0) }
        let options = MQTTSink.Options(gateway: "gw", clientID: "gw-failover", healthInterval: .seconds(60),
                                       backoff: .init(initial: .milliseconds(100), maximum: .milliseconds(400), jitter: 0.5))
        return try MQTTSink(name: outbox.sink, configuration: configuration, options: options, outbox: outbox.view,
                            signal: OutboxSignal(), health: MQTTSinkTests.health, logger: .test, metricsFactory: metrics)
    }

    @Test func whenTheFirstNodeStopsTheSinkMovesToTheNextAndEveryMessageArrives() async throws {
        let first = try Mosquitto(directory: directory)
        let second = try Mosquitto(directory: directory)
        let onFirst = try Subscriber(port: first.port, topic: "hub/test", directory: directory, name: "sub-first")
        let onSecond = try Subscriber(port: second.port, topic: "hub/test", directory: directory, name: "sub-second")
        defer { onFirst.stop(); onSecond.stop() }
        try await Task.sleep(for: .milliseconds(300))
        let outbox = try await TestOutbox.open(sink: "mqtt:hub", directory: directory)
        let metrics = TestMetrics()
        let sink = try makeSink(brokers: [first.port, second.port], outbox: outbox, metrics: metrics)
        let gauge = { (port: Int) in
            try metrics.expectGauge("vigie_upstream_broker_connected",
                                    [("sink", "mqtt:hub"), ("broker", "127.0.0.1:\(port)")]).lastValue
        }

        try await whileRunning([sink]) {
            try await outbox.append(0..<300)
            #expect(try await eventually { try await outbox.waiting().isEmpty })
            #expect(sink.status.broker == "127.0.0.1:\(first.port)" && sink.status.connected)
            #expect(try gauge(first.port) == 1 && gauge(second.port) == 0)
            first.stop()
            try await outbox.append(300..<600)
            #expect(try await eventually(20) { try await outbox.waiting().isEmpty })
            #expect(sink.status.broker == "127.0.0.1:\(second.port)" && sink.status.connected)
            #expect(try gauge(first.port) == 0 && gauge(second.port) == 1)
        }

        let before = MQTTSinkTests.numbers(onFirst)
        #expect(await eventually { Set(before + MQTTSinkTests.numbers(onSecond)) == Set(0..<600) })
        let after = MQTTSinkTests.numbers(onSecond)
        #expect(Set(before) == Set(0..<300), "the first node had everything sent before it stopped")
        #expect(Set(after).isSuperset(of: 300..<600), "the second node got the rest")
        var firstSeen: [Int] = []
        var seen = Set<Int>()
        for number in after where seen.insert(number).inserted { firstSeen.append(number) }
        #expect(firstSeen == firstSeen.sorted(), "in order on the second node")
    }
}
