/// A sink towards the territory's data hub.
public enum UpstreamConfiguration: Sendable, Equatable {
    case mqtt(MQTTSinkConfiguration)
    case http(HTTPSinkConfiguration)
    case sensorThings(SensorThingsSinkConfiguration)
    case ngsiLD(NGSILDSinkConfiguration)

    /// A stable name for logs, metrics and the outbox (`mqtt:hub.example:8883`, `http:https://...`).
    public var name: SinkName {
        switch self {
        case .mqtt(let sink): SinkName(sink.name ?? "mqtt:\(sink.broker)")
        case .http(let sink): SinkName(sink.name ?? "http:\(sink.url)")
        case .sensorThings(let sink): SinkName(sink.name ?? "sensorthings:\(sink.url)")
        case .ngsiLD(let sink): SinkName(sink.name ?? "ngsi_ld:\(sink.url)")
        }
    }

    public var kinds: Set<OutboxKind> {
        switch self {
        case .mqtt(let sink): sink.send
        case .http(let sink): sink.send
        case .sensorThings(let sink): sink.send
        case .ngsiLD(let sink): sink.send
        }
    }
}

/// What travels upstream.
public enum OutboxKind: String, Sendable, CaseIterable, Equatable {
    case aggregate, anomaly, status, readings
}

public enum UpstreamFormat: String, Sendable, CaseIterable, Equatable {
    case senml, json
}

public struct MQTTSinkConfiguration: Sendable, Equatable {
    public var name: String?
    /// The hub broker's nodes in the order tried (a cluster's nodes, or a primary and a backup): the
    /// sink moves to the next after a failed or lost connection. Never empty.
    public var brokers: [Endpoint]
    /// The first node, which also names the sink (`mqtt:<first node>`): adding nodes later keeps
    /// the sink's outbox. Setting it replaces the list with that one address.
    public var broker: Endpoint {
        get { brokers[0] }
        set { brokers = [newValue] }
    }
    /// Defaults to `vigie-<gateway id>-<index>`.
    public var clientID: String?
    public var username: String?
    public var passwordFile: String?
    public var tls: TLSConfiguration?
    /// `{gateway}`, `{device}`, `{point}`, `{kind}`.
    public var topic: String
    public var format: UpstreamFormat
    public var qos: Int
    public var send: Set<OutboxKind>
    /// Messages published but not yet acknowledged.
    public var inflight: Int
    /// Messages per second at most while draining a backlog (0: no limit).
    public var drainRate: Int
    public var keepalive: Duration

    public init(name: String? = nil, broker: Endpoint, clientID: String? = nil, username: String? = nil,
                passwordFile: String? = nil, tls: TLSConfiguration? = nil,
                topic: String = "vigie/{gateway}/{device}", format: UpstreamFormat = .senml, qos: Int = 1,
                send: Set<OutboxKind> = [.aggregate, .anomaly, .status], inflight: Int = 100,
                drainRate: Int = 10_000, keepalive: Duration = .seconds(30)) {
        self.name = name
        self.brokers = [broker]
        self.clientID = clientID
        self.username = username
        self.passwordFile = passwordFile
        self.tls = tls
        self.topic = topic
        self.format = format
        self.qos = qos
        self.send = send
        self.inflight = inflight
        self.drainRate = drainRate
        self.keepalive = keepalive
    }
}

public struct HTTPSinkConfiguration: Sendable, Equatable {
    public var name: String?
    public var url: String
    public var tokenFile: String?
    public var tls: TLSConfiguration?
    public var format: UpstreamFormat
    public var send: Set<OutboxKind>
    /// Outbox messages per POST.
    public var batch: Int
    public var timeout: Duration

    public init(name: String? = nil, url: String, tokenFile: String? = nil, tls: TLSConfiguration? = nil,
                format: UpstreamFormat = .senml, send: Set<OutboxKind> = [.aggregate, .anomaly, .status],
                batch: Int = 100, timeout: Duration = .seconds(10)) {
        self.name = name
        self.url = url
        self.tokenFile = tokenFile
        self.tls = tls
        self.format = format
        self.send = send
        self.batch = batch
        self.timeout = timeout
    }
}
