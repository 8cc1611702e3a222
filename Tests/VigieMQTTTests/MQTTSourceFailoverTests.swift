import Foundation
import Logging
import ServiceLifecycle
import Testing
import VigieCore
@testable import VigieMQTT
import VigieTestKit

// The MQTT source with `broker: [a, b]`: it moves to the next node when the connection fails,
// and not when a node refuses a subscription (an ACL would refuse it on every node).

private func source(_ brokers: [Mosquitto], clientID: String, sink: CollectingSink) throws -> MQTTSource {
    var configuration = MQTTSourceConfiguration(clientID: clientID, keepalive: .seconds(5), subscriptions: [
        SubscriptionConfiguration(topic: "allowed/+", format: .value, sensor: "{1}/value"),
        SubscriptionConfiguration(topic: "denied/+", format: .value, sensor: "{1}/denied"),
    ])
    configuration.brokers = brokers.map { Endpoint(host: "127.0.0.1", port: $0.port) }
    return try MQTTSource(configuration: configuration, sink: sink, logger: Logger(label: "test"))
}

private func whileRunning(_ source: MQTTSource, _ body: () async throws -> Void) async throws {
    let group = ServiceGroup(services: [source], gracefulShutdownSignals: [], logger: Logger(label: "test"))
    try await withThrowingTaskGroup { tasks in
        tasks.addTask { try await group.run() }
        try await body()
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// Publishes `payload` on `topic` through `broker` until the sink holds a reading of `device`.
private func arrives(_ device: String, via broker: Mosquitto, topic: String, sink: CollectingSink) async -> Bool {
    await eventually {
        try? broker.publish(topic: topic, payload: Array("1".utf8))
        return sink.all.contains { $0.sensor.device == device }
    }
}

@Test func theSourceMovesToTheNextNodeWhenTheFirstStops() async throws {
    let first = try Mosquitto()
    let second = try Mosquitto()
    let sink = CollectingSink()
    let source = try source([first, second], clientID: "vigie-source-failover", sink: sink)
    try await whileRunning(source) {
        #expect(await arrives("one", via: first, topic: "allowed/one", sink: sink))
        #expect(source.currentBroker.port == first.port)
        first.stop()
        #expect(await arrives("two", via: second, topic: "allowed/two", sink: sink))
        #expect(source.currentBroker.port == second.port)
        #expect(source.connectionState == .connected)
    }
}

@Test func aSubscriptionRefusedByTheNodesACLIsReportedOnceAndTheSourceStaysThere() async throws {
    // Anonymous clients may subscribe to allowed/# only: SUBSCRIBE to denied/+ gets SUBACK 0x80.
    // mosquitto's acl_file cannot show this (2.0 grants every SUBSCRIBE and filters at delivery);
    // its dynamic-security plugin refuses at SUBACK, as RabbitMQ's MQTT plugin does.
    let acl = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-dynsec-\(UUID().uuidString).json")
    try """
    {"defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": false, "unsubscribe": true},
     "clients": [], "groups": [{"groupname": "anonymous", "roles": [{"rolename": "allowed"}]}],
     "roles": [{"rolename": "allowed", "acls": [{"acltype": "subscribePattern", "topic": "allowed/#", "priority": 0, "allow": true}]}],
     "anonymousGroup": "anonymous"}
    """.write(to: acl, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: acl) }
    let guarded = try Mosquitto(extra: ["plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
                                          "plugin_opt_config_file \(acl.path)"])
    let spare = try Mosquitto()
    let sink = CollectingSink()
    let source = try source([guarded, spare], clientID: "vigie-source-acl", sink: sink)
    try await whileRunning(source) {
        #expect(await eventually { !source.refusedSubscriptions.isEmpty })
        #expect(await arrives("kept", via: guarded, topic: "allowed/kept", sink: sink), "the allowed subscription works")
        try await Task.sleep(for: .seconds(2))
        let refusal = SubscriptionRefusal(broker: Endpoint(host: "127.0.0.1", port: guarded.port), filter: "denied/+")
        #expect(source.refusedSubscriptions == [refusal], "reported once, with the node and the filter")
        #expect(source.currentBroker.port == guarded.port, "a refusal is no reason to leave the node")
        #expect(source.connectionState == .connected)
    }
}
