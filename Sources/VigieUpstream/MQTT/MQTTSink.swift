import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import VigieCore
import VigieMQTT

/// Delivers one sink's outbox to the hub over its own MQTT connection, QoS 1, oldest first.
///
/// - Connection: its own client (TLS CA, client certificate and key; username, password from
///   `password_file`), reconnecting by itself with capped exponential backoff and jitter.
/// - Delivery: see `DeliveryLoop`: at most `inflight` messages await their PUBACK; a message
///   leaves the outbox only once acknowledged; after a reconnect what was not acknowledged is
///   sent again, in order. The backlog drains at most at `drain_rate` messages per second.
/// - Idle: waits for `OutboxSignal.notify()` or at most `idlePoll` (1 s): a message committed
///   without a notification leaves within a second; with one, at once.
/// - Status: on every connect `online` (version, uptime, backlog) is published retained on the
///   topic rendered with kind `status` (`vigie/{gateway}/{device}` → `vigie/g/_status`); the
///   Last Will publishes `offline` there, retained, when the connection dies without a goodbye.
///   Every `healthInterval` (60 s) a health message goes to the same topic, not retained.
/// - Graceful shutdown: keeps delivering until the outbox is empty and the PUBACKs in flight
///   are in, for at most `flushTimeout` (5 s); then publishes `offline` (retained, waiting at
///   most 1 s) and disconnects cleanly. What is left stays in the outbox for the next start.
public final class MQTTSink: Service, Sendable {
    /// Longest sleep while idle without a notification.
    public static let idlePoll: Duration = .seconds(1)

    /// The sink's settings beyond the configuration file's.
    public struct Options: Sendable {
        public var gateway: String
        /// Defaults to `vigie-<gateway>`.
        public var clientID: String?
        public var healthInterval: Duration
        public var flushTimeout: Duration
        /// Reconnection delays.
        public var backoff: Backoff.Configuration
        /// Commands from the hub on this sink's connection; nil on every sink but the control one.
        public var control: SinkControl?
        /// Paces the drain and the health messages (the flush and the offline wait stay on real time).
        public var clock: GatewayClock

        public init(gateway: String, clientID: String? = nil, healthInterval: Duration = .seconds(60),
                    flushTimeout: Duration = .seconds(5), backoff: Backoff.Configuration = .reconnect,
                    control: SinkControl? = nil, clock: GatewayClock = .system) {
            self.gateway = gateway
            self.clock = clock
            self.control = control
            self.clientID = clientID
            self.healthInterval = healthInterval
            self.flushTimeout = flushTimeout
            self.backoff = backoff
        }
    }

    package let name: SinkName
    package let configuration: MQTTSinkConfiguration
    package let options: Options
    package let outbox: any SinkOutbox
    package let signal: OutboxSignal
    package let health: @Sendable () async -> GatewayHealth
    package let logger: Logger
    package let metrics: SinkMetrics
    package let state: Mutex<SinkStatus>
    /// `online`/`offline` (retained) and health (not retained) share it (docs/upstream.md, "Topics").
    package let statusTopic: String
    package let started = ContinuousClock.now

    /// - Parameters:
    ///   - name: the sink's name in the outbox, logs and metrics (`UpstreamConfiguration.name`).
    ///   - outbox: this sink's view of the outbox.
    ///   - signal: notified by the daemon after each commit that queued messages.
    ///   - health: the daemon's counters for the health message (the sink fills in its backlog).
    /// - Throws: `UpstreamError` when the topic template is invalid.
    public init(name: SinkName, configuration: MQTTSinkConfiguration, options: Options, outbox: any SinkOutbox,
                signal: OutboxSignal, health: @escaping @Sendable () async -> GatewayHealth, logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) throws {
        self.name = name
        self.configuration = configuration
        self.options = options
        self.outbox = outbox
        self.signal = signal
        self.health = health
        self.logger = logger.tagged("sink.name", name)
        self.metrics = SinkMetrics(sink: name, brokers: configuration.brokers, factory: metricsFactory)
        self.state = Mutex(SinkStatus(name: name, broker: "\(configuration.broker)"))
        let template = try TopicTemplate(parsing: configuration.topic)
        statusTopic = template.render(gateway: options.gateway, kind: OutboxKind.status.rawValue)
    }

    /// What the status page shows.
    public var status: SinkStatus { state.withLock { $0 } }

