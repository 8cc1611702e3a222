import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import VigieCore
import VigieMQTT
import VigieHTTP

/// Sends outbox messages to the hub by HTTP POST, one batch at a time, oldest first.
///
/// - 2xx: the batch is acknowledged (removed from the outbox).
/// - 5xx, 408, 429, timeouts, connection and TLS errors: the same batch is sent again after a
///   `Backoff` (capped exponential with jitter; defaults 0.8–1 s, 1.6–2 s, 3.2–4 s, … 48–60 s).
/// - other 4xx: the hub refuses the content; retrying cannot help, so the batch is parked
///   (removed and counted in `vigie_upstream_messages_parked_total`), logged with the start
///   of the response body, and the sink moves on.
///
/// When idle it waits for `OutboxSignal.notify()` or at most `idlePoll` (1 s): a message
/// committed without a notification leaves within a second. curl calls block, so they run
/// on the sink's own serial queue, never on the cooperative pool.
/// On graceful shutdown it flushes: keeps posting until the outbox is empty, for at most
/// `flushTimeout` (5 s; each request's timeout is cut to what remains), without retrying a
/// failed batch; what is left stays in the outbox for the next start.
public final class HTTPSink: Service, Sendable {
    /// Longest sleep while idle without a notification.
    public static let idlePoll: Duration = .seconds(1)
    /// How long the flush on shutdown may last.
    public static let flushTimeout: Duration = .seconds(5)

    private let name: SinkName
    private let configuration: HTTPSinkConfiguration
    private let outbox: any SinkOutbox
    private let signal: OutboxSignal
    private let backoff: Backoff.Configuration
    /// Times the backoff, the idle retries and the flush on shutdown.
    private let clock: GatewayClock
    private let logger: Logger
    private let metrics: SinkMetrics
    private let state: Mutex<SinkStatus>
    private let queue: BlockingQueue
    // One poster, used only from `queue`.
    private let poster = HTTPPoster()

    /// - Parameters:
    ///   - name: the sink's name in the outbox, logs and metrics (`UpstreamConfiguration.name`).
    ///   - outbox: this sink's view of the outbox.
    ///   - signal: notified by the daemon after each commit that queued messages.
    public init(name: SinkName, configuration: HTTPSinkConfiguration, outbox: any SinkOutbox, signal: OutboxSignal,
                backoff: Backoff.Configuration = .init(), clock: GatewayClock = .system, logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.name = name
        self.configuration = configuration
        self.outbox = outbox
        self.signal = signal
        self.backoff = backoff
        self.clock = clock
        self.logger = logger.tagged("sink.name", name)
        self.metrics = SinkMetrics(sink: name, factory: metricsFactory)
        self.state = Mutex(SinkStatus(name: name))
        self.queue = BlockingQueue(label: "vigie.sink.\(name)")
    }

    /// What the status page shows.
    public var status: SinkStatus { state.withLock { $0 } }

