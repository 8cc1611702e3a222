/// Reads the configuration file's node tree into a `Configuration`, logging every error it meets.
///
/// Profiles are not opened here: devices that name one are recorded in `profileReferences`
/// and `ConfigurationLoader` loads each profile once afterwards.
final class ConfigurationReader {
    let log: DiagnosticLog
    /// The configuration file's folder: relative paths are taken from there.
    let base: String
    private(set) var profileReferences: [(id: String, node: YAMLNode)] = []

    static let sections = ["gateway", "profiles_dir", "modbus", "mqtt", "aggregate", "anomaly", "upstream", "buffer", "control"]

    init(log: DiagnosticLog, base: String) {
        self.log = log
        self.base = base
    }

    var values: ValueReader { ValueReader(log: log) }

    /// The default profile search path for a configuration in `base`: beside it, in the folder
    /// above it (a source checkout's `devices/`), then the packaged profiles.
    static func defaultProfilesDirectories(base: String) -> [String] {
        [PathResolution.resolve("devices", against: base), PathResolution.resolve("../devices", against: base),
         "/usr/share/vigie/devices"]
    }

    func configuration(_ root: YAMLNode?) -> Configuration {
        var configuration = Configuration(profilesDirectories: Self.defaultProfilesDirectories(base: base))
        guard let root else { return configuration }
        guard let map = MappingReader(root, section: "the configuration", keys: Self.sections, log: log) else {
            return configuration
        }
        if let node = map["gateway"] { configuration.gateway = gateway(node) }
        if let nodes = map.oneOrMany("profiles_dir") {
            configuration.profilesDirectories = nodes.compactMap { values.path($0, key: "profiles_dir", base: base) }
        }
        if let node = map["modbus"] { configuration.modbus = modbus(node) }
        if let node = map["mqtt"] { configuration.mqtt = mqttSource(node) }
        if let node = map["aggregate"] { configuration.aggregate = aggregate(node) }
        if let node = map["anomaly"] { configuration.anomaly = anomaly(node) }
        if let nodes = map.list("upstream") { configuration.upstream = nodes.compactMap(upstream) }
        if let node = map["buffer"] { configuration.buffer = buffer(node) }
        if let node = map["control"] { configuration.control = control(node, upstream: configuration.upstream) }
        return configuration
    }

    func recordProfile(_ id: String, at node: YAMLNode) {
        profileReferences.append((id, node))
    }

    private func gateway(_ node: YAMLNode) -> GatewayConfiguration {
        var gateway = GatewayConfiguration()
        guard let map = MappingReader(node, section: "gateway", keys: ["id", "data_dir", "http", "http_token_file"],
                                      log: log) else { return gateway }
        if let node = map["id"], let id = values.name(node, key: "id") { gateway.id = id }
        if let dataDirectory = map.path("data_dir", base: base) { gateway.dataDirectory = dataDirectory }
        if let node = map["http"] {
            if values.isOff(node) {
                gateway.http = nil
            } else if let endpoint = values.endpoint(node, key: "http", defaultPort: 9108) {
                gateway.http = endpoint
            }
        }
        gateway.httpTokenFile = map.path("http_token_file", base: base)
        return gateway
    }

    private func aggregate(_ node: YAMLNode) -> AggregateConfiguration {
        var aggregate = AggregateConfiguration()
        guard let map = MappingReader(node, section: "aggregate", keys: ["window", "grace", "stats"], log: log) else {
            return aggregate
        }
        if let nodes = map.oneOrMany("window") {
            let windows = nodes.compactMap { values.duration($0, key: "window") }
            if nodes.isEmpty, let node = map["window"] {
                log.error("\"window\" needs at least one duration such as 15m", at: node)
            } else if windows.count == nodes.count {
                aggregate.windows = windows
            }
        }
        if let grace = map.duration("grace", allowZero: true) { aggregate.grace = grace }
        if let nodes = map.list("stats") {
            let stats = nodes.compactMap { values.choice($0, key: "stats", Statistic.self) }
            if stats.count == nodes.count { aggregate.stats = stats }
        }
        return aggregate
    }

