import Foundation
import Logging
import Synchronization
import Testing
import VigieCore
@testable import VigieMQTT
import VigieTestKit

private let logger = Logger(label: "test")

private func makeClient(_ broker: Mosquitto, id: String = "test-\(UUID().uuidString.prefix(8))",
                        maxInFlight: Int = 64) throws -> MQTTClient {
    try MQTTClient(configuration: .init(port: broker.port, clientID: id, keepalive: .seconds(10),
                                       backoff: .init(initial: .milliseconds(50), maximum: .milliseconds(400), jitter: 0.5),
                                       maxInFlight: maxInFlight),
                   logger: logger)
}

/// Records every state the client goes through.
private final class StateLog: Sendable {
    let states = Mutex<[MQTTConnectionState]>([])
    func follow(_ client: MQTTClient) -> Task<Void, Never> {
        Task { for await state in client.connectionStates { states.withLock { $0.append(state) } } }
    }
    func count(_ state: MQTTConnectionState) -> Int { states.withLock { $0.filter { $0 == state }.count } }
}

@Test func receivesWhatMosquittoPubPublishes() async throws {
    let broker = try Mosquitto()
    let client = try makeClient(broker)
    try client.subscribe("capteurs/#", qos: 1)
    let log = StateLog()
    let follower = log.follow(client)
    try client.start()
    #expect(await eventually { log.count(.connected) == 1 })
    try broker.publish(topic: "capteurs/salle1/temperature", payload: Array("21.5".utf8))
    var iterator = client.messages.makeAsyncIterator()
    let message = await iterator.next()
    #expect(message == MQTTMessage(topic: "capteurs/salle1/temperature", payload: Array("21.5".utf8), qos: 1))
    await client.shutdown()
    await follower.value
    #expect(log.states.withLock { $0.last } == .stopped)
}

@Test func publishReturnsOnceTheBrokerHasTheMessage() async throws {
    let broker = try Mosquitto()
    let publisher = try makeClient(broker, maxInFlight: 8)
    let subscriber = try makeClient(broker)
    try subscriber.subscribe("out/#", qos: 1)
    let log = StateLog()
    let follower = log.follow(subscriber)
    try subscriber.start()
    try publisher.start()
    #expect(await eventually { log.count(.connected) == 1 })
    let total = 2000
    try await withThrowingTaskGroup { group in
        for worker in 0..<4 {
            group.addTask {
                for index in stride(from: worker, to: total, by: 4) {
                    try await publisher.publish(topic: "out/\(index)", payload: Array("\(index)".utf8), qos: 1)
                }
            }
        }
        try await group.waitForAll()
    }
    // Every publish has returned: with QoS 1 each was acknowledged, so the subscriber gets them all.
    var received = Set<String>()
    for await message in subscriber.messages {
        received.insert(message.topic)
        if received.count == total { break }
    }
    #expect(received.count == total)
    #expect(publisher.session.window.capacity == 8)
    // A retained message whose publish returned is on the broker: a new subscriber gets it.
    try await publisher.publish(topic: "retained/check", payload: Array("kept".utf8), qos: 1, retain: true)
    let late = try makeClient(broker)
    try late.subscribe("retained/check", qos: 1)
    try late.start()
    var lateIterator = late.messages.makeAsyncIterator()
    #expect(await lateIterator.next()?.payload == Array("kept".utf8))
    await late.shutdown()
    await publisher.shutdown()
    await subscriber.shutdown()
    await follower.value
    await #expect(throws: MQTTError.self) { try await publisher.publish(topic: "after/stop", payload: [1]) }
}

@Test func reconnectsAndResubscribesAfterTheBrokerRestarts() async throws {
    let broker = try Mosquitto()
    let client = try makeClient(broker)
    try client.subscribe("restart/#", qos: 1)
    let log = StateLog()
    let follower = log.follow(client)
    try client.start()
    #expect(await eventually { log.count(.connected) == 1 })
    broker.stop()
    #expect(await eventually { log.states.withLock { $0.contains { if case .waitingToReconnect = $0 { true } else { false } } } })
    try broker.start()
    #expect(await eventually { log.count(.connected) == 2 })
    // The broker kept no session (persistence off): receiving proves the client subscribed again.
    try broker.publish(topic: "restart/x", payload: Array("1".utf8))
    var iterator = client.messages.makeAsyncIterator()
    #expect(await iterator.next()?.topic == "restart/x")
    await client.shutdown()
    await follower.value
}

@Test func backoffDoublesUpToTheCapWithJitter() {
    var generator = FixedRandom(value: 0)
    var backoff = Backoff(configuration: .reconnect)
    let delays = (0..<9).map { _ in backoff.next(using: &generator).milliseconds }
    #expect(delays == [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000])
    backoff.reset()
    var half = FixedRandom(value: UInt64.max)
    #expect((500...501).contains(backoff.next(using: &half).milliseconds))
}

@Test func badCredentialsFileIsAnError() {
    #expect(throws: MQTTError.self) {
        try MQTTSource.clientConfiguration(MQTTSourceConfiguration(passwordFile: "/nonexistent/vigie-password"))
    }
}

private struct FixedRandom: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}
