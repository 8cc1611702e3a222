import VigieCore

/// A message for one upstream sink, as a pipeline stage queues it: what it is, which device it
/// is about, and its stored form. Not a payload: each sink renders it at send time.
///
/// Stored in the `outbox` table (schema 1): `kind` as `OutboxKind`'s raw value, `device` in the
/// column named `topic`, `storageText` in the column named `payload` (column names of the first
/// schema, kept so that older databases open unchanged).
public struct OutboxMessage: Sendable, Equatable {
    /// The sink that must deliver it (its name in the configuration).
    public var sink: SinkName
    /// What the message is: which stored form `storageText` holds.
    public var kind: OutboxKind
    /// The device the message is about (empty for gateway-wide messages): a sink puts it in the
    /// topic or routing key it renders, and compaction merges aggregates per device.
    public var device: String
    /// The message in the outbox's own text form, UTF-8: `UpstreamMessage.storageText`, whose
    /// first line names and versions it (`vigie-aggregate 1`, `vigie-anomaly 1`, `vigie-health 1`).
    /// Kept instead of a payload so that each sink encodes it in its own format and with the
    /// sequence number at send time, and so that compaction can merge packs.
    public var storageText: [UInt8]
    /// When it was created, milliseconds since the Unix epoch.
    public var createdMilliseconds: Int64

    /// A message to append.
    public init(sink: SinkName, kind: OutboxKind, device: String, storageText: [UInt8], createdMilliseconds: Int64) {
        self.sink = sink
        self.kind = kind
        self.device = device
        self.storageText = storageText
        self.createdMilliseconds = createdMilliseconds
    }
}

/// A stored outbox message with its sequence number (increasing, never reused).
public struct OutboxEntry: Sendable, Equatable {
    /// Its sequence number: the order of delivery, carried upstream for de-duplication.
    public var seq: Int64
    /// The message, or why this version cannot read its row (a kind written by a newer version).
    public var message: Result<OutboxMessage, UnreadableOutboxRow>

    /// A stored message.
    public init(seq: Int64, message: Result<OutboxMessage, UnreadableOutboxRow>) {
        self.seq = seq
        self.message = message
    }
}

/// An outbox row this version cannot read back as an `OutboxMessage`.
public struct UnreadableOutboxRow: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind stored in the row.
    public var kind: String

    public init(kind: String) { self.kind = kind }

    public var description: String { "stored kind \"\(kind)\" is not one this version of vigie knows" }
}

/// What waits for one sink.
public struct OutboxBacklog: Sendable, Equatable {
    /// The sink's name.
    public var sink: SinkName
    /// Messages not yet acknowledged.
    public var depth: Int
    /// Creation time of the oldest one, nil when there is none.
    public var oldestCreatedMilliseconds: Int64?

    /// A sink's backlog.
    public init(sink: SinkName, depth: Int, oldestCreatedMilliseconds: Int64?) {
        self.sink = sink
        self.depth = depth
        self.oldestCreatedMilliseconds = oldestCreatedMilliseconds
    }
}
