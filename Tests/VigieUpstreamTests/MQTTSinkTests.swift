import Foundation
import Logging
import MetricsTestKit
import Testing
import VigieCore
import VigieMQTT
@testable import VigieUpstream
import VigieTestKit

@Suite(.serialized) struct MQTTSinkTests {
    let directory: TemporaryDirectory

    init() throws { directory = TemporaryDirectory() }

    init(directory: TemporaryDirectory) { self.directory = directory }

    static let health: @Sendable () async -> GatewayHealth = {
        GatewayHealth(time: 0, uptimeSeconds: 0, backlog: 0, oldestPendingAgeSeconds: nil, readingsIn: 7, errors: 1)
    }

    func makeSink(port: Int, outbox: TestOutbox, tls: TLSConfiguration? = nil, inflight: Int = 100,
                  drainRate: Int = 0, flushTimeout: Duration = .seconds(5),
                  metrics: TestMetrics = TestMetrics()) throws -> MQTTSink {
        let configuration = MQTTSinkConfiguration(broker: Endpoint(host: "127.0.0.1", port: port), tls: tls,
                                                  topic: "hub/{gateway}/{device}", inflight: inflight, drainRate: drainRate,
                                                  keepalive: .seconds(5))
        let options = MQTTSink.Options(gateway: "gw", clientID: "gw-\(port)", healthInterval: .milliseconds(300), flushTimeout: flushTimeout,
                                       backoff: .init(initial: .milliseconds(100), maximum: .milliseconds(400), jitter: 0.5))
        return try MQTTSink(name: outbox.sink, configuration: configuration, options: options, outbox: outbox.view,
                            signal: OutboxSignal(), health: Self.health, logger: .test, metricsFactory: metrics)
    }

