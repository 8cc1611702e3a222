import VigieCore

/// Keeps copies and readings of unknown age out of the store: decides, before a message is
/// decoded, which of its readings the MQTT source may take.
///
/// Two kinds of message are not news:
/// * a **retained delivery** (MQTT's retain flag): the broker's copy of a topic's last retained
///   message, sent on every connection and reconnection of the gateway, however old. Its
///   subscription's `RetainedDelivery` policy says what becomes of it; under `new` (the
///   default) it is taken only when its payload dates its readings;
/// * a **copy** of the topic's last payload: a retained message sent again, or a QoS 1 message
///   the broker sent again because its acknowledgement was lost with the connection. Dated, it
///   holds the very readings already taken, at the same times, and is dropped; undated, it is
///   a new reading that happens to have the same value (a thermometer's "21.5" every minute).
///   More than `copyLimit` live copies in a row are taken again: a device that keeps sending
///   its last message has hung, and the detector's rule for repeated readings reports it
///   `stuck` (`SeasonalBaselineDetector.absorbRepeat`), where dropping them would hide it.
///
/// So the last payload of each topic is remembered, as a hash, for at most `topicLimit` topics
/// (about 100 bytes each with the topic's name: 2.5 MB at the default 25,000; a gateway has one
/// topic or a few per device; beyond the limit a new topic's copies are not recognised). Before the first payload of a topic, after a start or a reload, a retained
/// delivery's readings are compared with the store instead: those no newer than their sensor's
/// newest stored reading (`storedNewest`, read when the source starts) were stored by an
/// earlier run (`dropStored`).
///
/// Pure and single-owner: the source's consumer task keeps one.
struct DeliveryFilter {
    /// What to do with one message.
    enum Decision: Equatable {
        /// Decode it, taking its readings if their dating meets the requirement.
        case decode(DatingRequirement)
        /// A retained delivery not taken: under `retained: skip`, or a copy of a payload already received.
        case skipRetained
    }

    /// Each topic's last payload (its hash), and the live copies of it received in a row.
    private var lastPayload: [String: (hash: Int, liveCopies: Int)] = [:]
    let topicLimit: Int
    /// The time of each sensor's newest stored reading when the source started.
    let storedNewest: [SensorID: Int64]
    /// Live copies in a row that are dropped; more are taken (a hung device).
    static let copyLimit = 10

    init(storedNewest: [SensorID: Int64] = [:], topicLimit: Int = 25_000) {
        self.storedNewest = storedNewest
        self.topicLimit = topicLimit
    }

    /// Removes from `readings`, from index `start` on (a retained delivery's readings), those no
    /// newer than their sensor's newest stored reading; returns whether it removed any.
    func dropStored(_ readings: inout [Reading], from start: Int) -> Bool {
        guard !storedNewest.isEmpty else { return false }
        let count = readings.count
        readings[start...].removeAll { reading in storedNewest[reading.sensor].map { reading.time <= $0 } ?? false }
        return readings.count < count
    }

    /// Decides for `message`, which went to a subscription whose policy is `policy`, and
    /// remembers its payload as its topic's last.
    mutating func admit(_ message: MQTTMessage, policy: RetainedDelivery) -> Decision {
        if message.retain && policy == .skip { return .skipRetained }
        let isCopy = remember(message)
        guard message.retain && policy == .new else { return .decode(isCopy ? .undated : .any) }
        return isCopy ? .skipRetained : .decode(.dated)
    }

    /// Remembers the message's payload as its topic's last; returns whether it is a copy: the
    /// same payload again, retained, or live at most `copyLimit` times in a row.
    private mutating func remember(_ message: MQTTMessage) -> Bool {
        guard lastPayload.count < topicLimit || lastPayload[message.topic] != nil else { return false }
        var hasher = Hasher()
        message.payload.withUnsafeBytes { hasher.combine(bytes: $0) }
        let payload = hasher.finalize()
        guard let last = lastPayload[message.topic], last.hash == payload else {
            lastPayload[message.topic] = (payload, 0)
            return false
        }
        if message.retain { return true }
        lastPayload[message.topic]?.liveCopies += 1
        return last.liveCopies < Self.copyLimit
    }
}
