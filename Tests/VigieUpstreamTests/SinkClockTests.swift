import Logging
import Synchronization
import Testing
import VigieCore
@testable import VigieUpstream
import VigieTestKit

/// The hub's side of a hub sink, scripted: the first `failures` rounds fail (a busy hub), then
/// every message is stored except those in `refused`, refused every time. Notes the simulated
/// time of every round and of every attempt at each message.
final class ScriptedExchange: HubExchange {
    let time: SimulatedTime
    let failures: Int
    let refused: Set<Int64>
    let rounds = Mutex<[Int64]>([])
    let attempts = Mutex<[Int64: [Int64]]>([:])

    init(time: SimulatedTime, failures: Int = 0, refused: Set<Int64> = []) {
        self.time = time
        self.failures = failures
        self.refused = refused
    }

    func deliver(_ messages: [HubMessage]) async -> HubRound {
        let now = time.now
        let number = rounds.withLock { rounds in
            rounds.append(now)
            return rounds.count
        }
        guard number > failures else { return HubRound(failure: .server(status: 503, answer: "busy")) }
        attempts.withLock { attempts in
            for message in messages { attempts[message.seq, default: []].append(now) }
        }
        var round = HubRound()
        for message in messages {
            if refused.contains(message.seq) { round.refused[message.seq] = "refused" } else { round.done.append(message.seq) }
        }
        return round
    }
}

/// Delivery's waits run on the injected clock: retry backoffs grow and cap, and the drain is
/// paced, in simulated time, without waiting for it. A real sleep anywhere leaves the simulated
/// time where it was (and the test waits for real until its safety deadline), so each fails.
@Suite(.timeLimit(.minutes(1))) struct SinkClockTests {
    let directory = TemporaryDirectory()

    private func hubSink(_ outbox: TestOutbox, exchange: ScriptedExchange, time: SimulatedTime) -> HubSink {
        HubSink(name: outbox.sink, open: { exchange }, outbox: outbox.view, signal: OutboxSignal(), batch: 10,
                backoff: Backoff.Configuration(initial: .seconds(1), maximum: .seconds(8), jitter: 0),
                clock: FastForwardClock(time: time, end: .max).gatewayClock, logger: .test)
    }

    @Test func aFailingRoundIsRetriedAfterDelaysThatDoubleUpToTheMaximum() async throws {
        let outbox = try await TestOutbox.open(sink: "sensorthings:test", directory: directory)
        try await HubWindows.append(HubWindows.packs(3).map(UpstreamMessage.aggregate), to: outbox)
        let time = SimulatedTime(HubWindows.start)
        let exchange = ScriptedExchange(time: time, failures: 7)
        let task = Task { try await hubSink(outbox, exchange: exchange, time: time).run() }
        let drained = await eventually { (try? await outbox.waiting().isEmpty) == true }
        task.cancel()
        _ = try? await task.value

        #expect(drained)
        let rounds = exchange.rounds.withLock { $0 }
        #expect(zip(rounds, rounds.dropFirst()).map { $1 - $0 } == [1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000])
    }

    @Test func aHeldMessageIsTriedAgainAfterItsOwnGrowingCappedBackoff() async throws {
        let outbox = try await TestOutbox.open(sink: "sensorthings:test", directory: directory)
        let seqs = try await HubWindows.append(HubWindows.packs(2).map(UpstreamMessage.aggregate), to: outbox)
        let time = SimulatedTime(HubWindows.start)
        let exchange = ScriptedExchange(time: time, refused: [seqs[0]])
        let task = Task { try await hubSink(outbox, exchange: exchange, time: time).run() }
        let enough = await eventually { exchange.attempts.withLock { $0[seqs[0]]?.count ?? 0 } >= 13 }
        task.cancel()
        _ = try? await task.value

        #expect(enough)
        #expect(exchange.attempts.withLock { $0[seqs[1]]?.count } == 1, "the other message went at once, once")
        let attempts = exchange.attempts.withLock { $0[seqs[0]] ?? [] }.prefix(13)
        let delays = zip(attempts, attempts.dropFirst()).map { $1 - $0 }
        // HubSink.heldBackoff: 1 s doubling to 10 min, each delay up to 20 % shorter (jitter).
        let ceilings: [Int64] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600].map { $0 * 1_000 }
        #expect(delays.count == ceilings.count)
        #expect(zip(delays, ceilings).allSatisfy { delay, ceiling in delay <= ceiling && delay >= ceiling * 8 / 10 },
                "\(delays)")
    }

    @Test func theDrainIsPacedAtItsRateOnTheInjectedClock() async throws {
        let outbox = try await TestOutbox.open(sink: "mqtt:test", directory: directory)
        try await outbox.append(0..<20)
        let time = SimulatedTime(1_700_000_000_000)
        let sent = Mutex<[Int64]>([])
        // 10 messages a second, a burst of 1: one message every 100 ms.
        let loop = DeliveryLoop(outbox: outbox.view, signal: OutboxSignal(), window: 4, drainRate: 10,
                                metrics: SinkMetrics(sink: "mqtt:test"), idlePoll: .seconds(1),
                                clock: FastForwardClock(time: time, end: .max).gatewayClock)
        var highestSent: Int64 = 0
        try await loop.run(send: { _ in
            sent.withLock { $0.append(time.now) }
            return .queued {}
        }, highestSent: &highestSent, finishing: { true }, progress: { _, _ in }, parked: { _, _ in })

        let times = sent.withLock { $0 }
        #expect(times.count == 20)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 100 }, "\(times)")
        #expect(try await outbox.waiting().isEmpty)
    }
}
