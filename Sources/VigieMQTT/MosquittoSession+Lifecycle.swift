import CMosquitto
import Glibc
import Logging
import VigieCore

extension MosquittoSession {
    func start() throws(MQTTError) {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // The thread holds this retained reference; it is also libmosquitto's user data for callbacks.
        let retained = Unmanaged.passRetained(self)
        mosquitto_user_data_set(handle, retained.toOpaque())
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let session = Unmanaged<MosquittoSession>.fromOpaque(raw)
            session.takeUnretainedValue().runNetworkLoop()
            session.release()
            return nil
        }, retained.toOpaque())
        guard rc == 0 else {
            mosquitto_user_data_set(handle, nil)
            retained.release()
            throw MQTTError(.invalidConfiguration, "cannot start the MQTT network thread", cause: String(cString: strerror(rc)))
        }
        pthread_detach(thread)
    }

    /// The network thread: connect, loop, back off and reconnect until stopped.
    func runNetworkLoop() {
        let keepalive = Int32(clamping: max(5, configuration.keepalive.milliseconds / 1000))
        var generator = SystemRandomNumberGenerator()
        var firstAttempt = true
        let brokers = configuration.brokers
        while !stopRequested.load(ordering: .relaxed) {
            let broker = brokers[brokerIndex.load(ordering: .relaxed)]
            setState(.connecting)
            // `mosquitto_connect` on a used handle keeps its queued messages, as `mosquitto_reconnect` does.
            var rc = firstAttempt || brokers.count > 1
                ? mosquitto_connect(handle, broker.host, Int32(broker.port), keepalive)
                : mosquitto_reconnect(handle)
            firstAttempt = false
            while rc == MOSQ_ERR_SUCCESS.rawValue, !stopRequested.load(ordering: .relaxed) {
                rc = mosquitto_loop(handle, 100, 1)
                if rc == MOSQ_ERR_SUCCESS.rawValue { rc = readWaitingPackets() }
                inbox.wake()
            }
            if stopRequested.load(ordering: .relaxed) { break }
            connected.store(false, ordering: .releasing)
            let reason = rc == MOSQ_ERR_ERRNO.rawValue ? String(cString: strerror(errno)) : String(cString: mosquitto_strerror(rc))
            setState(.disconnected(reason: "\(broker): \(reason)"))
            let delay = backoffDelay(using: &generator)
            // A connection failure (refused, lost, CONNACK refused): the next node, after the backoff.
            let next = (brokerIndex.load(ordering: .relaxed) + 1) % brokers.count
            logger.info("MQTT connection lost, reconnecting", metadata: [
                "mqtt.broker": "\(broker)", "mqtt.reason": "\(reason)", "mqtt.delay_ms": "\(delay.milliseconds)",
                "mqtt.next_broker": "\(brokers[next])",
            ])
            setState(.waitingToReconnect(delay: delay))
            sleepUnlessStopped(delay)
            brokerIndex.store(next, ordering: .relaxed)
        }
        if connected.load(ordering: .acquiring) {
            mosquitto_disconnect(handle)
            // Let the DISCONNECT (and any PUBACK owed) go out.
            for _ in 0..<20 where mosquitto_loop(handle, 50, 1) == MOSQ_ERR_SUCCESS.rawValue {}
        }
        connected.store(false, ordering: .releasing)
        mosquitto_user_data_set(handle, nil)
        window.close(MQTTError(.stopped, "the MQTT client was shut down"))
        inbox.finish()
        setState(.stopped)
        stateContinuation.finish()
        let waiters = exitState.withLock { state in
            state.done = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Packets read at most after each `mosquitto_loop`, without waiting.
    static let packetsPerWakeup = 64

    /// Reads the packets already waiting in the socket, up to `packetsPerWakeup`.
    ///
    /// `mosquitto_loop` waits in `pselect`, then reads one packet (libmosquitto 2.0 ignores its
    /// `max_packets` and reads as many packets as it has outgoing or QoS 2 messages queued: one,
    /// for a subscriber). Under load that is a `pselect` per message; reading on until the socket
    /// is empty (`EAGAIN`) takes a burst in one wake-up. The PUBACKs owed go out on the next
    /// `mosquitto_loop`, as before.
    private func readWaitingPackets() -> Int32 {
        for _ in 0..<Self.packetsPerWakeup {
            errno = 0
            let rc = mosquitto_loop_read(handle, 1)
            if rc != MOSQ_ERR_SUCCESS.rawValue { return rc }
            if errno == EAGAIN || errno == EWOULDBLOCK || stopRequested.load(ordering: .relaxed) { break }
        }
        return MOSQ_ERR_SUCCESS.rawValue
    }

    private func backoffDelay(using generator: inout SystemRandomNumberGenerator) -> Duration {
        // `backoff` belongs to the network thread (see the type's comment).
        backoff.next(using: &generator)
    }

    private func sleepUnlessStopped(_ delay: Duration) {
        var remaining = delay.milliseconds
        while remaining > 0, !stopRequested.load(ordering: .relaxed) {
            let step = min(remaining, 100)
            usleep(UInt32(step * 1000))
            remaining -= step
        }
    }

    func shutdown() async {
        stopRequested.store(true, ordering: .releasing)
        guard started.load(ordering: .acquiring) else {
            window.close(MQTTError(.stopped, "the MQTT client was shut down"))
            inbox.finish()
            stateContinuation.finish()
            return
        }
        // A wait on a condition (resumed by whoever meets it), not on a queue: no `BlockingQueue`.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = exitState.withLock { state in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    func subscribe(_ filter: String, qos: Int) throws(MQTTError) {
        guard TopicFilter(filter) != nil, (0...2).contains(qos) else {
            throw MQTTError(.subscribeFailed, "\"\(filter)\" (QoS \(qos)) is not a valid MQTT subscription")
        }
        subscriptions.withLock { $0.append((filter, Int32(qos))) }
        if connected.load(ordering: .acquiring) {
            let rc = sendSubscribe(filter, qos: Int32(qos))
            guard rc == MOSQ_ERR_SUCCESS.rawValue || rc == MOSQ_ERR_NO_CONN.rawValue else {
                throw MQTTError(.subscribeFailed, "cannot subscribe to \(filter)", cause: String(cString: mosquitto_strerror(rc)))
            }
        }
    }

    /// Queues the message (`send`) and waits for its PUBACK.
    func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool) async throws(MQTTError) {
        try await send(topic: topic, payload: payload, qos: qos, retain: retain).acknowledged()
    }
}
