import Logging
import ServiceLifecycle
import VigieCore
import VigieModbus
import VigieMQTT
import VigieStore
import VigieUpstream

/// The parts of the pipeline a reload may replace: one Modbus source per bus, the MQTT source,
/// the upstream sinks; each with the fingerprint of its configuration.
struct PipelineParts: Sendable {
    var modbus: [(bus: String, source: ModbusSource)] = []
    var mqtt: MQTTSource?
    var upstream: UpstreamSinks?
    var sourceChildren: [ServiceSet.Child] = []
    var sinkChildren: [ServiceSet.Child] = []

    /// No parts: the state before the first build.
    init() {}

    /// Builds every part from `loaded`; throws (a located message) when one cannot be built.
    /// `control`: the command channel, given to the sink that carries it (`control.sink`);
    /// `catalog` learns the points of SunSpec devices when their models are found; `reader`
    /// tells the MQTT source what is stored (`MQTTSource.storedNewest`); `latest` shows the
    /// retained MQTT values it does not store.
    init(_ loaded: LoadedConfiguration, writer: StoreWriter, outbox: Outbox,
         health: @escaping @Sendable () async -> GatewayHealth, control: CommandChannel? = nil, catalog: SensorCatalog,
         reader: StoreReader, latest: LatestReadings, logger: Logger) throws {
        let configuration = loaded.configuration
        let resolver = ModbusDeviceResolver(profiles: loaded.profiles)
        for bus in configuration.modbus.buses {
            let devices = try resolver.devices(of: bus)
            let source = try ModbusSource(configuration: ModbusConfiguration(buses: [bus]), profiles: loaded.profiles,
                                          sink: writer, logger: logger, discovered: { catalog.learn($0) })
            modbus.append((bus.name, source))
            sourceChildren.append(.init(key: .modbus(bus: bus.name), fingerprint: "\(bus)|\(devices)", service: source))
        }
        if let mqttConfiguration = configuration.mqtt {
            let source = try MQTTSource(configuration: mqttConfiguration, sink: writer, logger: logger,
                                        storedNewest: { await reader.newestTimes() },
                                        retainedNotStored: { latest.noteRetained($0, dated: $1) })
            mqtt = source
            sourceChildren.append(.init(key: .mqttSource, fingerprint: "\(mqttConfiguration)", service: source))
        }
        if !configuration.upstream.isEmpty {
            let carrier = control.flatMap { channel in
                channel.control.carrier(in: configuration.upstream).map { (sink: $0.name, control: channel.sinkControl) }
            }
            let sinks = try UpstreamSinks(configuration.upstream, gateway: configuration.gateway.id,
                                          statistics: configuration.aggregate.stats, outbox: outbox,
                                          health: health, control: carrier, logger: logger,
                                          ngsiLDModels: loaded.ngsiLDModels)
            upstream = sinks
            sinkChildren.append(.init(key: .upstream, fingerprint: "\(configuration.gateway.id)|\(configuration.upstream)|\(Self.fingerprint(loaded.ngsiLDModels))",
                                      service: ServiceBundle(services: sinks.services)))
        }
    }

    /// The models in a stable order (a dictionary's order may differ between two equal ones).
    static func fingerprint(_ models: [String: NGSILDModel]) -> String {
        models.sorted { $0.key < $1.key }.map { device, model in
            "\(device)=\(model.type)(" + model.attributes.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
                .joined(separator: ",") + ")"
        }.joined(separator: ";")
    }

    /// Sink names that take messages of `kind`.
    static func sinks(taking kind: OutboxKind, in configuration: Configuration) -> [SinkName] {
        configuration.upstream.filter { $0.kinds.contains(kind) }.map(\.name)
    }
}
