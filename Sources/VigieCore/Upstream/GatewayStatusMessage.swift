/// The gateway's own state, published on the status topic (`{kind}` = `status`).
///
/// `online` is published retained on connect and `offline` is registered as the Last Will,
/// so the retained message always tells whether the gateway is connected. `health` is sent
/// periodically (not retained).
public enum GatewayStatusMessage: Hashable, Sendable {
    /// Connected: `{"kind":"status","gateway":"g","state":"online","version":"0.1.0","time":...,"uptime_s":12,"backlog":0}`.
    case online(version: String, time: Int64, uptimeSeconds: Int64, backlog: Int64)
    /// The Last Will: `{"kind":"status","gateway":"g","state":"offline"}` (no time: set at connect).
    case offline
    /// Periodic health.
    case health(GatewayHealth)

    /// The JSON text; `sequence` is the outbox sequence number when the message went through the outbox.
    public func json(gateway: String, sequence: Int64? = nil) -> String {
        var json = JSONWriter()
        json.beginObject()
        switch self {
        case let .online(version, time, uptime, backlog):
            json.field("kind", OutboxKind.status.rawValue)
            json.field("gateway", gateway)
            json.field("seq", sequence)
            json.field("state", "online")
            json.field("version", version)
            json.field("time", time)
            json.field("uptime_s", uptime)
            json.field("backlog", backlog)
        case .offline:
            json.field("kind", OutboxKind.status.rawValue)
            json.field("gateway", gateway)
            json.field("state", "offline")
        case .health(let health):
            json.field("kind", "health")
            json.field("gateway", gateway)
            json.field("seq", sequence)
            health.write(to: &json)
        }
        json.endObject()
        return json.output
    }
}

/// What the periodic health message reports. Counters are totals since the gateway started.
public struct GatewayHealth: Hashable, Sendable {
    /// When measured (ms since the epoch) and seconds since start.
    public var time: Int64
    public var uptimeSeconds: Int64
    /// Outbox messages waiting for this sink, and the age of the oldest one (seconds).
    public var backlog: Int64
    public var oldestPendingAgeSeconds: Int64?
    /// Readings received from every source.
    public var readingsIn: Int64
    /// Errors of every kind (decode, device, transport, store).
    public var errors: Int64
    /// Given up to stay within the disk budget: raw readings deleted before retention, outbox
    /// messages dropped, and outbox messages merged away by compaction.
    public var evictedReadings: Int64
    public var droppedMessages: Int64
    public var compactedMessages: Int64

    public init(time: Int64, uptimeSeconds: Int64, backlog: Int64, oldestPendingAgeSeconds: Int64?,
                readingsIn: Int64, errors: Int64, evictedReadings: Int64 = 0, droppedMessages: Int64 = 0,
                compactedMessages: Int64 = 0) {
        self.time = time
        self.uptimeSeconds = uptimeSeconds
        self.backlog = backlog
        self.oldestPendingAgeSeconds = oldestPendingAgeSeconds
        self.readingsIn = readingsIn
        self.errors = errors
        self.evictedReadings = evictedReadings
        self.droppedMessages = droppedMessages
        self.compactedMessages = compactedMessages
    }

    func write(to json: inout JSONWriter) {
        json.field("time", time)
        json.field("uptime_s", uptimeSeconds)
        json.field("backlog", backlog)
        json.field("oldest_pending_age_s", oldestPendingAgeSeconds)
        json.field("readings_in", readingsIn)
        json.field("errors", errors)
        json.key("evictions")
        json.beginObject()
        json.field("readings", evictedReadings)
        json.field("messages", droppedMessages)
        json.field("compacted", compactedMessages)
        json.endObject()
    }
}
