/// An OGC SensorThings API 1.1 sink (`sensorthings:`; docs/upstream.md, "SensorThings").
public struct SensorThingsSinkConfiguration: Sendable, Equatable {
    /// How an aggregate window's time span is written as `phenomenonTime`.
    public enum PhenomenonTime: String, Sendable, CaseIterable, Equatable {
        /// `start/end` (ISO 8601 interval), as SensorThings defines for aggregates.
        case interval
        /// The window's start only, its end in `parameters.phenomenonTimeEnd`: for servers that
        /// store instants only (django-ogc-sensorthings 1.2.0 answers 500 to an interval).
        case start
    }

    public var name: String?
    /// The service root, `https://sta.example/v1.1` (no trailing slash).
    public var url: String
    public var tokenFile: String?
    /// Basic authentication: `username` with the password in `passwordFile`.
    public var username: String?
    public var passwordFile: String?
    public var tls: TLSConfiguration?
    /// Which statistic is an Observation's `result` (the others go into `parameters`).
    public var result: Statistic
    public var phenomenonTime: PhenomenonTime
    public var send: Set<OutboxKind>
    /// Outbox messages per delivery round (one `CreateObservations` request when the server offers it).
    public var batch: Int
    public var timeout: Duration

    public init(name: String? = nil, url: String, tokenFile: String? = nil, username: String? = nil,
                passwordFile: String? = nil, tls: TLSConfiguration? = nil, result: Statistic = .mean,
                phenomenonTime: PhenomenonTime = .interval, send: Set<OutboxKind> = [.aggregate, .anomaly],
                batch: Int = 100, timeout: Duration = .seconds(10)) {
        self.name = name
        self.url = url
        self.tokenFile = tokenFile
        self.username = username
        self.passwordFile = passwordFile
        self.tls = tls
        self.result = result
        self.phenomenonTime = phenomenonTime
        self.send = send
        self.batch = batch
        self.timeout = timeout
    }
}

/// An ETSI NGSI-LD context broker sink (`ngsi_ld:`; docs/upstream.md, "NGSI-LD").
public struct NGSILDSinkConfiguration: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable, Equatable {
        /// `POST /ngsi-ld/v1/entityOperations/upsert?options=update`: the broker keeps the latest window.
        case current
        /// `POST /ngsi-ld/v1/temporal/entities`: the broker keeps every window.
        case temporal
    }

    public static let defaultContext = "https://smartdatamodels.org/context.jsonld"

    public var name: String?
    /// The API root; `/ngsi-ld/v1/...` is appended.
    public var url: String
    /// `NGSILD-Tenant`, nil for the default tenant.
    public var tenant: String?
    /// The JSON-LD context sent in the `Link` header (never fetched).
    public var context: String
    public var tokenFile: String?
    public var tls: TLSConfiguration?
    public var mode: Mode
    public var send: Set<OutboxKind>
    public var batch: Int
    public var timeout: Duration

    public init(name: String? = nil, url: String, tenant: String? = nil, context: String = Self.defaultContext,
                tokenFile: String? = nil, tls: TLSConfiguration? = nil, mode: Mode = .temporal,
                send: Set<OutboxKind> = [.aggregate, .anomaly, .status], batch: Int = 100,
                timeout: Duration = .seconds(10)) {
        self.name = name
        self.url = url
        self.tenant = tenant
        self.context = context
        self.tokenFile = tokenFile
        self.tls = tls
        self.mode = mode
        self.send = send
        self.batch = batch
        self.timeout = timeout
    }
}

/// Which Smart Data Model a device's windows become, and which attribute each point fills
/// (`ngsi_ld:` in a device profile or a device entry).
public struct NGSILDModel: Sendable, Equatable, Hashable {
    /// The fallback for devices without a model: one `DeviceMeasurement` entity per point.
    public static let deviceMeasurement = "DeviceMeasurement"

    /// The entity type, a Smart Data Model name (`ACMeasurement`).
    public var type: String
    /// Point name → attribute (`totalActivePower`) or member of a structured attribute (`phaseVoltage.L1`).
    public var attributes: [String: String]

    public init(type: String, attributes: [String: String]) {
        self.type = type
        self.attributes = attributes
    }
}