    public func run() async throws {
        let token = try readToken()
        var backoff = Backoff(configuration: self.backoff)
        let clock = self.clock
        var flushDeadline: GatewayClock.Instant?
        while !Task.isCancelled {
            if flushDeadline == nil, Task.isShuttingDownGracefully { flushDeadline = clock.now + Self.flushTimeout }
            let remaining = flushDeadline.map { clock.now.duration(to: $0) }
            if let remaining, remaining <= .zero { break }
            let batch: [PendingMessage]
            do {
                batch = try await outbox.pending(after: 0, limit: max(1, configuration.batch))
            } catch {
                logger.error("The outbox could not be read.", metadata: ["error": "\(error)"])
                if flushDeadline != nil { break }
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: .seconds(1)) }
                continue
            }
            guard !batch.isEmpty else {
                state.withLock { $0.backlog = 0 }
                if flushDeadline != nil { break }
                await cancelWhenGracefulShutdown { await self.signal.wait(upTo: Self.idlePoll, clock: self.clock) }
                continue
            }
            let undeliverable = batch.filter { $0.undeliverable != nil }
            if !undeliverable.isEmpty {
                if await !park(undeliverable) {
                    try? await cancelWhenGracefulShutdown { try await clock.sleep(for: .seconds(1)) }
                }
                continue
            }
            if backoff.attempt > 0 { metrics.retried.increment(by: batch.count) }
            metrics.sent.increment(by: batch.count)
            state.withLock { $0.sent += batch.count }
            let timeout = remaining.map { min($0, configuration.timeout) } ?? configuration.timeout
            switch await deliver(batch, token: token, timeout: timeout) {
            case .delivered:
                backoff.reset()
            case .retry:
                if flushDeadline != nil { return }
                let delay = backoff.next()
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
            }
        }
    }

    private enum Outcome { case delivered, retry }

    /// Parks messages that can never be sent (`PendingMessage.undeliverable`), each logged with
    /// its reason; false when the outbox could not remove them.
    private func park(_ undeliverable: [PendingMessage]) async -> Bool {
        for message in undeliverable {
            logger.error("An outbox message cannot be sent; it is parked.",
                         metadata: ["outbox.seq": "\(message.seq)", "reason": "\(message.undeliverable ?? "")"])
        }
        let seqs = Array(Set(undeliverable.map(\.seq))).sorted()
        do {
            try await outbox.park(seqs)
        } catch {
            logger.error("Undeliverable messages could not be parked.", metadata: ["error": "\(error)"])
            return false
        }
        metrics.parked.increment(by: seqs.count)
        state.withLock { $0.parked += seqs.count }
        return true
    }

    private func deliver(_ batch: [PendingMessage], token: String?, timeout: Duration) async -> Outcome {
        let seqs = batch.map(\.seq)
        let result = await post(HTTPSinkEnvelope(batch, format: configuration.format), token: token, timeout: timeout)
        let metadata: Logger.Metadata = ["outbox.first_seq": "\(seqs.first ?? 0)", "outbox.count": "\(seqs.count)"]
        switch result {
        case .failure(let error):
            logger.warning("The hub could not be reached; the batch will be sent again.",
                           metadata: metadata.merging(["error": "\(error)"]) { $1 })
            record(connected: false, error: error.message)
            return .retry
        case .success(let response) where (200..<300).contains(response.status):
            do {
                try await outbox.acknowledge(seqs)
            } catch {
                // Delivered but still stored: it will be sent again (the hub drops it by seq).
                logger.error("Delivered messages could not be removed from the outbox.", metadata: ["error": "\(error)"])
                return .retry
            }
            metrics.acknowledged.increment(by: seqs.count)
            state.withLock { $0.connected = true; $0.lastError = nil; $0.acknowledged += seqs.count }
            return .delivered
        case .success(let response) where Self.isRefusal(response.status):
            logger.error("The hub refused a batch; it is parked and will not be sent again.",
                         metadata: metadata.merging(["http.status": "\(response.status)",
                                                     "http.body": "\(response.bodyPrefix.prefix(200))"]) { $1 })
            do {
                try await outbox.park(seqs)
            } catch {
                logger.error("A refused batch could not be parked.", metadata: ["error": "\(error)"])
                return .retry
            }
            metrics.parked.increment(by: seqs.count)
            state.withLock {
                $0.connected = true; $0.parked += seqs.count
                $0.lastRefusal = "HTTP \(response.status): \(response.bodyPrefix.prefix(120))"
            }
            return .delivered
        case .success(let response):
            logger.warning("The hub failed to take a batch; it will be sent again.",
                           metadata: metadata.merging(["http.status": "\(response.status)"]) { $1 })
            record(connected: true, error: "HTTP \(response.status): \(response.bodyPrefix.prefix(120))")
            return .retry
        }
    }

    /// 4xx other than timeouts and rate limits: the content is refused, not the moment.
    package static func isRefusal(_ status: Int) -> Bool {
        (400..<500).contains(status) && status != 408 && status != 429
    }

    private func record(connected: Bool, error: String) {
        state.withLock { $0.connected = connected; $0.lastError = error }
    }

    private func post(_ envelope: HTTPSinkEnvelope, token: String?,
                      timeout: Duration) async -> Result<HTTPPoster.Response, UpstreamError> {
        let poster = self.poster
        let configuration = self.configuration
        return await queue.run {
            Result { () throws(UpstreamError) in
                try poster.post(url: configuration.url, body: envelope.body, contentType: envelope.contentType,
                                bearerToken: token, tls: configuration.tls, timeout: timeout)
            }
        }
    }

    private func readToken() throws(UpstreamError) -> String? {
        guard let path = configuration.tokenFile else { return nil }
        switch CredentialFile.read(path) {
        case .success(let token): return token
        case .failure(let failure): throw UpstreamError(.credentials, failure.message)
        }
    }
}
