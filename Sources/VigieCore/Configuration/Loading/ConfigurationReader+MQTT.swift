extension ConfigurationReader {
    static let mqttKeys = ["broker", "client_id", "username", "password_file", "tls", "keepalive", "max_payload_size",
                           "subscriptions"]
    static let subscriptionKeys = ["topic", "qos", "format", "sensor", "unit", "fields", "time_field",
                                   "max_time_ahead", "retained"]
    static let tlsKeys = ["ca", "cert", "key", "verify_hostname"]

    func mqttSource(_ node: YAMLNode) -> MQTTSourceConfiguration? {
        guard let map = MappingReader(node, section: "mqtt", keys: Self.mqttKeys, log: log) else { return nil }
        var mqtt = MQTTSourceConfiguration()
        mqtt.tls = map["tls"].flatMap { self.tls($0, section: "mqtt") }
        if let brokers = map.brokers("broker", defaultPort: mqtt.tls == nil ? 1883 : 8883) { mqtt.brokers = brokers }
        if let clientID = map.text("client_id") { mqtt.clientID = clientID }
        mqtt.username = map.text("username")
        mqtt.passwordFile = map.path("password_file", base: base)
        if let keepalive = map.duration("keepalive") { mqtt.keepalive = keepalive }
        if let size = map.size("max_payload_size") { mqtt.maxPayloadSize = size }
        mqtt.subscriptions = (map.list("subscriptions") ?? []).compactMap(subscription)
        return mqtt
    }

    func tls(_ node: YAMLNode, section: String) -> TLSConfiguration? {
        guard let map = MappingReader(node, section: "the tls of \(section)", keys: Self.tlsKeys, log: log) else {
            return nil
        }
        var tls = TLSConfiguration(ca: map.path("ca", base: base), cert: map.path("cert", base: base),
                                   key: map.path("key", base: base))
        if let verify = map.bool("verify_hostname") { tls.verifyHostname = verify }
        if (tls.cert == nil) != (tls.key == nil) {
            log.error("the tls of \(section) needs both \"cert\" and \"key\" for a client certificate, or neither",
                      at: node)
        }
        return tls
    }

    private func subscription(_ node: YAMLNode) -> SubscriptionConfiguration? {
        guard let map = MappingReader(node, section: "a subscription", keys: Self.subscriptionKeys, log: log) else {
            return nil
        }
        let topic = map.required("topic", hint: " (an MQTT topic filter such as sensors/+/temperature)")
            .flatMap { values.text($0, key: "topic") }
        if let topic, let node = map["topic"], !Self.isValidFilter(topic) {
            log.error("topic filter \"\(topic)\" is not valid: + and # must fill a whole level, # only last", at: node)
        }
        let format = map.required("format").flatMap { values.choice($0, key: "format", PayloadFormat.self) }
        let qos = map.int("qos", range: 0...2)
        let fields = (map.list("fields") ?? []).compactMap(field)
        let maxTimeAhead = map["max_time_ahead"].map(timeAheadLimit) ?? SubscriptionConfiguration.defaultMaxTimeAhead
        let retained = map.choice("retained", RetainedDelivery.self)
        guard let topic, let format else { return nil }
        return SubscriptionConfiguration(topic: topic, qos: qos ?? 1, format: format, sensor: map.text("sensor"),
                                         unit: map.text("unit"), fields: fields, timeField: map.text("time_field"),
                                         maxTimeAhead: maxTimeAhead, retained: retained ?? .new)
    }

    /// `max_time_ahead`: a duration above zero, or `off` for no limit; the default after a logged error.
    private func timeAheadLimit(_ node: YAMLNode) -> Duration? {
        if values.isOff(node) { return nil }
        guard let text = values.text(node, key: "max_time_ahead") else { return SubscriptionConfiguration.defaultMaxTimeAhead }
        guard let limit = Duration(parsing: text), limit > .zero else {
            log.error("\"max_time_ahead\" must be a duration such as 30s or 10m, or off, not \(text)", at: node)
            return SubscriptionConfiguration.defaultMaxTimeAhead
        }
        return limit
    }

    /// `temperature`, or `{ path: data.power, name: power, unit: W }`.
    private func field(_ node: YAMLNode) -> FieldMapping? {
        if case .scalar = node { return values.text(node, key: "fields").map { FieldMapping(path: $0) } }
        guard let map = MappingReader(node, section: "a field", keys: ["path", "name", "unit"], log: log),
              let path = map.required("path").flatMap({ values.text($0, key: "path") }) else { return nil }
        return FieldMapping(path: path, name: map["name"].flatMap { values.name($0, key: "name") },
                            unit: map.text("unit"))
    }

    static func isValidFilter(_ topic: String) -> Bool {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard !topic.isEmpty else { return false }
        for (index, level) in levels.enumerated() {
            if level.contains("#"), level != "#" || index != levels.count - 1 { return false }
            if level.contains("+"), level != "+" { return false }
        }
        return true
    }
}
