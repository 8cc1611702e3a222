import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import VigieCore
import VigieStore

/// One outbox message, decoded, as a hub exchange takes it.
struct HubMessage: Sendable {
    var seq: Int64
    var message: UpstreamMessage
}

/// What a round of deliveries did.
struct HubRound: Sendable {
    /// Stored by the hub (or known to be there already, or not for this hub): removed from the outbox.
    var done: [Int64] = []
    /// Refused by the hub (a 4xx for this content), with its answer: held and tried again later.
    var refused: [Int64: String] = [:]
    /// Why the round stopped early; the messages in neither list are sent again.
    var failure: HubFailure?
}

/// The outbox as a hub sink reads it: stored rows, decoded by the sink (`OutboxEntry.decoded`),
/// since each hub encodes a message its own way. `StoreSinkOutbox` is the store's.
protocol HubOutbox: Sendable {
    /// Up to `limit` rows with a sequence number above `seq`, oldest first.
    func entries(after seq: Int64, limit: Int) async throws -> [OutboxEntry]
    /// Removes messages the hub stored.
    func acknowledge(_ seqs: [Int64]) async throws
    /// Removes messages that can never be sent; the sink counts them.
    func park(_ seqs: [Int64]) async throws
}

/// The protocol side of a hub sink: SensorThings or NGSI-LD.
protocol HubExchange: Sendable {
    /// Sends `messages` (oldest first) and says what became of each.
    func deliver(_ messages: [HubMessage]) async -> HubRound
}

/// Sends one sink's outbox to a data hub through a `HubExchange`, oldest first, a batch at a time.
///
/// - Delivered (or already at the hub): removed from the outbox.
/// - Refused (4xx for that content): held, not removed; the rest goes on. A held message is tried
///   again after a backoff of its own (1 s doubling to 10 min), counted in
///   `vigie_upstream_messages_refused_total`, shown in `/health` (`SinkStatus.held`) and logged
///   with the hub's answer.
/// - A 5xx, a timeout, an unreachable hub: the round stops and is tried again after a `Backoff`;
///   a 401/403 is reported as a credential problem. The exchange checks what the hub already
///   holds before sending again what was in flight (exactly once).
/// - A stored message that cannot be read back is parked (removed and counted).
final class HubSink: Service, Sendable {
    static let idlePoll: Duration = .seconds(1)
    static let heldBackoff = Backoff.Configuration(initial: .seconds(1), maximum: .seconds(600))

    private let name: SinkName
    private let outbox: any HubOutbox
    private let signal: OutboxSignal
    /// Makes the exchange when the sink starts (credential files are read then).
    private let open: @Sendable () throws(UpstreamError) -> any HubExchange
    private let batch: Int
    private let backoff: Backoff.Configuration
    /// Times the backoffs (the round's and each held message's) and the idle retries.
    private let clock: GatewayClock
    private let logger: Logger
    private let metrics: SinkMetrics
    private let refusals: Counter
    private let state: Mutex<SinkStatus>

    init(name: SinkName, open: @escaping @Sendable () throws(UpstreamError) -> any HubExchange, outbox: any HubOutbox, signal: OutboxSignal, batch: Int,
         backoff: Backoff.Configuration = .init(), clock: GatewayClock = .system, logger: Logger,
         metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.name = name
        self.open = open
        self.outbox = outbox
        self.signal = signal
        self.batch = max(1, batch)
        self.backoff = backoff
        self.clock = clock
        self.logger = logger.tagged("sink.name", name)
        self.metrics = SinkMetrics(sink: name, factory: metricsFactory)
        self.refusals = Counter(label: "vigie_upstream_messages_refused_total", dimensions: [("sink", name.description)],
                                factory: metricsFactory)
        self.state = Mutex(SinkStatus(name: name))
    }

    var status: SinkStatus { state.withLock { $0 } }