    private func anomaly(_ node: YAMLNode) -> AnomalyConfiguration {
        var anomaly = AnomalyConfiguration()
        guard let map = MappingReader(node, section: "anomaly", keys: ["enabled", "sensitivity", "warmup", "overrides",
                                                                       "max_silence"],
                                      log: log) else { return anomaly }
        if let enabled = map.bool("enabled") { anomaly.enabled = enabled }
        if let sensitivity = map.choice("sensitivity", Sensitivity.self) { anomaly.sensitivity = sensitivity }
        if let warmup = map.int("warmup", range: 0...1_000_000) { anomaly.warmup = warmup }
        if let nodes = map.list("overrides") { anomaly.overrides = nodes.compactMap(anomalyOverride) }
        if let silence = map["max_silence"].flatMap(maxSilence), silence > .zero { anomaly.maxSilence = silence }
        return anomaly
    }

    /// `max_silence`: a duration above zero, or `off` (`.zero`); nil after a logged error.
    private func maxSilence(_ node: YAMLNode) -> Duration? {
        if values.isOff(node) { return .zero }
        guard let text = values.text(node, key: "max_silence") else { return nil }
        guard let silence = Duration(parsing: text), silence > .zero else {
            log.error("\"max_silence\" must be a duration such as 30m or 2h, or off, not \(text)", at: node)
            return nil
        }
        return silence
    }

    private func anomalyOverride(_ node: YAMLNode) -> AnomalyOverride? {
        guard let map = MappingReader(node, section: "an anomaly override",
                                      keys: ["sensor", "enabled", "sensitivity", "min", "max", "max_silence"], log: log),
              let sensor = map.required("sensor", hint: " (a sensor name or glob such as chaufferie/*)")
                .flatMap({ values.text($0, key: "sensor") }) else { return nil }
        let override = AnomalyOverride(sensor: sensor, enabled: map.bool("enabled"),
                                       sensitivity: map.choice("sensitivity", Sensitivity.self),
                                       min: map.double("min"), max: map.double("max"),
                                       maxSilence: map["max_silence"].flatMap(maxSilence))
        if let min = override.min, let max = override.max, min > max, let node = map["min"] {
            log.error("\"min\" (\(min)) is above \"max\" (\(max)) for \(sensor)", at: node)
        }
        return override
    }

    private func buffer(_ node: YAMLNode) -> BufferConfiguration {
        var buffer = BufferConfiguration()
        guard let map = MappingReader(node, section: "buffer", keys: ["max_size", "keep_readings", "batch_size",
                                                                      "batch_interval", "commit_interval", "queue_capacity",
                                                                      "synchronous"],
                                      log: log) else { return buffer }
        if let maxSize = map.size("max_size") { buffer.maxSize = maxSize }
        if let keep = map.duration("keep_readings") { buffer.keepReadings = keep }
        if let batchSize = map.int("batch_size", range: 1...1_000_000) { buffer.batchSize = batchSize }
        if let interval = map.duration("batch_interval") { buffer.batchInterval = interval }
        // Not given, it follows a batch_interval set past it: readings that may wait never commit sooner.
        buffer.commitInterval = map.duration("commit_interval") ?? max(buffer.commitInterval, buffer.batchInterval)
        if buffer.commitInterval < buffer.batchInterval, let node = map["commit_interval"] {
            log.error("\"commit_interval\" (\(buffer.commitInterval.milliseconds)ms) must be at least \"batch_interval\" "
                      + "(\(buffer.batchInterval.milliseconds)ms): polled readings would commit sooner than MQTT ones", at: node)
        }
        if let capacity = map.int("queue_capacity", range: 1...100_000_000) { buffer.queueCapacity = capacity }
        if let mode = map.choice("synchronous", SynchronousMode.self) { buffer.synchronous = mode }
        return buffer
    }
}
