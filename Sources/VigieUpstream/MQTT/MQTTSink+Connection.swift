#if canImport(Glibc)
import Glibc
#endif
import Logging
import VigieCore
import VigieMQTT

extension MQTTSink {
    package var offlinePayload: [UInt8] { Array(GatewayStatusMessage.offline.json(gateway: options.gateway).utf8) }

    /// The sink's own client: credentials read now, Last Will `offline` retained on the status topic.
    package func makeClient() throws -> MQTTClient {
        var password: String?
        if let path = configuration.passwordFile {
            switch CredentialFile.read(path) {
            case .success(let secret): password = secret
            case .failure(let failure): throw MQTTError(.secretUnreadable, failure.message)
            }
        }
        // Clean session unless the sink carries commands: unacknowledged messages stay in the
        // outbox anyway, but commands sent while the gateway is away must wait at the broker.
        let settings = MQTTClient.Configuration(
            host: configuration.broker.host, port: configuration.broker.port,
            clientID: configuration.clientID ?? options.clientID ?? "vigie-\(options.gateway)",
            username: configuration.username, password: password, tls: configuration.tls,
            keepalive: configuration.keepalive, cleanSession: options.control == nil,
            will: MQTTClient.Will(topic: statusTopic, payload: offlinePayload, qos: 1, retain: true),
            backoff: options.backoff, maxInFlight: max(1, configuration.inflight), inboxCapacity: options.control == nil ? 1 : 16)
        var nodes = settings
        nodes.brokers = configuration.brokers
        return try MQTTClient(configuration: nodes, logger: logger)
    }

    /// Follows the connection: publishes `online` (retained) on every connect, records the state.
    ///
    /// The `online` publish runs beside the watch (a child task): waiting for its PUBACK must not
    /// delay noticing the next disconnection.
    package func watchConnection(_ client: MQTTClient) async {
        let topic = statusTopic
        await withTaskGroup(of: Void.self) { group in
            for await event in client.connectionStates {
                switch event {
                case .connected:
                    let backlog = (try? await outbox.backlog())?.count ?? status.backlog
                    let uptime = (ContinuousClock.now - started).components.seconds
                    let online = GatewayStatusMessage.online(version: VigieVersion.current, time: WallClock.nowMilliseconds(),
                                                             uptimeSeconds: uptime, backlog: Int64(backlog))
                    let payload = Array(online.json(gateway: options.gateway).utf8)
                    let broker = client.currentBroker
                    state.withLock { $0.connected = true; $0.broker = "\(broker)"; $0.backlog = backlog; $0.lastError = nil }
                    metrics.connected(to: broker)
                    logger.info("Connected to the hub.", metadata: ["mqtt.broker": "\(broker)"])
                    signal.notify()
                    group.addTask {
                        do {
                            try await client.publish(topic: topic, payload: payload, retain: true)
                        } catch {
                            self.logger.warning("The online status could not be published.", metadata: ["error": "\(error)"])
                        }
                    }
                case .disconnected(let reason):
                    state.withLock { $0.connected = false; $0.lastError = reason }
                    metrics.connected(to: nil)
                    logger.warning("Disconnected from the hub.", metadata: ["mqtt.broker": "\(client.currentBroker)",
                                                                          "error": "\(reason)"])
                case .stopped:
                    state.withLock { $0.connected = false }
                    return
                case .connecting:
                    state.withLock { $0.broker = "\(client.currentBroker)" }
                case .waitingToReconnect:
                    continue
                }
            }
        }
    }

    /// Publishes the health message every `healthInterval` while connected.
    package func reportHealth(_ client: MQTTClient) async {
        while !Task.isCancelled {
            try? await options.clock.sleep(for: options.healthInterval)
            guard !Task.isCancelled, status.connected else { continue }
            var health = await health()
            if let backlog = try? await outbox.backlog() {
                health.backlog = Int64(backlog.count)
                health.oldestPendingAgeSeconds = backlog.oldestMillis.map { max(0, (options.clock.wallMilliseconds() - $0) / 1000) }
                state.withLock { $0.backlog = backlog.count }
            }
            let payload = Array(GatewayStatusMessage.health(health).json(gateway: options.gateway).utf8)
            try? await client.publish(topic: statusTopic, payload: payload, retain: false)
        }
    }

    /// Why `message` can never be published (MQTT 3.1.1 limits), or nil.
    package static func unpublishable(_ message: PendingMessage) -> String? {
        if let undeliverable = message.undeliverable { return undeliverable }
        let topic = message.topic
        if topic.isEmpty { return "outbox message \(message.seq) has an empty topic" }
        if topic.contains("+") || topic.contains("#") || topic.contains("\0") {
            return "the topic \(topic) of outbox message \(message.seq) contains a wildcard or NUL"
        }
        if topic.utf8.count > 65_535 { return "the topic of outbox message \(message.seq) is longer than 65,535 bytes" }
        if message.payload.count > 256 << 20 { return "outbox message \(message.seq) is larger than 256 MB" }
        return nil
    }
}
