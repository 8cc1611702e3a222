/// Everything the status page, `/health` and `vigie status` show, at one instant.
///
/// Built by the daemon's `GatewayStatusProvider`; plain values so the HTTP layer needs nothing
/// else. Times are milliseconds since the Unix epoch (UTC), like `Reading.time`.
public struct GatewaySnapshot: Codable, Sendable, Equatable {
    public var gateway: GatewayIdentity
    public var buses: [BusStatus]
    public var subscriptions: [SubscriptionStatus]
    public var store: StoreStatus
    public var sinks: [UpstreamStatus]
    public var sensors: [SensorStatus]
    /// Anomalies still open (no end yet), newest first.
    public var openAnomalies: [AnomalyStatus]
    public var clock: ClockStatus
    /// The last commands from the hub, newest first (empty when control is off).
    public var commands: [CommandStatus]

    public init(gateway: GatewayIdentity, buses: [BusStatus] = [], subscriptions: [SubscriptionStatus] = [],
                store: StoreStatus, sinks: [UpstreamStatus] = [], sensors: [SensorStatus] = [],
                openAnomalies: [AnomalyStatus] = [], clock: ClockStatus, commands: [CommandStatus] = []) {
        self.commands = commands
        self.gateway = gateway
        self.buses = buses
        self.subscriptions = subscriptions
        self.store = store
        self.sinks = sinks
        self.sensors = sensors
        self.openAnomalies = openAnomalies
        self.clock = clock
    }
}

/// The state of one component, worst last.
public enum ComponentState: String, Codable, Sendable, Comparable, CaseIterable {
    case ok, degraded, failing

    public static func < (lhs: ComponentState, rhs: ComponentState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Which gateway this is and since when it runs.
public struct GatewayIdentity: Codable, Sendable, Equatable {
    public var id: String
    public var version: String
    public var hostname: String
    /// When the daemon started.
    public var startedAt: Int64
    /// When the snapshot was taken.
    public var now: Int64

    public init(id: String, version: String, hostname: String, startedAt: Int64, now: Int64) {
        self.id = id
        self.version = version
        self.hostname = hostname
        self.startedAt = startedAt
        self.now = now
    }
}

/// One Modbus bus and its devices.
public struct BusStatus: Codable, Sendable, Equatable {
    public var name: String
    /// How it is reached, for a person: `tcp 192.168.10.20:502`, `rtu /dev/ttyUSB0 9600 8N1`.
    public var transport: String
    public var devices: [DeviceStatus]

    public init(name: String, transport: String, devices: [DeviceStatus]) {
        self.name = name
        self.transport = transport
        self.devices = devices
    }
}

/// One device on a bus.
public struct DeviceStatus: Codable, Sendable, Equatable {
    public var name: String
    public var unit: Int
    /// `ok` while it answers, `degraded` when some points fail, `failing` when it does not answer.
    public var state: ComponentState
    /// The last poll that got an answer.
    public var lastPoll: Int64?
    public var lastError: String?
    /// Failed polls since start.
    public var errors: Int

    public init(name: String, unit: Int, state: ComponentState, lastPoll: Int64? = nil,
                lastError: String? = nil, errors: Int = 0) {
        self.name = name
        self.unit = unit
        self.state = state
        self.lastPoll = lastPoll
        self.lastError = lastError
        self.errors = errors
    }
}

/// One MQTT subscription of the source.
public struct SubscriptionStatus: Codable, Sendable, Equatable {
    public var topic: String
    public var format: String
    public var state: ComponentState
    public var lastMessage: Int64?
    public var decodeFailures: Int
    /// Readings dated by their arrival because their payload's time was too far ahead (a device's clock).
    public var stampedAhead: Int
    /// Readings dated by their arrival because their payload's time was before 2025 (a device's clock never set).
    public var clockUnset: Int
    /// Retained deliveries not stored (a reconnection's copy, an undated one, or `retained: skip`).
    public var retainedSkipped: Int
    /// Messages dropped as dated copies of their topic's last payload (sent again by the broker).
    public var duplicates: Int
    /// The broker node the source is connected to or trying.
    public var broker: String?
    /// The nodes that refused this subscription (an ACL), if any.
    public var refusedBy: [String]

    public init(topic: String, format: String, state: ComponentState, lastMessage: Int64? = nil, decodeFailures: Int = 0,
                stampedAhead: Int = 0, clockUnset: Int = 0, retainedSkipped: Int = 0, duplicates: Int = 0,
                broker: String? = nil, refusedBy: [String] = []) {
        self.topic = topic
        self.format = format
        self.state = state
        self.lastMessage = lastMessage
        self.decodeFailures = decodeFailures
        self.stampedAhead = stampedAhead
        self.clockUnset = clockUnset
        self.retainedSkipped = retainedSkipped
        self.duplicates = duplicates
        self.broker = broker
        self.refusedBy = refusedBy
    }

    private enum CodingKeys: String, CodingKey {
        case topic, format, state, lastMessage, decodeFailures, stampedAhead, clockUnset, retainedSkipped, duplicates, broker,
             refusedBy
    }

    /// Counters added after the first release default to 0, so that `vigie status` reads the
    /// status of a daemon of an earlier version.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(topic: try container.decode(String.self, forKey: .topic),
                  format: try container.decode(String.self, forKey: .format),
                  state: try container.decode(ComponentState.self, forKey: .state),
                  lastMessage: try container.decodeIfPresent(Int64.self, forKey: .lastMessage),
                  decodeFailures: try container.decode(Int.self, forKey: .decodeFailures),
                  stampedAhead: try container.decodeIfPresent(Int.self, forKey: .stampedAhead) ?? 0,
                  clockUnset: try container.decodeIfPresent(Int.self, forKey: .clockUnset) ?? 0,
                  retainedSkipped: try container.decodeIfPresent(Int.self, forKey: .retainedSkipped) ?? 0,
                  duplicates: try container.decodeIfPresent(Int.self, forKey: .duplicates) ?? 0,
                  broker: try container.decodeIfPresent(String.self, forKey: .broker),
                  refusedBy: try container.decode([String].self, forKey: .refusedBy))
    }
}

