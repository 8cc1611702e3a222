extension ConfigurationReader {
    static let mqttSinkKeys = ["name", "broker", "client_id", "username", "password_file", "tls", "topic", "format",
                               "qos", "send", "inflight", "drain_rate", "keepalive"]
    static let httpSinkKeys = ["name", "url", "token_file", "tls", "format", "send", "batch", "timeout"]

    /// One `upstream:` item: `- mqtt: {...}` or `- http: {...}`.
    func upstream(_ node: YAMLNode) -> UpstreamConfiguration? {
        guard let map = MappingReader(node, section: "an upstream sink", keys: ["mqtt", "http"], log: log) else {
            return nil
        }
        switch (map["mqtt"], map["http"]) {
        case (let mqtt?, nil):
            if let sink = mqttSink(mqtt) { return .mqtt(sink) }
        case (nil, let http?):
            if let sink = httpSink(http) { return .http(sink) }
        case (_?, let http?):
            log.error("an upstream item is either \"mqtt\" or \"http\": start another \"- http:\" item", at: http)
        case (nil, nil):
            log.error("an upstream item needs \"mqtt:\" or \"http:\"", at: node)
        }
        return nil
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

    private func kinds(_ map: MappingReader) -> Set<OutboxKind>? {
        guard let nodes = map.oneOrMany("send") else { return nil }
        let kinds = nodes.compactMap { values.choice($0, key: "send", OutboxKind.self) }
        return kinds.count == nodes.count ? Set(kinds) : nil
    }
}
