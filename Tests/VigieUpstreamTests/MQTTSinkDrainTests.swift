import Foundation
import Synchronization
import Testing
import VigieCore
import VigieMQTT
@testable import VigieUpstream
import VigieTestKit

/// A rough drain figure (printed, not asserted: speed is for benchmarks) with a full check
/// that the whole backlog left the outbox through PUBACKs.
@Suite struct MQTTSinkDrainTests {
    @Test func aBacklogDrainsCompletelyToALoopbackBroker() async throws {
        let directory = TemporaryDirectory()
        let hub = try Mosquitto(directory: directory)
        let outbox = try await TestOutbox.open(sink: "mqtt:drain", directory: directory)
        let count = 20_000
        for start in stride(from: 0, to: count, by: 5_000) {
            try await outbox.append(start..<(start + 5_000))
        }
        let sink = try MQTTSinkTests(directory: directory).makeSink(port: hub.port, outbox: outbox, drainRate: 0)

        let clock = ContinuousClock()
        let start = clock.now
        let finished = Mutex<ContinuousClock.Instant?>(nil)
        let drained = try await run([sink], seconds: 60) {
            let waiting = try await outbox.waitingCount()
            if waiting == 0 { finished.withLock { $0 = $0 ?? clock.now } }
            return waiting == 0
        }
        let elapsed = (finished.withLock { $0 } ?? clock.now) - start

        #expect(drained)
        #expect(sink.status.acknowledged == count)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("drain: \(count) messages in \(String(format: "%.2f", seconds)) s, \(Int(Double(count) / seconds)) msg/s")
    }
}
