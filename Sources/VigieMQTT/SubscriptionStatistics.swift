/// What one subscription has received so far, for the status page and `/metrics`.
public struct SubscriptionStatistics: Sendable, Equatable {
    /// The subscription's topic filter.
    public var topic: String
    public var messages = 0
    public var readings = 0
    /// The latest message's arrival (decoded or rejected), milliseconds since the epoch; nil before the first.
    public var lastMessage: Int64?
    /// Messages rejected (bad payload), all reasons.
    public var rejected = 0
    /// Rejections by `PayloadRejection.Code` raw value.
    public var rejectedByReason: [String: Int] = [:]
    /// Readings dated by their arrival because their payload time was too far ahead (`PayloadClock`).
    public var stampedAhead = 0
    /// Readings dated by their arrival because their payload time was before 2025: a device clock never set (`PayloadClock`).
    public var clockUnset = 0
    /// Retained deliveries not taken: a reconnection's copy, one whose payload does not date its
    /// readings, or any under `retained: skip` (`DeliveryFilter`).
    public var retainedSkipped = 0
    /// Messages dropped as dated copies of their topic's last payload: sent again by the broker (`DeliveryFilter`).
    public var duplicates = 0
    /// The latest rejection, in words.
    public var lastRejection: String?

    public init(topic: String) {
        self.topic = topic
    }
}
