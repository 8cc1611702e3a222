/// A message for an upstream sink, as the forwarding stage hands it to the outbox.
public struct OutboxMessage: Sendable, Equatable {
    /// The sink that must deliver it (its name in the configuration).
    public var sink: String
    /// `aggregate`, `anomaly`, `status`, `readings`...
    public var kind: String
    public var topic: String
    public var payload: [UInt8]
    /// When it was created, milliseconds since the Unix epoch.
    public var createdMilliseconds: Int64

    public init(sink: String, kind: String, topic: String, payload: [UInt8], createdMilliseconds: Int64) {
        self.sink = sink
        self.kind = kind
        self.topic = topic
        self.payload = payload
        self.createdMilliseconds = createdMilliseconds
    }
}

/// A stored outbox message with its sequence number (increasing, never reused).
public struct OutboxEntry: Sendable, Equatable {
    public var seq: Int64
    public var message: OutboxMessage

    public init(seq: Int64, message: OutboxMessage) {
        self.seq = seq
        self.message = message
    }
}

/// What waits for one sink.
public struct OutboxBacklog: Sendable, Equatable {
    public var sink: String
    /// Messages not yet acknowledged.
    public var depth: Int
    /// Creation time of the oldest one, nil when there is none.
    public var oldestCreatedMilliseconds: Int64?

    public init(sink: String, depth: Int, oldestCreatedMilliseconds: Int64?) {
        self.sink = sink
        self.depth = depth
        self.oldestCreatedMilliseconds = oldestCreatedMilliseconds
    }
}
