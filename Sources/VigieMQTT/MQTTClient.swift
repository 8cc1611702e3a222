import CMosquitto
import Logging
import VigieCore

/// An MQTT 3.1.1 client over libmosquitto, shared by the MQTT source and the upstream sink.
///
/// `start()` spawns one network thread that owns the connection: it connects, runs
/// libmosquitto's loop, and reconnects after a loss with `Backoff` (`.reconnect`). Received messages
/// come out of `messages` (bounded, see `MQTTMessages`), connection changes out of
/// `connectionStates`. `publish` returns when the broker acknowledged (QoS 1) with at most
/// `maxInFlight` publishes outstanding. `shutdown()` disconnects and waits for the thread.
///
/// With `cleanSession` false (the default) and a stable `clientID`, the broker keeps the
/// subscriptions and queues QoS 1 messages while the gateway is away.
public final class MQTTClient: Sendable {
    /// How to reach the broker and how to behave.
    public struct Configuration: Sendable {
        /// The broker's nodes in the order tried: after a failed or lost connection the client
        /// backs off, then tries the next (the first again after the last). Never empty.
        public var brokers: [Endpoint]
        /// The first node's host and port; setting one keeps the other nodes.
        public var host: String {
            get { brokers[0].host }
            set { brokers[0].host = newValue }
        }
        public var port: Int {
            get { brokers[0].port }
            set { brokers[0].port = newValue }
        }
        public var clientID: String
        public var username: String?
        public var password: String?
        public var tls: TLSConfiguration?
        /// A PINGREQ after this much silence; the broker drops the client after 1.5 × this.
        public var keepalive: Duration
        public var cleanSession: Bool
        public var will: Will?
        public var backoff: Backoff.Configuration
        /// Publishes awaiting their PUBACK, at most.
        public var maxInFlight: Int
        /// Received messages buffered for the consumer, at most.
        public var inboxCapacity: Int

        public init(host: String = "127.0.0.1", port: Int = 1883, clientID: String, username: String? = nil,
                    password: String? = nil, tls: TLSConfiguration? = nil, keepalive: Duration = .seconds(30),
                    cleanSession: Bool = false, will: Will? = nil, backoff: Backoff.Configuration = .reconnect,
                    maxInFlight: Int = 64, inboxCapacity: Int = 1024) {
            self.brokers = [Endpoint(host: host, port: port)]
            self.clientID = clientID
            self.username = username
            self.password = password
            self.tls = tls
            self.keepalive = keepalive
            self.cleanSession = cleanSession
            self.will = will
            self.backoff = backoff
            self.maxInFlight = maxInFlight
            self.inboxCapacity = inboxCapacity
        }
    }

    /// The Last Will: what the broker publishes if the client vanishes without DISCONNECT.
    public struct Will: Sendable, Equatable {
        public var topic: String
        public var payload: [UInt8]
        public var qos: Int
        public var retain: Bool

        public init(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = true) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
        }
    }

    let session: MosquittoSession

    /// Sets the handle up (credentials, TLS, will); nothing connects before `start()`.
    public init(configuration: Configuration, logger: Logger) throws(MQTTError) {
        session = try MosquittoSession(configuration: configuration, logger: logger)
    }

    /// Received messages; iterate from one task.
    public var messages: MQTTMessages { MQTTMessages(inbox: session.inbox) }

    /// Every state change, oldest first (the newest 64 are kept if nobody reads).
    public var connectionStates: AsyncStream<MQTTConnectionState> { session.states }

    /// The state now.
    public var connectionState: MQTTConnectionState { session.currentState.withLock { $0 } }

    /// The node connected to, or being tried (the first before `start()`).
    public var currentBroker: Endpoint { session.configuration.brokers[session.brokerIndex.load(ordering: .relaxed)] }

    /// The subscriptions a node refused (an ACL), each once, oldest first.
    public var refusedSubscriptions: [SubscriptionRefusal] { session.refusals.withLock { $0 } }

    /// Messages dropped because nobody was iterating `messages`.
    public var droppedMessages: Int { session.inbox.dropped.load(ordering: .relaxed) }

    /// Starts the network thread: connect, then stay connected. Call once.
    public func start() throws(MQTTError) { try session.start() }

    /// Subscribes now if connected, and again after every reconnection.
    public func subscribe(_ filter: String, qos: Int) throws(MQTTError) { try session.subscribe(filter, qos: qos) }

    /// Publishes and returns once the broker has it: PUBACK for QoS 1, sent for QoS 0.
    /// Suspends first while `maxInFlight` publishes are outstanding. While disconnected a QoS 1
    /// message waits in libmosquitto and is sent on reconnection.
    public func publish(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = false) async throws(MQTTError) {
        try await session.publish(topic: topic, payload: payload, qos: qos, retain: retain)
    }

    /// Disconnects cleanly and waits for the network thread to end; `messages` then ends after
    /// the buffered ones, pending publishes fail with `stopped`.
    public func shutdown() async { await session.shutdown() }

    /// Asks the network thread to disconnect and end, without waiting: `messages` ends after
    /// the buffered ones, so a consumer drains what libmosquitto already acknowledged.
    public func requestShutdown() { session.stopRequested.store(true, ordering: .releasing) }

    /// libmosquitto's version, e.g. `2.0.11`.
    public static var libraryVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        mosquitto_lib_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
