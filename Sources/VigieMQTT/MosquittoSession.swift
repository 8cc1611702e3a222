import CMosquitto
import Glibc
import Logging
import Synchronization
import VigieCore

/// Owns one libmosquitto handle and the network thread that drives it.
///
/// `@unchecked Sendable` because `handle` is an `OpaquePointer`, which Swift cannot check. The
/// discipline: the network thread alone connects, loops, reconnects and disconnects; other
/// threads only call `mosquitto_publish` / `mosquitto_subscribe`, which libmosquitto makes
/// thread-safe once `mosquitto_threaded_set(true)`; callbacks run on the network thread and
/// only touch `Locked`/`Atomic` state and continuations (never actors). `backoff` is touched
/// by the network thread only. The handle is destroyed in `deinit`, when neither the client
/// nor the thread (which holds a retained reference, passed as libmosquitto's user data and
/// released after its last `mosquitto_loop`) can use it.
final class MosquittoSession: @unchecked Sendable {
    private static let libraryInitialised: Bool = { mosquitto_lib_init() == MOSQ_ERR_SUCCESS.rawValue }()

    let handle: OpaquePointer
    let configuration: MQTTClient.Configuration
    let logger: Logger
    let inbox: MessageInbox
    let window: PublishWindow
    let states: AsyncStream<MQTTConnectionState>
    let stateContinuation: AsyncStream<MQTTConnectionState>.Continuation
    let currentState = Locked(MQTTConnectionState.stopped)
    let subscriptions = Locked<[(filter: String, qos: Int32)]>([])
    /// SUBSCRIBEs awaiting their SUBACK, by message id: the filter, to name it if refused.
    let pendingSubscriptions = Locked<[Int32: String]>([:])
    /// Each subscription a node refused, reported once (see `didSubscribe`).
    let refusals = Locked<[SubscriptionRefusal]>([])
    /// Index in `configuration.brokers` of the node connected to or being tried; written by the network thread.
    let brokerIndex = Atomic<Int>(0)
    let stopRequested = Atomic<Bool>(false)
    let started = Atomic<Bool>(false)
    let connected = Atomic<Bool>(false)
    let exitState = Locked<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    /// Network thread only (reset in `didConnect`, advanced between attempts).
    var backoff: Backoff

