import CMosquitto
import VigieCore

extension MosquittoSession {
    /// SUBACK's code for a refused subscription (MQTT 3.1.1: 0x80).
    static let subscriptionRefused: Int32 = 0x80

    /// Sends SUBSCRIBE and remembers its message id, to name the filter if the SUBACK refuses it.
    @discardableResult
    func sendSubscribe(_ filter: String, qos: Int32) -> Int32 {
        var mid: Int32 = 0
        let rc = mosquitto_subscribe(handle, &mid, filter, qos)
        if rc == MOSQ_ERR_SUCCESS.rawValue { pendingSubscriptions.withLock { $0[mid] = filter } }
        return rc
    }

    /// A SUBACK (network thread). A refusal is an authorisation matter (an ACL), the same on every
    /// node of a cluster: it is reported once per node and filter, and the connection stays where
    /// it is; moving to another node is for connection failures only.
    func didSubscribe(_ mid: Int32, granted: [Int32]) {
        guard let filter = pendingSubscriptions.withLock({ $0.removeValue(forKey: mid) }),
              granted.contains(Self.subscriptionRefused) else { return }
        let broker = configuration.brokers[brokerIndex.load(ordering: .relaxed)]
        let refusal = SubscriptionRefusal(broker: broker, filter: filter)
        let isNew = refusals.withLock { refusals in
            guard !refusals.contains(refusal) else { return false }
            refusals.append(refusal)
            return true
        }
        guard isNew else { return }
        logger.error("The broker refused a subscription (check its ACL for this client); staying connected to it.",
                     metadata: ["mqtt.broker": "\(broker)", "mqtt.topic": "\(filter)"])
    }
}

/// A subscription a broker node refused (SUBACK 0x80: not authorised, usually its ACL).
public struct SubscriptionRefusal: Sendable, Equatable {
    public var broker: Endpoint
    public var filter: String
}
