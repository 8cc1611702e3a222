import CMosquitto

extension MQTTClient {
    /// Hands a message to the connection now and returns a receipt to await its acknowledgement.
    ///
    /// Unlike `publish`, the call returns as soon as libmosquitto has queued the message, so a
    /// caller that sends from one task keeps the order of its messages on the wire while many
    /// await their PUBACK. Suspends first while `maxInFlight` messages are un-acknowledged.
    public func send(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = false) async throws(MQTTError)
        -> PublishReceipt {
        try await session.send(topic: topic, payload: payload, qos: qos, retain: retain)
    }
}

/// A queued publish; `acknowledged()` returns on its PUBACK (QoS 1) or once sent (QoS 0).
public struct PublishReceipt: Sendable {
    let window: PublishWindow
    let mid: Int32

    /// Waits for the broker's acknowledgement; throws when the client is shut down first.
    public func acknowledged() async throws(MQTTError) {
        try await window.waitForAcknowledgement(of: mid)
    }
}

extension MosquittoSession {
    // The first half of `publish`: take a window slot and queue the message, without waiting for the PUBACK.
    func send(topic: String, payload: [UInt8], qos: Int, retain: Bool) async throws(MQTTError) -> PublishReceipt {
        guard (0...1).contains(qos), !topic.isEmpty, !topic.contains("+"), !topic.contains("#") else {
            throw MQTTError(.publishFailed, "cannot publish to \"\(topic)\" with QoS \(qos): a topic without wildcards and QoS 0 or 1")
        }
        guard !stopRequested.load(ordering: .acquiring) else {
            throw MQTTError(.stopped, "the MQTT client was shut down")
        }
        try await window.acquire()
        var mid: Int32 = 0
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, Int32(qos), retain)
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            window.release()
            throw MQTTError(.publishFailed, "cannot publish to \(topic)", cause: String(cString: mosquitto_strerror(rc)))
        }
        return PublishReceipt(window: window, mid: mid)
    }
}
