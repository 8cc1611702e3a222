extension ConfigurationReader {
    static let sensorThingsSinkKeys = ["name", "url", "token_file", "username", "password_file", "tls", "result",
                                       "phenomenon_time", "send", "batch", "timeout"]
    static let ngsiLDSinkKeys = ["name", "url", "tenant", "context", "token_file", "tls", "mode", "send", "batch",
                                 "timeout"]

    func sensorThingsSink(_ node: YAMLNode) -> SensorThingsSinkConfiguration? {
        let section = "the upstream sensorthings sink"
        guard let map = MappingReader(node, section: section, keys: Self.sensorThingsSinkKeys, log: log),
              let url = hubURL(map, hint: " (the service root, https://.../v1.1)") else { return nil }
        var sink = SensorThingsSinkConfiguration(
            name: map.text("name"), url: url, tokenFile: map.path("token_file", base: base),
            username: map.text("username"), passwordFile: map.path("password_file", base: base),
            tls: map["tls"].flatMap { self.tls($0, section: section) })
        if sink.tokenFile != nil, sink.username != nil, let node = map["username"] {
            log.error("\(section) takes \"token_file\" or \"username\" + \"password_file\", not both", at: node)
            return nil
        }
        if (sink.username == nil) != (sink.passwordFile == nil) {
            log.error("\(section) needs both \"username\" and \"password_file\" for Basic authentication", at: node)
            return nil
        }
        if let result = map.choice("result", Statistic.self) { sink.result = result }
        if let time = map.choice("phenomenon_time", SensorThingsSinkConfiguration.PhenomenonTime.self) {
            sink.phenomenonTime = time
        }
        if let send = kinds(map) {
            guard hubSends(send, map, section: section) else { return nil }
            sink.send = send
        }
        if let batch = map.int("batch", range: 1...10_000) { sink.batch = batch }
        if let timeout = map.duration("timeout") { sink.timeout = timeout }
        return sink
    }

    func ngsiLDSink(_ node: YAMLNode) -> NGSILDSinkConfiguration? {
        let section = "the upstream ngsi_ld sink"
        guard let map = MappingReader(node, section: section, keys: Self.ngsiLDSinkKeys, log: log),
              let url = hubURL(map, hint: " (the broker's API root; /ngsi-ld/v1/... is appended)") else { return nil }
        var sink = NGSILDSinkConfiguration(name: map.text("name"), url: url, tenant: map.text("tenant"),
                                           tokenFile: map.path("token_file", base: base),
                                           tls: map["tls"].flatMap { self.tls($0, section: section) })
        if let context = map.text("context"), let contextNode = map["context"] {
            guard context.hasPrefix("http://") || context.hasPrefix("https://") else {
                log.error("\"context\" must be the http(s) URL of a JSON-LD context, not \(context)", at: contextNode)
                return nil
            }
            sink.context = context
        }
        if let mode = map.choice("mode", NGSILDSinkConfiguration.Mode.self) { sink.mode = mode }
        if let send = kinds(map) {
            guard hubSends(send, map, section: section) else { return nil }
            sink.send = send
        }
        if let batch = map.int("batch", range: 1...10_000) { sink.batch = batch }
        if let timeout = map.duration("timeout") { sink.timeout = timeout }
        return sink
    }

    /// Whether a hub sink can send `send`; logs why not. Raw readings are refused: a hub's model
    /// has a place for a window's statistics and for events, not for every reading (an mqtt or
    /// http sink sends them).
    private func hubSends(_ send: Set<OutboxKind>, _ map: MappingReader, section: String) -> Bool {
        guard send.contains(.readings) else { return true }
        log.error("\(section) does not send raw readings (\"readings\" in \"send\"); an mqtt or http sink does",
                  at: map["send"])
        return false
    }

    /// `url`, required, http(s), without a trailing slash (paths are appended to it).
    private func hubURL(_ map: MappingReader, hint: String) -> String? {
        guard let urlNode = map.required("url", hint: hint), var url = values.text(urlNode, key: "url") else { return nil }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > 8 else {
            log.error("\"url\" must start with http:// or https://, not \(url)", at: urlNode)
            return nil
        }
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

/// Reads an `ngsi_ld:` section (device profile or device entry):
/// `{ type: ACMeasurement, attributes: { active_power: totalActivePower, voltage_l1: phaseVoltage.L1 } }`.
struct NGSILDModelReader {
    static let keys = ["type", "attributes"]
    let log: DiagnosticLog

    func model(_ node: YAMLNode, owner: String, points: [String]?) -> NGSILDModel? {
        let section = "the ngsi_ld section of \(owner)"
        guard let map = MappingReader(node, section: section, keys: Self.keys, log: log),
              let typeNode = map.required("type", hint: " (a Smart Data Model name such as ACMeasurement)"),
              let type = map.values.text(typeNode, key: "type") else { return nil }
        guard Self.isName(type, allowMember: false) else {
            log.error("\"type\" must be a Smart Data Model name such as ACMeasurement, not \(type)", at: typeNode)
            return nil
        }
        var attributes: [String: String] = [:]
        if let attributesNode = map["attributes"], !attributesNode.isNull {
            guard case .mapping(let pairs, _) = attributesNode else {
                log.error("\"attributes\" in \(section) must map point names to attributes", at: attributesNode)
                return nil
            }
            for (pointNode, attributeNode) in pairs {
                guard let point = pointNode.scalar?.string, let attribute = attributeNode.scalar?.string else {
                    log.error("\"attributes\" in \(section) must map point names to attribute names", at: pointNode)
                    return nil
                }
                if let points, !points.contains(point) {
                    log.error("\(owner) has no point \"\(point)\"" + Suggestion.didYouMean(point, among: points),
                              at: pointNode)
                    return nil
                }
                guard Self.isName(attribute, allowMember: true) else {
                    log.error("\"\(attribute)\" is not an attribute name (letters and digits, or attribute.member)",
                              at: attributeNode)
                    return nil
                }
                attributes[point] = attribute
            }
        }
        return NGSILDModel(type: type, attributes: attributes)
    }

    /// `totalActivePower`, or `phaseVoltage.L1` when `allowMember`.
    static func isName(_ text: String, allowMember: Bool) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || (allowMember && parts.count == 2) else { return false }
        return parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, ("A"..."Z").contains(first) || ("a"..."z").contains(first)
            else { return false }
            return part.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
    }
}