    public func run() async throws {
        let client = try makeClient()
        let stopping = StopFlag()
        if let control = options.control { try client.subscribe(control.commands, qos: 1) }
        try client.start()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.watchConnection(client) }
            group.addTask { await self.reportHealth(client) }
            if let control = options.control {
                group.addTask { await self.serveCommands(control, client: client) }
            }
            await withTaskCancellationHandler {
                await withGracefulShutdownHandler {
                    await self.deliver(client, stopping: stopping)
                } onGracefulShutdown: {
                    stopping.set()
                    self.signal.notify()
                }
            } onCancel: {
                stopping.set()
            }
            if status.connected { await publishOffline(client) }
            await client.shutdown()
            group.cancelAll()
        }
    }

    /// A clean DISCONNECT suppresses the Last Will: say `offline` first (waiting at most 1 s).
    private func publishOffline(_ client: MQTTClient) async {
        let payload = offlinePayload
        let topic = statusTopic
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await client.publish(topic: topic, payload: payload, retain: true) }
            group.addTask { try? await Task.sleep(for: .seconds(1)) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Delivers until shutdown, then flushes: keeps sending until the outbox is empty and every
    /// PUBACK is in, for at most `flushTimeout` after shutdown began.
    private func deliver(_ client: MQTTClient, stopping: StopFlag) async {
        let loop = DeliveryLoop(outbox: outbox, signal: signal, window: configuration.inflight,
                                drainRate: configuration.drainRate, metrics: metrics, idlePoll: Self.idlePoll,
                                clock: options.clock)
        let flushTimeout = options.flushTimeout
        // QoS 1 unless the configuration asks for 0 (then "acknowledged" means written to the socket).
        let qos = configuration.qos == 0 ? 0 : 1
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var highestSent: Int64 = 0
                var failures = 0
                while !Task.isCancelled {
                    guard self.status.connected else {
                        if stopping.isSet, (try? await self.outbox.pending(after: 0, limit: 1).isEmpty) ?? true { return }
                        await self.signal.wait(upTo: stopping.isSet ? .milliseconds(100) : Self.idlePoll)
                        continue
                    }
                    let acknowledgedBefore = self.state.withLock { $0.acknowledged }
                    do {
                        try await loop.run(
                            send: { message in
                                // Only what can never be published is refused; a failing send is
                                // transient (connection state) and retried, never parked.
                                if let problem = Self.unpublishable(message) { return .refused(problem) }
                                let receipt = try await client.send(topic: message.topic, payload: message.payload, qos: qos)
                                return .queued({ try await receipt.acknowledged() })
                            },
                            highestSent: &highestSent,
                            finishing: { stopping.isSet },
                            progress: { sent, acknowledged in
                                self.state.withLock { $0.sent += sent; $0.acknowledged += acknowledged }
                            },
                            parked: { message, reason in
                                self.state.withLock { $0.parked += 1; $0.lastRefusal = reason }
                                self.logger.error("A message cannot be published; it is parked and will not be sent again.",
                                                  metadata: ["outbox.seq": "\(message.seq)", "mqtt.topic": "\(message.topic)",
                                                             "error": "\(reason)"])
                            })
                        return
                    } catch {
                        guard !Task.isCancelled else { return }
                        // One warning per streak of the same failure (a full disk fails every removal);
                        // the retries back off 200 ms, 400 ms, ... 5 s, reset once a removal succeeds.
                        let progressed = self.state.withLock { $0.acknowledged } > acknowledgedBefore
                        if progressed { failures = 0 }
                        failures += 1
                        let text = "\(error)"
                        let repeated = failures > 1 && text == self.status.lastError
                        self.state.withLock { $0.lastError = text }
                        self.logger.log(level: repeated ? .debug : .warning,
                                        "Publishing to the hub failed; unacknowledged messages will be sent again.",
                                        metadata: ["error": "\(text)", "sink.failures": "\(failures)"])
                        await self.signal.wait(upTo: .milliseconds(min(5_000, 200 << min(failures - 1, 5))))
                    }
                }
            }
            group.addTask {
                // Bounds the flush: starts counting when shutdown begins.
                try? await gracefulShutdown()
                try? await Task.sleep(for: flushTimeout)
            }
            await group.next()
            group.cancelAll()
        }
    }
}

/// Set once when the sink must stop taking messages; read from any task.
package final class StopFlag: Sendable {
    private let value = Atomic(false)

    package var isSet: Bool { value.load(ordering: .relaxed) }

    package func set() { value.store(true, ordering: .relaxed) }
}
