/// What the status page shows about one upstream sink.
public struct SinkStatus: Sendable, Equatable {
    /// The sink's name (`UpstreamConfiguration.name`).
    public var name: SinkName
    /// True while the hub is reachable (MQTT: connected; HTTP: the last request got an answer).
    public var connected: Bool
    /// The node the sink is connected to or trying (MQTT: one of `broker:`'s addresses); nil for HTTP.
    public var broker: String?
    /// The last delivery failure, kept until the next success.
    public var lastError: String?
    /// Messages waiting in the outbox for this sink, as last seen.
    public var backlog: Int
    /// Messages sent (including retries) and acknowledged since start.
    public var sent: Int
    public var acknowledged: Int
    /// Messages the hub refused for good (HTTP 4xx), removed from the outbox.
    public var parked: Int
    /// Why the hub refused the last parked batch (status and start of its answer).
    public var lastRefusal: String?
    /// Messages the hub refused that are kept and tried again with backoff (SensorThings, NGSI-LD).
    public var held: Int = 0

    public init(name: SinkName, connected: Bool = false, broker: String? = nil, lastError: String? = nil, backlog: Int = 0,
                sent: Int = 0, acknowledged: Int = 0, parked: Int = 0, lastRefusal: String? = nil) {
        self.name = name
        self.connected = connected
        self.broker = broker
        self.lastError = lastError
        self.backlog = backlog
        self.sent = sent
        self.acknowledged = acknowledged
        self.parked = parked
        self.lastRefusal = lastRefusal
    }
}
