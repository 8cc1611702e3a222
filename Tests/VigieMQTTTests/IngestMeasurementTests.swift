import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import VigieCore
@testable import VigieMQTT
import VigieTestKit

/// Counts readings without keeping them.
private final class CountingSink: ReadingSink {
    let readings = Atomic<Int>(0)
    func submit(_ batch: [Reading]) async { readings.add(batch.count, ordering: .relaxed) }
}

/// A rough ingest measurement, not a benchmark: N QoS 1 messages are queued by the broker for an
/// offline persistent session, then drained once by a bare `mosquitto_sub` and once by the MQTT
/// source into an in-memory sink. It asserts only that everything published arrived, and prints
/// the rates (`VIGIE_INGEST_MESSAGES` sets N, default 5000).
@Test func ingestDrainsEverythingQueuedAndReportsRates() async throws {
    let count = ProcessInfo.processInfo.environment["VIGIE_INGEST_MESSAGES"].flatMap(Int.init) ?? 5000
    let broker = try Mosquitto(extra: ["max_queued_messages \(count * 2)", "max_inflight_messages 100"])
    let logger = Logger(label: "measure")
    let singleValue = Data((1...count).map { "\($0)" }.joined(separator: "\n").appending("\n").utf8)
    let senml = (0..<10).map { #"{"n":"p\#($0)","v":\#($0).5}"# }.joined(separator: ",")
    let packs = Data(Array(repeating: #"[{"bn":"dev/"},"# + senml + "]", count: count).joined(separator: "\n").appending("\n").utf8)

    // Bare mosquitto_sub: create its session, go away, queue N, time the drain.
    func subRate(_ payloads: Data, topic: String) throws -> Double {
        try runSub(broker, ["-c", "-i", "bare-sub", "-q", "1", "-t", "bench/#", "-E"], expectExit: false)
        try broker.publish(["-q", "1", "-t", topic, "-l"], stdin: payloads)
        let start = ContinuousClock.now
        try runSub(broker, ["-c", "-i", "bare-sub", "-q", "1", "-t", "bench/#", "-C", "\(count)"], expectExit: true)
        return Double(count) / (ContinuousClock.now - start).seconds
    }

    func sourceRate(_ payloads: Data, topic: String, format: PayloadFormat, perMessage: Int) async throws -> Double {
        let sink = CountingSink()
        let configuration = MQTTSourceConfiguration(
            broker: Endpoint(host: "127.0.0.1", port: broker.port), clientID: "vigie-measure-\(format)",
            subscriptions: [SubscriptionConfiguration(topic: "bench/+/v", format: format, sensor: format == .value ? "{1}/v" : nil)])
        try await runSource(MQTTSource(configuration: configuration, sink: sink, logger: logger), logger) {}
        try broker.publish(["-q", "1", "-t", topic, "-l"], stdin: payloads)
        let start = ContinuousClock.now
        var elapsed = Duration.zero
        try await runSource(MQTTSource(configuration: configuration, sink: sink, logger: logger), logger) {
            #expect(await eventually(120) { sink.readings.load(ordering: .relaxed) >= count * perMessage })
            elapsed = ContinuousClock.now - start
        }
        #expect(sink.readings.load(ordering: .relaxed) == count * perMessage)
        return Double(count) / elapsed.seconds
    }

    let bareSingle = try subRate(singleValue, topic: "bench/a/v")
    let sourceSingle = try await sourceRate(singleValue, topic: "bench/a/v", format: .value, perMessage: 1)
    let bareSenML = try subRate(packs, topic: "bench/b/v")
    let sourceSenML = try await sourceRate(packs, topic: "bench/b/v", format: .senml, perMessage: 10)
    print("""
    ingest, \(count) queued QoS 1 messages (debug build):
      one value:   mosquitto_sub \(Int(bareSingle)) msg/s, source \(Int(sourceSingle)) msg/s
      SenML x10:   mosquitto_sub \(Int(bareSenML)) msg/s, source \(Int(sourceSenML)) msg/s = \(Int(sourceSenML * 10)) readings/s
    """)
}

private func runSub(_ broker: Mosquitto, _ arguments: [String], expectExit: Bool) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
    process.arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)"] + arguments
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    try process.run()
    process.waitUntilExit()
    if expectExit, process.terminationStatus != 0 {
        throw TestFailure("mosquitto_sub exited \(process.terminationStatus)")
    }
}

private func runSource(_ source: MQTTSource, _ logger: Logger, _ body: () async throws -> Void) async throws {
    let group = ServiceGroup(services: [source], gracefulShutdownSignals: [], logger: logger)
    try await withThrowingTaskGroup { tasks in
        tasks.addTask { try await group.run() }
        // Let the session subscribe before the body decides anything.
        _ = await eventually { source.connectionState == .connected }
        try await body()
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
