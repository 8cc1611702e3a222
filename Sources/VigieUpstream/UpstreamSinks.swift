import Logging
import ServiceLifecycle
import VigieCore
import VigieMQTT
import VigieStore

/// The configured upstream sinks, built from `[UpstreamConfiguration]` and the store's outbox.
///
/// ```swift
/// let sinks = try UpstreamSinks(configuration.upstream, gateway: configuration.gateway.id,
///                               statistics: configuration.aggregate.stats, outbox: store.outbox,
///                               health: { healthCounters() }, logger: logger)
/// // ServiceGroup(services: [store.writer, ...] + sinks.services, ...)
/// // after each commit that appended outbox messages:
/// sinks.outboxChanged()
/// // status page:
/// sinks.statuses
/// ```
public struct UpstreamSinks: Sendable {
    /// One `Service` per sink, in configuration order.
    public let services: [any Service]
    private let signals: [OutboxSignal]
    private let statusReaders: [@Sendable () -> SinkStatus]

    /// Builds the sinks (no I/O yet: credential files are read when each sink starts).
    /// Throws `UpstreamError` (VigieCore) when a topic template is invalid.
    /// `control`: the command channel and the name of the MQTT sink that carries it.
    /// `ngsiLDModels`: the Smart Data Model of each device by name (`LoadedConfiguration.ngsiLDModels`).
    public init(_ configurations: [UpstreamConfiguration], gateway: String, statistics: [Statistic], outbox: Outbox,
                health: @escaping @Sendable () async -> GatewayHealth, control: (sink: SinkName, control: SinkControl)? = nil,
                logger: Logger, healthInterval: Duration = .seconds(60), ngsiLDModels: [String: NGSILDModel] = [:]) throws {
        var services: [any Service] = []
        var signals: [OutboxSignal] = []
        var statusReaders: [@Sendable () -> SinkStatus] = []
        for (index, upstream) in configurations.enumerated() {
            let signal = OutboxSignal()
            let renderer = try PublicationRenderer(upstream, gateway: gateway, statistics: statistics)
            let view = StoreSinkOutbox(sink: upstream.name, outbox: outbox, renderer: renderer)
            switch upstream {
            case .mqtt(let mqtt):
                let options = MQTTSink.Options(gateway: gateway, clientID: "vigie-\(gateway)-\(index)",
                                               healthInterval: healthInterval,
                                               control: control?.sink == upstream.name ? control?.control : nil)
                let sink = try MQTTSink(name: upstream.name, configuration: mqtt, options: options, outbox: view,
                                        signal: signal, health: health, logger: logger)
                services.append(sink)
                statusReaders.append { sink.status }
            case .http(let http):
                let sink = HTTPSink(name: upstream.name, configuration: http, outbox: view, signal: signal, logger: logger)
                services.append(sink)
                statusReaders.append { sink.status }
            case .sensorThings(let sta):
                let sink = HubSinks.sensorThings(sta, name: upstream.name, gateway: gateway, statistics: statistics,
                                                 outbox: outbox, signal: signal, logger: logger)
                services.append(sink)
                statusReaders.append { sink.status }
            case .ngsiLD(let ngsi):
                let mapper = NGSILDMapper(gateway: gateway, models: ngsiLDModels, statistics: statistics)
                let sink = HubSinks.ngsiLD(ngsi, name: upstream.name, mapper: mapper, outbox: outbox, signal: signal,
                                           logger: logger)
                services.append(sink)
                statusReaders.append { sink.status }
            }
            signals.append(signal)
        }
        self.services = services
        self.signals = signals
        self.statusReaders = statusReaders
    }

    /// Wakes every sink: call after each commit that appended outbox messages. Cheap, never blocks.
    public func outboxChanged() {
        for signal in signals { signal.notify() }
    }

    /// The state of each sink, for the status page.
    public var statuses: [SinkStatus] { statusReaders.map { $0() } }
}

extension PublicationRenderer {
    /// The renderer of one configured sink: its topic template (HTTP: the default one) and format.
    package init(_ upstream: UpstreamConfiguration, gateway: String, statistics: [Statistic]) throws {
        switch upstream {
        case .mqtt(let sink):
            try self.init(template: TopicTemplate(parsing: sink.topic), format: sink.format, statistics: statistics,
                          gateway: gateway)
        case .http(let sink):
            try self.init(template: TopicTemplate(parsing: Self.defaultTemplate), format: sink.format,
                          statistics: statistics, gateway: gateway)
        case .sensorThings, .ngsiLD:
            // Hub sinks read the stored messages and encode them themselves; this renderer is unused.
            try self.init(template: TopicTemplate(parsing: Self.defaultTemplate), format: .json,
                          statistics: statistics, gateway: gateway)
        }
    }
}