    init(configuration: MQTTClient.Configuration, logger: Logger) throws(MQTTError) {
        guard Self.libraryInitialised else { throw MQTTError(.invalidConfiguration, "libmosquitto failed to initialise") }
        guard !configuration.brokers.isEmpty else {
            throw MQTTError(.invalidConfiguration, "the MQTT client needs at least one broker address")
        }
        for broker in configuration.brokers where !(1...65535).contains(broker.port) {
            throw MQTTError(.invalidConfiguration, "broker port \(broker.port) of \(broker.host) is not in 1...65535")
        }
        guard !configuration.clientID.isEmpty, configuration.clientID.utf8.count <= 65535 else {
            throw MQTTError(.invalidConfiguration, "the MQTT client id must be set (and stable, for the persistent session)")
        }
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            throw MQTTError(.invalidConfiguration, "libmosquitto could not create a client",
                            cause: String(cString: strerror(errno)))
        }
        self.handle = handle
        self.configuration = configuration
        self.logger = logger
        self.inbox = MessageInbox(capacity: configuration.inboxCapacity)
        self.window = PublishWindow(capacity: configuration.maxInFlight)
        (states, stateContinuation) = AsyncStream.makeStream(of: MQTTConnectionState.self, bufferingPolicy: .bufferingNewest(64))
        self.backoff = Backoff(configuration: configuration.backoff)
        try configure()
    }

    deinit {
        mosquitto_destroy(handle)
    }

    private func check(_ rc: Int32, _ what: String) throws(MQTTError) {
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw MQTTError(.invalidConfiguration, what, cause: String(cString: mosquitto_strerror(rc)))
        }
    }

    private func configure() throws(MQTTError) {
        try check(mosquitto_threaded_set(handle, true), "cannot enable threaded mode")
        try check(mosquitto_max_inflight_messages_set(handle, UInt32(max(1, configuration.maxInFlight))),
                  "cannot set the in-flight limit")
        if let username = configuration.username {
            try check(mosquitto_username_pw_set(handle, username, configuration.password), "cannot set the MQTT credentials")
        }
        if let tls = configuration.tls {
            if tls.ca == nil {
                try check(mosquitto_int_option(handle, MOSQ_OPT_TLS_USE_OS_CERTS, 1), "cannot use the system CA certificates")
            }
            try check(mosquitto_tls_set(handle, tls.ca, nil, tls.cert, tls.key, nil),
                      "cannot set up TLS: check the ca, cert and key files exist and are readable")
            try check(mosquitto_tls_insecure_set(handle, !tls.verifyHostname), "cannot set TLS hostname verification")
        }
        if let will = configuration.will {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set(handle, will.topic, Int32(bytes.count), bytes.baseAddress, Int32(will.qos), will.retain)
            }
            try check(rc, "the last will is invalid: check its topic and QoS")
        }
        mosquitto_connect_callback_set(handle) { _, context, rc in
            guard let context else { return }
            Unmanaged<MosquittoSession>.fromOpaque(context).takeUnretainedValue().didConnect(rc)
        }
        mosquitto_disconnect_callback_set(handle) { _, context, rc in
            guard let context else { return }
            Unmanaged<MosquittoSession>.fromOpaque(context).takeUnretainedValue().didDisconnect(rc)
        }
        mosquitto_publish_callback_set(handle) { _, context, mid in
            guard let context else { return }
            Unmanaged<MosquittoSession>.fromOpaque(context).takeUnretainedValue().window.acknowledge(mid)
        }
        mosquitto_subscribe_callback_set(handle) { _, context, mid, count, granted in
            guard let context, let granted else { return }
            let codes = Array(UnsafeBufferPointer(start: granted, count: Int(max(0, count))))
            Unmanaged<MosquittoSession>.fromOpaque(context).takeUnretainedValue().didSubscribe(mid, granted: codes)
        }
        mosquitto_message_callback_set(handle) { _, context, message in
            guard let context, let message else { return }
            Unmanaged<MosquittoSession>.fromOpaque(context).takeUnretainedValue().didReceive(message.pointee)
        }
    }

    func setState(_ state: MQTTConnectionState) {
        currentState.withLock { $0 = state }
        stateContinuation.yield(state)
    }

    // MARK: - Callbacks (network thread)

    private func didConnect(_ rc: Int32) {
        guard rc == 0 else {
            setState(.disconnected(reason: "broker refused the connection: " + String(cString: mosquitto_connack_string(rc))))
            return
        }
        backoff.reset()
        connected.store(true, ordering: .releasing)
        for subscription in subscriptions.withLock({ $0 }) {
            sendSubscribe(subscription.filter, qos: subscription.qos)
        }
        setState(.connected)
    }

    private func didDisconnect(_ rc: Int32) {
        connected.store(false, ordering: .releasing)
        if rc != 0 { setState(.disconnected(reason: String(cString: mosquitto_strerror(rc)))) }
    }

    private func didReceive(_ message: mosquitto_message) {
        // Topic and payload are valid only during the callback: copy them.
        let topic = message.topic.map { String(cString: $0) } ?? ""
        let count = Int(max(0, message.payloadlen))
        let payload = message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
        let copy = MQTTMessage(topic: topic, payload: payload, qos: Int(message.qos), retain: message.retain)
        if !inbox.push(copy, stopping: { stopRequested.load(ordering: .relaxed) }) {
            logger.warning("MQTT message dropped: nobody is reading messages", metadata: ["mqtt.topic": "\(topic)"])
        }
    }
}
