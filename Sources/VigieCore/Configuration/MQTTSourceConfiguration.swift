/// The local broker the gateway subscribes to.
public struct MQTTSourceConfiguration: Sendable, Equatable {
    /// The broker's nodes in the order tried: the client moves to the next after a failed or lost
    /// connection (never empty; one address in the common case).
    public var brokers: [Endpoint]
    /// The first node; setting it replaces the list with that one address.
    public var broker: Endpoint {
        get { brokers[0] }
        set { brokers = [newValue] }
    }
    /// Stable across restarts, so the broker keeps QoS 1 messages for the gateway (clean session off).
    public var clientID: String
    public var username: String?
    public var passwordFile: String?
    public var tls: TLSConfiguration?
    public var keepalive: Duration
    /// A larger payload is rejected and counted.
    public var maxPayloadSize: ByteSize
    public var subscriptions: [SubscriptionConfiguration]

    public init(broker: Endpoint = Endpoint(host: "127.0.0.1", port: 1883), clientID: String = "vigie",
                username: String? = nil, passwordFile: String? = nil, tls: TLSConfiguration? = nil,
                keepalive: Duration = .seconds(30), maxPayloadSize: ByteSize = ByteSize(bytes: 256 << 10),
                subscriptions: [SubscriptionConfiguration] = []) {
        self.brokers = [broker]
        self.clientID = clientID
        self.username = username
        self.passwordFile = passwordFile
        self.tls = tls
        self.keepalive = keepalive
        self.maxPayloadSize = maxPayloadSize
        self.subscriptions = subscriptions
    }
}

public struct TLSConfiguration: Sendable, Equatable {
    public var ca: String?
    public var cert: String?
    public var key: String?
    /// Check that the server certificate names the host; on by default.
    public var verifyHostname: Bool

    public init(ca: String? = nil, cert: String? = nil, key: String? = nil, verifyHostname: Bool = true) {
        self.ca = ca
        self.cert = cert
        self.key = key
        self.verifyHostname = verifyHostname
    }
}

/// One topic filter and how its payloads become readings.
public struct SubscriptionConfiguration: Sendable, Equatable {
    /// MQTT topic filter with `+` and `#`.
    public var topic: String
    public var qos: Int
    public var format: PayloadFormat
    /// Sensor naming template: `{1}`, `{2}`... are topic levels, `{device}` the device the payload names,
    /// `{field}` the flattened field name. Formats that name devices have a sensible default.
    public var sensor: String?
    /// Unit when the payload carries none.
    public var unit: String?
    /// For `json`: the fields to read, each a point.
    public var fields: [FieldMapping]
    /// For `json`: where the time is (epoch seconds or milliseconds, or RFC 3339); else arrival time.
    public var timeField: String?
    /// How far a payload's time may be ahead of its arrival on the gateway's clock; beyond, the
    /// device's clock is wrong and the reading is dated by its arrival (`PayloadClock`). Nil: no limit.
    public var maxTimeAhead: Duration?

    /// Ten minutes: a device's clock a little fast, and the slack of cloud ingestion services
    /// (AWS IoT SiteWise accepts times up to 10 minutes ahead), are within it; a clock glitch
    /// (seconds read as milliseconds, an RTC a year ahead) is far beyond.
    public static let defaultMaxTimeAhead = Duration.seconds(600)

    public init(topic: String, qos: Int = 1, format: PayloadFormat, sensor: String? = nil, unit: String? = nil,
                fields: [FieldMapping] = [], timeField: String? = nil,
                maxTimeAhead: Duration? = Self.defaultMaxTimeAhead) {
        self.topic = topic
        self.qos = qos
        self.format = format
        self.sensor = sensor
        self.unit = unit
        self.fields = fields
        self.timeField = timeField
        self.maxTimeAhead = maxTimeAhead
    }
}

public enum PayloadFormat: String, Sendable, CaseIterable, Equatable {
    case value, json, senml, zigbee2mqtt, chirpstack, ttn, tasmota
}

/// A `json` field: `path` such as `temperature`, `data.power`, `values[0]`, stored as point `name`.
public struct FieldMapping: Sendable, Equatable {
    public var path: String
    public var name: String
    public var unit: String?

    public init(path: String, name: String? = nil, unit: String? = nil) {
        self.path = path
        self.name = name ?? path
        self.unit = unit
    }
}
