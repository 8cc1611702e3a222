import Foundation
import Synchronization
import Testing
import VigieCore
import VigieStore
@testable import VigieUpstream
import VigieTestKit

@Suite struct UpstreamSinksTests {
    @Test func theConfiguredSinksEachDeliverTheirOwnOutboxMessages() async throws {
        let directory = TemporaryDirectory()
        let broker = try Mosquitto(directory: directory)
        let hub = try HTTPHub(statuses: [200], directory: directory)
        defer { hub.stop() }
        let configurations: [UpstreamConfiguration] = [
            .mqtt(MQTTSinkConfiguration(broker: Endpoint(host: "127.0.0.1", port: broker.port), topic: "t/{gateway}/{device}")),
            .http(HTTPSinkConfiguration(url: hub.url)),
        ]
        let mqtt = try await TestOutbox.open(sink: configurations[0].name, directory: directory)
        let http = TestOutbox(directory: directory, store: mqtt.store, sink: configurations[1].name)
        let sinks = try UpstreamSinks(configurations, gateway: "gw", statistics: [.mean], outbox: mqtt.store.outbox, health: MQTTSinkTests.health,
                                      logger: .test)

        let appended = Mutex(false)
        let delivered = try await run(sinks.services) {
            if !appended.withLock({ $0 }) {
                try await mqtt.appendStoredAggregates(0..<3)
                try await http.appendStoredAggregates(0..<2)
                appended.withLock { $0 = true }
                sinks.outboxChanged()
            }
            let mqttWaiting = try await mqtt.waitingCount()
            let httpWaiting = try await http.waitingCount()
            return mqttWaiting == 0 && httpWaiting == 0
        }

        #expect(delivered)
        #expect(sinks.statuses.map(\.name.description) == ["mqtt:127.0.0.1:\(broker.port)", "http:\(hub.url)"])
        #expect(sinks.statuses.map(\.acknowledged) == [3, 2])
        #expect(hub.requests.count == 1)
    }
}
