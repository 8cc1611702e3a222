/// The whole pipeline, as one YAML file describes it (see `config/example.yaml`).
///
/// Every section has defaults, so a section left out of the file is valid. Loaded and
/// validated by `ConfigurationLoader`; this type itself does no I/O.
public struct Configuration: Sendable, Equatable {
    public var gateway: GatewayConfiguration
    /// Folders searched, in order, for the device profiles that devices name.
    public var profilesDirectories: [String]
    public var modbus: ModbusConfiguration
    public var mqtt: MQTTSourceConfiguration?
    public var aggregate: AggregateConfiguration
    public var anomaly: AnomalyConfiguration
    public var upstream: [UpstreamConfiguration]
    public var buffer: BufferConfiguration
    /// Commands from the hub; off by default.
    public var control: ControlConfiguration

    public init(
        gateway: GatewayConfiguration = .init(),
        profilesDirectories: [String] = Configuration.defaultProfilesDirectories,
        modbus: ModbusConfiguration = .init(),
        mqtt: MQTTSourceConfiguration? = nil,
        aggregate: AggregateConfiguration = .init(),
        anomaly: AnomalyConfiguration = .init(),
        upstream: [UpstreamConfiguration] = [],
        buffer: BufferConfiguration = .init(),
        control: ControlConfiguration = .init()
    ) {
        self.gateway = gateway
        self.profilesDirectories = profilesDirectories
        self.modbus = modbus
        self.mqtt = mqtt
        self.aggregate = aggregate
        self.anomaly = anomaly
        self.upstream = upstream
        self.buffer = buffer
        self.control = control
    }

    public static let defaultProfilesDirectories = ["/usr/share/vigie/devices", "devices"]
}

public struct GatewayConfiguration: Sendable, Equatable {
    /// Used in topics and payloads.
    public var id: String
    public var dataDirectory: String
    /// Where the status page, /health and /metrics listen; nil when `http: off`.
    public var http: Endpoint?
    /// Required when `http` is not a loopback address; requests must then carry it as a bearer token.
    public var httpTokenFile: String?

    public init(
        id: String = "vigie",
        dataDirectory: String = "/var/lib/vigie",
        http: Endpoint? = Endpoint(host: "127.0.0.1", port: 9108),
        httpTokenFile: String? = nil
    ) {
        self.id = id
        self.dataDirectory = dataDirectory
        self.http = http
        self.httpTokenFile = httpTokenFile
    }
}

public struct AggregateConfiguration: Sendable, Equatable {
    /// Wall-clock aligned windows, e.g. `[1m, 15m]`; `window:` in YAML takes one or a list.
    public var windows: [Duration]
    /// How long after a window closes late readings are still waited for.
    public var grace: Duration
    public var stats: [Statistic]

    public init(windows: [Duration] = [.seconds(900)], grace: Duration = .seconds(30),
                stats: [Statistic] = [.count, .min, .max, .mean, .last]) {
        self.windows = windows
        self.grace = grace
        self.stats = stats
    }
}

/// One statistic of an aggregate window.
public enum Statistic: String, Sendable, CaseIterable, Equatable {
    case count, min, max, mean, last, stddev, p50, p95
}

public struct AnomalyConfiguration: Sendable, Equatable {
    public var enabled: Bool
    public var sensitivity: Sensitivity
    /// Readings per sensor before any anomaly may be raised.
    public var warmup: Int
    /// Per-sensor settings; the first override whose pattern matches a sensor wins.
    public var overrides: [AnomalyOverride]
    /// How long a sensor may send nothing before its silence is a `gap` event (`max_silence`;
    /// nil: never, the default). For sensors that report on their own (MQTT): a polled point
    /// that stops answering already reports device errors.
    public var maxSilence: Duration?

    public init(enabled: Bool = true, sensitivity: Sensitivity = .medium, warmup: Int = 100,
                overrides: [AnomalyOverride] = [], maxSilence: Duration? = nil) {
        self.enabled = enabled
        self.sensitivity = sensitivity
        self.warmup = warmup
        self.overrides = overrides
        self.maxSilence = maxSilence
    }
}

public enum Sensitivity: String, Sendable, CaseIterable, Equatable {
    case low, medium, high
}

public struct AnomalyOverride: Sendable, Equatable {
    /// A sensor name or glob (`chaufferie/*`, `*/co2`).
    public var sensor: String
    public var enabled: Bool?
    public var sensitivity: Sensitivity?
    /// The physical range: a reading outside it is an anomaly at once.
    public var min: Double?
    public var max: Double?
    /// The sensor's `max_silence`; `.zero` for `off`, nil to take the section's.
    public var maxSilence: Duration?

    public init(sensor: String, enabled: Bool? = nil, sensitivity: Sensitivity? = nil,
                min: Double? = nil, max: Double? = nil, maxSilence: Duration? = nil) {
        self.sensor = sensor
        self.enabled = enabled
        self.sensitivity = sensitivity
        self.min = min
        self.max = max
        self.maxSilence = maxSilence
    }
}

public struct BufferConfiguration: Sendable, Equatable {
    /// The database (with its WAL) never grows past this.
    public var maxSize: ByteSize
    /// Raw readings older than this are deleted.
    public var keepReadings: Duration
    /// A batch commits when it holds this many readings...
    public var batchSize: Int
    /// ...or when its oldest reading has waited this long, if enough readings wait to be worth a
    /// commit or one of them must commit promptly (MQTT: acknowledged before it is stored).
    public var batchInterval: Duration
    /// With fewer readings waiting, polled readings wait up to this long: a commit costs the disk about
    /// 20 KB whatever it holds, so at a few readings a second this is what bounds the writes (docs/store.md).
    public var commitInterval: Duration
    /// Readings waiting for the writer; a full queue slows the sources down.
    public var queueCapacity: Int
    /// `full` (survives a power cut, one fsync per batch) or `normal`.
    public var synchronous: SynchronousMode

    public init(maxSize: ByteSize = ByteSize(bytes: 512 << 20), keepReadings: Duration = .seconds(7 * 86_400),
                batchSize: Int = 10_000, batchInterval: Duration = .milliseconds(500),
                commitInterval: Duration = Self.defaultCommitInterval,
                queueCapacity: Int = 100_000, synchronous: SynchronousMode = .full) {
        self.maxSize = maxSize
        self.keepReadings = keepReadings
        self.batchSize = batchSize
        self.batchInterval = batchInterval
        self.commitInterval = commitInterval
        self.queueCapacity = queueCapacity
        self.synchronous = synchronous
    }
}

extension BufferConfiguration {
    /// The longest a polled reading waits for its commit at low rates: what a power cut can lose.
    public static let defaultCommitInterval: Duration = .seconds(2)
}

public enum SynchronousMode: String, Sendable, CaseIterable, Equatable {
    case full, normal
}
