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
    /// What becomes of a message the broker delivers from its retained store (`retained`).
    public var retained: RetainedDelivery

    /// Ten minutes: a device's clock a little fast, and the slack of cloud ingestion services
    /// (AWS IoT SiteWise accepts times up to 10 minutes ahead), are within it; a clock glitch
    /// (seconds read as milliseconds, an RTC a year ahead) is far beyond.
    public static let defaultMaxTimeAhead = Duration.seconds(600)

    public init(topic: String, qos: Int = 1, format: PayloadFormat, sensor: String? = nil, unit: String? = nil,
                fields: [FieldMapping] = [], timeField: String? = nil,
                maxTimeAhead: Duration? = Self.defaultMaxTimeAhead, retained: RetainedDelivery = .new) {
        self.topic = topic
        self.qos = qos
        self.format = format
        self.sensor = sensor
        self.unit = unit
        self.fields = fields
        self.timeField = timeField
        self.maxTimeAhead = maxTimeAhead
        self.retained = retained
    }
}

/// What becomes of a retained delivery: a message the broker sends from its retained store
/// because the gateway subscribed (MQTT's retain flag, set on delivery only then). The broker
/// keeps each topic's last retained message and sends it again on every connection and
/// reconnection, however old it is, and MQTT says nothing of its age.
public enum RetainedDelivery: String, Sendable, CaseIterable, Equatable {
    /// Stored when it is news: not the message the topic last delivered since the start (a
    /// reconnection's copy) nor readings already stored (after a restart), and dated by its
    /// payload. An undated one (a plain value, a
    /// Zigbee2MQTT state) is skipped: dated by its arrival it would be a reading of unknown age
    /// stored as new, and a device gone silent would seem alive at every reconnection.
    case new
    /// Never stored: the subscription takes live messages only.
    case skip
    /// Stored like any message (an undated one dated by its arrival): for a broker whose
    /// retained messages are known to be fresh.
    case keep
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
