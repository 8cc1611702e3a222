/// The outbox as one sink sees it: its own messages, oldest first, removed once delivered.
///
/// The daemon adapts the store's outbox to this role for each configured sink (the sink name
/// is bound by the adapter). Implementations run their blocking work off the cooperative pool.
public protocol SinkOutbox: Sendable {
    /// Up to `limit` messages with a sequence number greater than `seq`, in sequence order.
    func pending(after seq: Int64, limit: Int) async throws -> [PendingMessage]
    /// Removes messages the hub acknowledged.
    func acknowledge(_ seqs: [Int64]) async throws
    /// Removes messages the hub refused for good (HTTP 4xx); the sink counts them.
    func park(_ seqs: [Int64]) async throws
    /// How many messages wait and how old the oldest is.
    func backlog() async throws -> SinkBacklog
}

/// One outbox message waiting for a sink, rendered for it.
public struct PendingMessage: Sendable, Equatable {
    /// Outbox sequence number: increasing, unique per database, carried in the payload.
    public var seq: Int64
    /// What the message is; nil only for a stored row whose kind this version does not know
    /// (`undeliverable` says so).
    public var kind: OutboxKind?
    /// The rendered topic (MQTT) or routing key (HTTP envelope).
    public var topic: String
    /// The encoded payload (SenML or plain JSON).
    public var payload: [UInt8]
    /// When the message was queued, milliseconds since the Unix epoch.
    public var createdMillis: Int64
    /// Why this message can never be sent (its stored form cannot be read back), or nil. A sink
    /// parks such a message with this reason (logged and counted) instead of sending it, so one
    /// damaged row cannot block the queue.
    public var undeliverable: String?

    public init(seq: Int64, kind: OutboxKind?, topic: String, payload: [UInt8], createdMillis: Int64,
                undeliverable: String? = nil) {
        self.seq = seq
        self.kind = kind
        self.topic = topic
        self.payload = payload
        self.createdMillis = createdMillis
        self.undeliverable = undeliverable
    }
}

/// The size of a sink's backlog.
public struct SinkBacklog: Sendable, Equatable {
    public var count: Int
    /// Milliseconds since the Unix epoch of the oldest waiting message; nil when empty.
    public var oldestMillis: Int64?

    public init(count: Int, oldestMillis: Int64?) {
        self.count = count
        self.oldestMillis = oldestMillis
    }
}
