/// A message for an upstream sink, as the forwarding stage hands it to the outbox.
public struct OutboxMessage: Sendable, Equatable {
    /// The sink that must deliver it (its name in the configuration).
    public var sink: String
    /// `aggregate`, `anomaly`, `status`, `readings`...
    public var kind: String
    /// Where the sink publishes it (an MQTT topic, an HTTP path).
    public var topic: String
    /// The encoded message (SenML, JSON...).
    public var payload: [UInt8]
    /// When it was created, milliseconds since the Unix epoch.
    public var createdMilliseconds: Int64

    /// A message to append.
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
    /// Its sequence number: the order of delivery, carried upstream for de-duplication.
    public var seq: Int64
    /// The message itself.
    public var message: OutboxMessage

    /// A stored message.
    public init(seq: Int64, message: OutboxMessage) {
        self.seq = seq
        self.message = message
    }
}

/// What waits for one sink.
public struct OutboxBacklog: Sendable, Equatable {
    /// The sink's name.
    public var sink: String
    /// Messages not yet acknowledged.
    public var depth: Int
    /// Creation time of the oldest one, nil when there is none.
    public var oldestCreatedMilliseconds: Int64?

    /// A sink's backlog.
    public init(sink: String, depth: Int, oldestCreatedMilliseconds: Int64?) {
        self.sink = sink
        self.depth = depth
        self.oldestCreatedMilliseconds = oldestCreatedMilliseconds
    }
}
