extension ConfigurationReader {
    static let mqttSinkKeys = ["name", "broker", "client_id", "username", "password_file", "tls", "topic", "format",
                               "qos", "send", "inflight", "drain_rate", "keepalive"]
    static let httpSinkKeys = ["name", "url", "token_file", "tls", "format", "send", "batch", "timeout"]

    static let sinkKinds = ["mqtt", "http", "sensorthings", "ngsi_ld"]

    /// One `upstream:` item: `- mqtt: {...}`, `- http: {...}`, `- sensorthings: {...}` or `- ngsi_ld: {...}`.
    func upstream(_ node: YAMLNode) -> UpstreamConfiguration? {
        guard let map = MappingReader(node, section: "an upstream sink", keys: Self.sinkKinds, log: log) else {
            return nil
        }
        let given = Self.sinkKinds.filter { map.has($0) }
        guard given.count == 1, let kind = given.first, let sinkNode = map[kind] else {
            if given.count > 1, let second = map[given[1]] {
                log.error("an upstream item is one sink, \"\(given[0])\" or \"\(given[1])\": start another "
                          + "\"- \(given[1]):\" item", at: second)
            } else {
                log.error("an upstream item needs \"mqtt:\", \"http:\", \"sensorthings:\" or \"ngsi_ld:\"", at: node)
            }
            return nil
        }
        switch kind {
        case "mqtt": return mqttSink(sinkNode).map { .mqtt($0) }
        case "http": return httpSink(sinkNode).map { .http($0) }
        case "sensorthings": return sensorThingsSink(sinkNode).map { .sensorThings($0) }
        default: return ngsiLDSink(sinkNode).map { .ngsiLD($0) }
        }
    }

    private func mqttSink(_ node: YAMLNode) -> MQTTSinkConfiguration? {
        guard let map = MappingReader(node, section: "the upstream mqtt sink", keys: Self.mqttSinkKeys, log: log) else {
            return nil
        }
        let tls = map["tls"].flatMap { self.tls($0, section: "the upstream mqtt sink") }
        guard map.required("broker", hint: " (host:port of the hub's broker, or a list of its nodes)") != nil,
              let brokers = map.brokers("broker", defaultPort: tls == nil ? 1883 : 8883) else {
            return nil
        }
        var sink = MQTTSinkConfiguration(name: map.text("name"), broker: brokers[0], clientID: map.text("client_id"),
                                         username: map.text("username"),
                                         passwordFile: map.path("password_file", base: base), tls: tls)
        sink.brokers = brokers
        if let topic = map.text("topic") { sink.topic = topic }
        if let format = map.choice("format", UpstreamFormat.self) { sink.format = format }
        if let qos = map.int("qos", range: 0...1) { sink.qos = qos }
        if let send = kinds(map) { sink.send = send }
        if let inflight = map.int("inflight", range: 1...65_535) { sink.inflight = inflight }
        if let rate = map.int("drain_rate", range: 0...1_000_000) { sink.drainRate = rate }
        if let keepalive = map.duration("keepalive") { sink.keepalive = keepalive }
        return sink
    }

    private func httpSink(_ node: YAMLNode) -> HTTPSinkConfiguration? {
        guard let map = MappingReader(node, section: "the upstream http sink", keys: Self.httpSinkKeys, log: log),
              let urlNode = map.required("url", hint: " (https://... of the hub's ingest endpoint)"),
              let url = values.text(urlNode, key: "url") else { return nil }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > 8 else {
            log.error("\"url\" must start with http:// or https://, not \(url)", at: urlNode)
            return nil
        }
        var sink = HTTPSinkConfiguration(name: map.text("name"), url: url,
                                         tokenFile: map.path("token_file", base: base),
                                         tls: map["tls"].flatMap { self.tls($0, section: "the upstream http sink") })
        if let format = map.choice("format", UpstreamFormat.self) { sink.format = format }
        if let send = kinds(map) { sink.send = send }
        if let batch = map.int("batch", range: 1...10_000) { sink.batch = batch }
        if let timeout = map.duration("timeout") { sink.timeout = timeout }
        return sink
    }

    func kinds(_ map: MappingReader) -> Set<OutboxKind>? {
        guard let nodes = map.oneOrMany("send") else { return nil }
        let kinds = nodes.compactMap { values.choice($0, key: "send", OutboxKind.self) }
        return kinds.count == nodes.count ? Set(kinds) : nil
    }
}