extension SubscriptionStatus {
    /// What the operator should know about the messages' dating and copies, one phrase per kind
    /// seen ("3 readings dated by arrival (device clock ahead)", "2 retained messages not stored"),
    /// for the status page and `vigie status`.
    public var deliveryNotes: [String] {
        [(stampedAhead, "device clock ahead"), (clockUnset, "device clock not set")]
            .filter { $0.0 > 0 }.map { "\($0.0) readings dated by arrival (\($0.1))" }
            + [(retainedSkipped, "retained messages not stored (sent before vigie subscribed)"),
               (duplicates, "duplicate messages dropped (sent again by the broker)")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
    }
}

/// The SQLite store.
public struct StoreStatus: Codable, Sendable, Equatable {
    public var state: ComponentState
    public var databaseBytes: Int64
    public var maxBytes: Int64
    public var lastCommit: Int64?
    public var lastError: String?

    public init(state: ComponentState, databaseBytes: Int64, maxBytes: Int64, lastCommit: Int64? = nil,
                lastError: String? = nil) {
        self.state = state
        self.databaseBytes = databaseBytes
        self.maxBytes = maxBytes
        self.lastCommit = lastCommit
        self.lastError = lastError
    }
}

/// One upstream sink and its share of the outbox.
public struct UpstreamStatus: Codable, Sendable, Equatable {
    public var name: String
    /// `mqtt hub.example:8883`, `http https://hub.example/ingest`.
    public var target: String
    public var state: ComponentState
    public var connected: Bool
    /// MQTT: the broker node connected to or being tried, one of the target's.
    public var broker: String?
    /// Outbox messages waiting for this sink.
    public var backlog: Int
    /// Creation time of the oldest waiting message.
    public var oldestPending: Int64?
    public var lastAck: Int64?
    public var lastError: String?

    public init(name: String, target: String, state: ComponentState, connected: Bool, broker: String? = nil,
                backlog: Int, oldestPending: Int64? = nil, lastAck: Int64? = nil, lastError: String? = nil) {
        self.name = name
        self.target = target
        self.state = state
        self.connected = connected
        self.broker = broker
        self.backlog = backlog
        self.oldestPending = oldestPending
        self.lastAck = lastAck
        self.lastError = lastError
    }
}

/// The latest reading of one sensor and its anomaly score.
public struct SensorStatus: Codable, Sendable, Equatable {
    /// `device/point`.
    public var id: String
    public var unit: String?
    public var value: Double?
    /// `good`, `uncertain`, `bad:<reason>` (see `Quality.description`).
    public var quality: String
    public var time: Int64?
    /// In [0, 1]; nil while the detector warms up.
    public var anomalyScore: Double?
    /// The value's label, for an enum point (`enum:`).
    public var label: String?
    /// Until when (ms since the epoch) the detector learns the sensor's daily rhythm: meanwhile a
    /// change of distribution alone is not an anomaly (the data-quality checks work already);
    /// nil once learned.
    public var learningUntil: Int64?
    /// True when the value comes from the broker's retained copy of an MQTT message that was not
    /// stored (its subscription's `retained` policy): the device's last known value, before its
    /// next report; `time` is then nil unless the payload dated it. Absent otherwise.
    public var retained: Bool?

    public init(id: String, unit: String?, value: Double?, quality: String, time: Int64?, anomalyScore: Double? = nil,
                label: String? = nil, learningUntil: Int64? = nil, retained: Bool? = nil) {
        self.id = id
        self.unit = unit
        self.value = value
        self.quality = quality
        self.time = time
        self.anomalyScore = anomalyScore
        self.label = label
        self.learningUntil = learningUntil
        self.retained = retained
    }
}

/// One anomaly raised by the detector.
public struct AnomalyStatus: Codable, Sendable, Equatable {
    public var sensor: String
    public var start: Int64
    /// Nil while it is still open.
    public var end: Int64?
    public var score: Double
    /// What kind: `spike`, `stuck`, `out_of_range`, `level_shift`, ...
    public var kind: String
    public var message: String

    public init(sensor: String, start: Int64, end: Int64? = nil, score: Double, kind: String, message: String) {
        self.sensor = sensor
        self.start = start
        self.end = end
        self.score = score
        self.kind = kind
        self.message = message
    }
}

/// Whether the wall clock can be trusted for timestamps.
public struct ClockStatus: Codable, Sendable, Equatable {
    /// The time service says the clock is synchronised; nil when unknown.
    public var synchronized: Bool?
    /// The clock is not before the build date (a board without RTC boots in 1970).
    public var plausible: Bool

    public init(synchronized: Bool?, plausible: Bool) {
        self.synchronized = synchronized
        self.plausible = plausible
    }
}
