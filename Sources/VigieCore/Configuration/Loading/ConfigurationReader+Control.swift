extension ConfigurationReader {
    static let controlKeys = ["enabled", "commands", "replies", "max_age", "sink"]

    /// The `control:` section, checked against the upstream sinks already read: when enabled, a
    /// command needs an MQTT sink to arrive on (the one `sink` names, or the first).
    func control(_ node: YAMLNode, upstream: [UpstreamConfiguration]) -> ControlConfiguration {
        var control = ControlConfiguration()
        guard let map = MappingReader(node, section: "control", keys: Self.controlKeys, log: log) else { return control }
        if let enabled = map.bool("enabled") { control.enabled = enabled }
        for key in ["commands", "replies"] {
            guard let valueNode = map[key], let text = values.text(valueNode, key: key) else { continue }
            guard checkControlTopic(text, key: key, at: valueNode) else { continue }
            if key == "commands" { control.commands = text } else { control.replies = text }
        }
        if let maxAge = map.duration("max_age") { control.maxAge = maxAge }
        control.sink = map.text("sink").map { SinkName($0) }
        guard control.enabled, control.carrier(in: upstream) == nil else { return control }
        if let name = control.sink, let sinkNode = map["sink"] {
            let names = upstream.compactMap { item -> String? in if case .mqtt = item { item.name.description } else { nil } }
            log.error("\"sink\" names \(name), which is not an upstream mqtt sink"
                      + (names.isEmpty ? "" : " (mqtt sinks: \(names.joined(separator: ", ")))"), at: sinkNode)
        } else {
            log.error("control is enabled but there is no upstream mqtt sink to receive commands on: "
                      + "add one under \"upstream:\", or set enabled: false", at: map["enabled"] ?? node)
        }
        return control
    }

    /// A command or reply topic: a valid template with `{gateway}` as its only placeholder.
    private func checkControlTopic(_ text: String, key: String, at node: YAMLNode) -> Bool {
        do {
            let template = try TopicTemplate(parsing: text)
            guard template.placeholders.isSubset(of: [.gateway]) else {
                log.error("\"\(key)\" may only use {gateway}: a command topic is the gateway's, not a device's", at: node)
                return false
            }
            return true
        } catch {
            log.error("\"\(key)\" is not a valid topic: \(error)", at: node)
            return false
        }
    }
}