    /// The `n` of each `{"n":…}` payload received on `hub/test`, in arrival order.
    static func numbers(_ subscriber: Subscriber) -> [Int] {
        subscriber.lines.compactMap { line in
            guard line.hasPrefix("hub/test "), let range = line.range(of: "\"n\":") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
    }

    @Test func aHubStoppedThenRestartedReceivesEveryMessageInOrder() async throws {
        let hub = try Mosquitto(extra: ["persistence true", "persistence_location \(directory.url.path)/"],
                                directory: directory)
        let before = try Subscriber(port: hub.port, topic: "hub/test", directory: directory, name: "hub-sub")
        defer { before.stop() }
        try await Task.sleep(for: .milliseconds(300))
        let outbox = try await TestOutbox.open(sink: "mqtt:hub", directory: directory)
        let sink = try makeSink(port: hub.port, outbox: outbox, inflight: 20)

        try await whileRunning([sink]) {
            try await outbox.append(0..<300)
            #expect(try await eventually { try await outbox.waiting().isEmpty })
            #expect(await eventually { Set(Self.numbers(before)).count == 300 })
            hub.stop()
            before.stop()
            #expect(await eventually { !sink.status.connected })
            try await outbox.append(300..<600)
            try await Task.sleep(for: .milliseconds(500))
            let waiting = try await outbox.waiting()
            #expect(waiting.count == 300, "nothing may leave the outbox while the hub is down")
            #expect(sink.status.parked == 0)
            try hub.start()
            #expect(try await eventually(20) { try await outbox.waiting().isEmpty })
        }
        // The hub's subscriber comes back to its persistent session and gets what was queued.
        let after = try Subscriber(port: hub.port, topic: "hub/test", directory: directory, name: "hub-sub-2",
                                   clientID: "hub-sub")
        defer { after.stop() }
        #expect(await eventually { Set(Self.numbers(before) + Self.numbers(after)).count == 600 })

        let received = Self.numbers(before) + Self.numbers(after)
        #expect(Set(received) == Set(0..<600))
        var firstSeen: [Int] = []
        var seen = Set<Int>()
        for number in received where seen.insert(number).inserted { firstSeen.append(number) }
        #expect(firstSeen == Array(0..<600))
        #expect(received.count - 600 <= 20, "duplicates stay within the in-flight window")
    }

    @Test func aMessageLeavesTheOutboxOnlyOnceTheBrokerAcknowledgedIt() async throws {
        let hub = try Mosquitto(directory: directory)
        let outbox = try await TestOutbox.open(sink: "mqtt:hub", directory: directory)
        let sink = try makeSink(port: hub.port, outbox: outbox)

        try await whileRunning([sink]) {
            #expect(await eventually { sink.status.connected })
            hub.freeze()
            try await outbox.append(0..<40)
            #expect(await eventually { sink.status.sent >= 40 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await outbox.waiting().count == 40, "nothing acknowledged by a frozen broker may be deleted")
            hub.kill9()
            try hub.start()
            #expect(try await eventually(20) { try await outbox.waiting().isEmpty })
        }
        #expect(sink.status.acknowledged == 40)
    }

    @Test func theStatusIsRetainedOnlineAndTheWillSaysOfflineWhenTheLinkIsCut() async throws {
        let hub = try Mosquitto(directory: directory)
        let proxy = try TCPProxy(to: hub.port, directory: directory)
        let status = try Subscriber(port: hub.port, topic: "hub/gw/_status", directory: directory, name: "status-sub")
        defer { status.stop() }
        let outbox = try await TestOutbox.open(sink: "mqtt:hub", directory: directory)
        let sink = try makeSink(port: proxy.port, outbox: outbox)

        try await whileRunning([sink]) {
            #expect(await eventually { status.lines.contains { $0.hasPrefix("hub/gw/_status ") && $0.contains("\"online\"") } })
            #expect(await eventually { status.lines.contains { $0.hasPrefix("hub/gw/_status ") && $0.contains("\"readings_in\":7") } })
            let newcomer = try Subscriber(port: hub.port, topic: "hub/gw/_status", directory: directory, name: "newcomer-sub")
            defer { newcomer.stop() }
            #expect(await eventually { newcomer.lines.first?.contains("\"state\":\"online\"") == true }, "online is retained")
            proxy.cut()
            #expect(await eventually { status.lines.contains { $0.hasPrefix("hub/gw/_status ") && $0.contains("\"offline\"") } })
            #expect(await eventually { !sink.status.connected })
        }
        // A newcomer gets the retained state: after a clean shutdown, `offline`.
        let late = try Subscriber(port: hub.port, topic: "hub/gw/_status", directory: directory, name: "late-sub")
        defer { late.stop() }
        #expect(await eventually { late.lines.first?.contains("\"state\":\"offline\"") == true })
    }

    @Test func aGracefulShutdownFlushesWhatWasQueuedJustBefore() async throws {
        let hub = try Mosquitto(directory: directory)
        let outbox = try await TestOutbox.open(sink: "mqtt:hub", directory: directory)
        let sink = try makeSink(port: hub.port, outbox: outbox)

        try await whileRunning([sink]) {
            #expect(await eventually { sink.status.connected })
            try await outbox.append(0..<200)
        }

        #expect(try await outbox.waiting().isEmpty)
        #expect(sink.status.acknowledged == 200)
    }

    @Test func aShutdownWithAFrozenHubEndsAfterTheFlushBoundAndKeepsTheMessages() async throws {
        let hub = try Mosquitto(directory: directory)
        defer { hub.kill9() }
        let outbox = try await TestOutbox.open(sink: "mqtt:hub", directory: directory)
        let sink = try makeSink(port: hub.port, outbox: outbox, flushTimeout: .milliseconds(300))

        try await whileRunning([sink]) {
            #expect(await eventually { sink.status.connected })
            hub.freeze()
            try await outbox.append(0..<20)
            #expect(await eventually { sink.status.sent >= 20 })
        }

        #expect(try await outbox.waiting().count == 20)
        #expect(sink.status.acknowledged == 0)
    }

    @Test func aMessageThatCanNeverBePublishedIsParkedAndTheOthersGoOn() async throws {
        let hub = try Mosquitto(directory: directory)
        let subscriber = try Subscriber(port: hub.port, topic: "hub/test", directory: directory, name: "parked-sub")
        defer { subscriber.stop() }
        try await Task.sleep(for: .milliseconds(300))
        let outbox = try await TestOutbox.open(sink: "mqtt:hub", directory: directory)
        try await outbox.append(0..<2)
        try await outbox.append(2..<3, topic: "hub/+/wildcard")
        try await outbox.append(3..<5)
        let metrics = TestMetrics()
        let sink = try makeSink(port: hub.port, outbox: outbox, metrics: metrics)

        let drained = try await run([sink]) {
            let waiting = try await outbox.waitingCount()
            return waiting == 0 && Self.numbers(subscriber).count == 4
        }

        #expect(drained)
        #expect(Self.numbers(subscriber) == [0, 1, 3, 4])
        #expect(sink.status.parked == 1)
        #expect(sink.status.lastRefusal?.contains("hub/+/wildcard") == true)
        let labels = [("sink", "mqtt:hub")]
        #expect(try metrics.expectCounter("vigie_upstream_messages_parked_total", labels).totalValue == 1)
        #expect(try metrics.expectCounter("vigie_upstream_messages_acked_total", labels).totalValue == 4)
    }
}
