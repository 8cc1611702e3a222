import Glibc
import Logging
import Prometheus
import ServiceLifecycle
import VigieCore
import VigieStore
import VigieHTTP

/// The running daemon: the store, the sources, detection, aggregation, the sinks, the status
/// server and the systemd integration, in one `ServiceGroup`.
///
/// Shutdown order (SIGTERM or SIGINT): the watchdog says `STOPPING=1`, the HTTP server and the
/// sources stop, the sinks deliver what they can within their bound, detection and aggregation
/// finish, and the writer commits what is queued and closes the database last.
public final class Gateway: Sendable {
    /// How long a graceful shutdown may take before the remaining services are cancelled;
    /// shorter than the unit's `TimeoutStopSec` (45 s).
    public static let maximumShutdownDuration: Duration = .seconds(30)

    let path: String
    let current: LockedBox<LoadedConfiguration>
    let parts: LockedBox<PipelineParts>
    let store: ReadingStore
    let latest: LatestReadings
    let heartbeat = ProgressHeartbeat(staleAfter: .seconds(30))
    let sources: ServiceSet
    let sinks: ServiceSet
    let catalog: SensorCatalog
    let detection: DetectionStage
    let aggregation: AggregationService
    let health: HealthSource
    let reader: StoreReader
    /// The hub's command channel; nil unless `control.enabled`.
    let commands: CommandChannel?
    let environment: [String: String]
    let startedAt: Int64
    let logger: Logger

    /// Opens the store and builds every part; nothing polls or connects until `run`.
    public init(loaded: LoadedConfiguration, environment: [String: String], logger: Logger) async throws {
        let configuration = loaded.configuration
        let current = LockedBox(loaded)
        let parts = LockedBox(PipelineParts())
        let catalog = SensorCatalog(loaded)
        let store = try await ReadingStore.open(StoreConfiguration(configuration), logger: logger)
        // Weak: the store writer's observers hold this closure and the parts' sources hold the
        // writer; a strong capture made a cycle that kept the whole pipeline (and its SQLite
        // connections) alive after the gateway was released (found by LeakSanitizer).
        let outboxChanged: @Sendable () -> Void = { [weak parts] in parts?.withLock { $0.upstream?.outboxChanged() } }
        path = loaded.path
        startedAt = WallClock.nowMilliseconds()
        latest = LatestReadings(heartbeat: heartbeat)
        detection = DetectionStage(
            configuration: configuration.anomaly, catalog: catalog, outbox: store.outbox,
            dataDirectory: configuration.gateway.dataDirectory,
            sinks: { PipelineParts.sinks(taking: .anomaly, in: current.value.configuration) },
            latest: latest, outboxChanged: outboxChanged, logger: logger)
        aggregation = AggregationService(
            configuration: configuration.aggregate,
            sinks: { PipelineParts.sinks(taking: .aggregate, in: current.value.configuration) },
            outbox: store.outbox, windowReader: store.windows, unit: { catalog.unit(of: $0) }, labels: { catalog.labels(of: $0) }, outboxChanged: outboxChanged,
            commitQueued: { [writer = store.writer] in await writer.commitQueued() }, logger: logger)
        store.writer.addObserver(latest)
        store.writer.addObserver(detection)
        store.writer.forwardReadings(ReadingsForwarding(
            sinks: { PipelineParts.sinks(taking: .readings, in: current.value.configuration) },
            unit: { catalog.unit(of: $0) }, outboxChanged: outboxChanged))
        health = HealthSource(store: store, latest: latest, startedAt: startedAt)
        let health = health
        reader = StoreReader(dataDirectory: configuration.gateway.dataDirectory)
        // The status page shows every sensor's newest stored reading at once, not only once it reports.
        latest.seed(await reader.latestReadings())
        commands = try Self.commandChannel(configuration, store: store, reader: reader, parts: parts, catalog: catalog,
                                           logger: logger)
        let built = try PipelineParts(loaded, writer: store.writer, outbox: store.outbox,
                                      health: { await health.current() }, control: commands, catalog: catalog,
                                      reader: reader, latest: latest, logger: logger)
        parts.withLock { $0 = built }
        sources = ServiceSet(initial: built.sourceChildren, logger: logger)
        sinks = ServiceSet(initial: built.sinkChildren, logger: logger)
        self.current = current
        self.parts = parts
        self.catalog = catalog
        self.store = store
        self.environment = environment
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT (exit 0 after the drain), until `stopWhen` returns (the same
    /// graceful shutdown; `vigie demo --duration`), or until a service fails (rethrown).
    public func run(metrics registry: PrometheusCollectorRegistry,
                    stopWhen: (@Sendable () async -> Void)? = nil) async throws {
        let configuration = current.withLock { $0.configuration }
        let notifier = SystemdNotifier(environment: environment)
        var services: [any Service] = [store.writer, aggregation, detection, sinks, sources]
        if let http = try StatusHTTPServer(gateway: configuration.gateway, environment: environment,
                                           provider: self, registry: registry, startedAt: startedAt, logger: logger) {
            services.append(http)
        }
        services.append(ReloadService(gateway: self, notifier: notifier))
        let writer = store.writer
        let heartbeat = heartbeat
        services.append(WatchdogService(
            notifier: notifier, interval: WatchdogService.interval(environment: environment),
            progress: { heartbeat.isFresh() || writer.queueDepth == 0 },
            status: { [self] in await statusLine() }, logger: logger))
        var configurations = services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if let stopWhen {
            configurations.append(.init(service: StopTrigger(stopWhen: stopWhen),
                                        successTerminationBehavior: .gracefullyShutdownGroup))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: configurations,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = Self.maximumShutdownDuration
        logger.info("gateway starting", metadata: [
            "gateway.id": "\(configuration.gateway.id)", "config.path": "\(path)",
            "modbus.buses": "\(configuration.modbus.buses.count)",
            "upstream.sinks": "\(configuration.upstream.count)",
        ])
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("gateway stopped")
    }
}
