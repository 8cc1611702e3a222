import Testing
@testable import VigieCore

// `broker:` of the upstream MQTT sink and of the MQTT source: one address or a list of nodes.

@Test func aBrokerListKeepsItsOrderAndTheSinkKeepsTheFirstNodesName() throws {
    let yaml = """
    mqtt:
      broker: [10.0.0.1, "10.0.0.2:1884"]
    upstream:
      - mqtt: { broker: [a.hub:8883, b.hub:8883, c.hub], tls: { ca: ca.pem } }
      - mqtt: { broker: single.hub:1883 }
    """
    let configuration = try loaded(yaml).configuration
    #expect(configuration.mqtt?.brokers == [Endpoint(host: "10.0.0.1", port: 1883), Endpoint(host: "10.0.0.2", port: 1884)])
    guard case .mqtt(let cluster) = configuration.upstream.first, case .mqtt(let single) = configuration.upstream.last else {
        Issue.record("\(configuration.upstream)")
        return
    }
    #expect(cluster.brokers == [Endpoint(host: "a.hub", port: 8883), Endpoint(host: "b.hub", port: 8883),
                                Endpoint(host: "c.hub", port: 8883)])
    #expect(configuration.upstream.first?.name == "mqtt:a.hub:8883", "adding nodes keeps the sink's outbox name")
    #expect(single.brokers == [Endpoint(host: "single.hub", port: 1883)])
}

@Test func eachBadNodeOfABrokerListIsLocated() {
    let found = diagnostics(of: "upstream:\n  - mqtt:\n      broker: [a.hub:8883, b.hub:99999, \"c:d:e\"]\n")
    #expect(found.map { [$0.line, $0.column] } == [[3, 28], [3, 41]], "\(found)")
    #expect(found.allSatisfy { $0.message.contains("\"broker\" must be an address host:port") }, "\(found)")
    expectSingleError("mqtt:\n  broker: [127.0.0.1:1883, \"x:y\"]\n  client_id: g\n", line: 2, column: 28, "\"broker\" must be an address")
}

@Test func anEmptyOrRepeatedBrokerListIsLocated() {
    expectSingleError("upstream:\n  - mqtt: { broker: [] }\n", line: 2, column: 21, "needs at least one address")
    expectSingleError("upstream:\n  - mqtt: { broker: [a:1883, b:1883, a] }\n", line: 2, column: 38,
                      "names a:1883 twice")
    expectSingleError("upstream:\n  - mqtt: { broker: { a: 1 } }\n", line: 2, column: 21, "\"broker\" must be")
}