    /// A message the hub refused: when it may be tried again.
    private struct Held {
        var backoff = Backoff(configuration: HubSink.heldBackoff)
        var due: GatewayClock.Instant
    }

    func run() async throws {
        let exchange = try open()
        var backoff = Backoff(configuration: self.backoff)
        let clock = self.clock
        var held: [Int64: Held] = [:]
        var highestSent: Int64 = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let pending: [OutboxEntry]
            do {
                pending = try await outbox.entries(after: 0, limit: batch + held.count)
            } catch {
                logger.error("The outbox could not be read.", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: .seconds(1)) }
                continue
            }
            let now = clock.now
            var messages: [HubMessage] = []
            var unreadable: [Int64] = []
            for entry in pending where held[entry.seq].map({ $0.due <= now }) ?? true {
                guard messages.count < batch else { break }
                switch entry.decoded {
                case .success(let message): messages.append(HubMessage(seq: entry.seq, message: message))
                case .failure: unreadable.append(entry.seq)
                }
            }
            if !unreadable.isEmpty { await park(unreadable) }
            state.withLock { $0.held = held.count }
            guard !messages.isEmpty else {
                let nextDue = held.values.map(\.due).min()
                let wait = nextDue.map { min(Self.idlePoll, max(.milliseconds(10), now.duration(to: $0))) } ?? Self.idlePoll
                await cancelWhenGracefulShutdown { await self.signal.wait(upTo: wait, clock: self.clock) }
                continue
            }
            let retried = messages.filter { $0.seq <= highestSent }.count
            if retried > 0 { metrics.retried.increment(by: retried) }
            highestSent = max(highestSent, messages.last?.seq ?? 0)
            metrics.sent.increment(by: messages.count)
            state.withLock { $0.sent += messages.count }

            let round = await exchange.deliver(messages)
            if !round.done.isEmpty {
                do {
                    try await outbox.acknowledge(round.done)
                    metrics.acknowledged.increment(by: round.done.count)
                    for seq in round.done { held[seq] = nil }
                    state.withLock { $0.acknowledged += round.done.count; $0.held = held.count }
                } catch {
                    logger.error("Delivered messages could not be removed from the outbox.", metadata: ["error": "\(error)"])
                }
            }
            for (seq, answer) in round.refused.sorted(by: { $0.key < $1.key }) {
                var entry = held[seq] ?? Held(due: clock.now)
                let delay = entry.backoff.next()
                entry.due = clock.now + delay
                held[seq] = entry
                refusals.increment()
                logger.error("The hub refused a message; it is held and will be tried again.",
                             metadata: ["outbox.seq": "\(seq)", "hub.answer": "\(answer.prefix(300))",
                                        "retry_in": "\(delay)", "attempt": "\(entry.backoff.attempt)"])
                state.withLock { $0.held = held.count; $0.lastRefusal = answer }
            }
            if let failure = round.failure {
                switch failure {
                case .credentials:
                    logger.error("The hub refused the credentials; messages wait in the outbox.",
                                 metadata: ["error": "\(failure.message)"])
                default:
                    logger.warning("The hub could not take a batch; it will be sent again.",
                                   metadata: ["error": "\(failure.message)"])
                }
                let reached = if case .transport = failure { false } else { true }
                state.withLock { $0.connected = reached; $0.lastError = failure.message }
                let delay = backoff.next()
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
            } else {
                backoff.reset()
                state.withLock { $0.connected = true; $0.lastError = nil }
            }
        }
    }

    private func park(_ seqs: [Int64]) async {
        logger.error("Outbox messages could not be read back; they are parked.", metadata: ["outbox.seqs": "\(seqs)"])
        do {
            try await outbox.park(seqs)
            metrics.parked.increment(by: seqs.count)
            state.withLock { $0.parked += seqs.count }
        } catch {
            logger.error("Unreadable messages could not be parked.", metadata: ["error": "\(error)"])
        }
    }
}
