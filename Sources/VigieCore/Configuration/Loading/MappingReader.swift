/// The keys of one YAML mapping, read by name; unknown keys are reported once, with a suggestion.
struct MappingReader {
    let values: ValueReader
    /// The mapping itself: where a missing key is reported.
    let node: YAMLNode
    /// How the mapping is named in messages: `gateway`, `device "chaufferie"`.
    let section: String
    private let entries: [String: YAMLNode]

    var log: DiagnosticLog { values.log }

    /// Nil (and logged) when the node is not a mapping; an empty mapping when it is null.
    init?(_ node: YAMLNode, section: String, keys: [String], log: DiagnosticLog) {
        self.values = ValueReader(log: log)
        self.node = node
        self.section = section
        if node.isNull {
            entries = [:]
            return
        }
        guard case .mapping(let mapping, _) = node else {
            log.error("\(section) must be a mapping of keys, not \(node.kindName)", at: node)
            return nil
        }
        var entries: [String: YAMLNode] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                log.error("a key in \(section) must be a plain name, not \(keyNode.kindName)", at: keyNode)
                continue
            }
            guard keys.contains(key.string) else {
                log.error("unknown key \"\(key.string)\" in \(section)" + Suggestion.didYouMean(key.string, among: keys),
                          at: keyNode)
                continue
            }
            entries[key.string] = value
        }
        self.entries = entries
    }

    /// The value of a key, nil when absent.
    subscript(key: String) -> YAMLNode? { entries[key] }

    func has(_ key: String) -> Bool { entries[key] != nil }

    /// Logs `missing required key` at the mapping and returns nil when absent.
    func required(_ key: String, hint: String = "") -> YAMLNode? {
        guard let value = entries[key] else {
            log.error("missing required key \"\(key)\" in \(section)\(hint)", at: node)
            return nil
        }
        return value
    }

    func text(_ key: String) -> String? { self[key].flatMap { values.text($0, key: key) } }
    func int(_ key: String, range: ClosedRange<Int>) -> Int? { self[key].flatMap { values.int($0, key: key, range: range) } }
    func double(_ key: String) -> Double? { self[key].flatMap { values.double($0, key: key) } }
    func bool(_ key: String) -> Bool? { self[key].flatMap { values.bool($0, key: key) } }
    func duration(_ key: String, allowZero: Bool = false) -> Duration? {
        self[key].flatMap { values.duration($0, key: key, allowZero: allowZero) }
    }
    func size(_ key: String) -> ByteSize? { self[key].flatMap { values.size($0, key: key) } }
    func endpoint(_ key: String, defaultPort: Int?) -> Endpoint? {
        self[key].flatMap { values.endpoint($0, key: key, defaultPort: defaultPort) }
    }
    func choice<Value: RawRepresentable<String> & CaseIterable>(_ key: String, _ type: Value.Type) -> Value? {
        self[key].flatMap { values.choice($0, key: key, type) }
    }
    func path(_ key: String, base: String) -> String? { self[key].flatMap { values.path($0, key: key, base: base) } }

    /// The items of a list; nil (and logged) when the value is not a list, empty when null.
    func list(_ key: String) -> [YAMLNode]? {
        guard let value = self[key] else { return nil }
        return Self.items(of: value, key: key, log: log, allowSingle: false)
    }

    /// A list, or one value taken as a list of one (`window: 15m` or `window: [1m, 15m]`).
    func oneOrMany(_ key: String) -> [YAMLNode]? {
        guard let value = self[key] else { return nil }
        return Self.items(of: value, key: key, log: log, allowSingle: true)
    }

    /// A nested mapping; nil when absent or not a mapping (logged).
    func mapping(_ key: String, section: String? = nil, keys: [String]) -> MappingReader? {
        guard let value = self[key] else { return nil }
        return MappingReader(value, section: section ?? "\"\(key)\"", keys: keys, log: log)
    }

    private static func items(of node: YAMLNode, key: String, log: DiagnosticLog, allowSingle: Bool) -> [YAMLNode]? {
        if node.isNull { return [] }
        switch node {
        case .sequence(let items, _): return items
        case .scalar where allowSingle: return [node]
        default:
            log.error("\"\(key)\" must be a list, not \(node.kindName)", at: node)
            return nil
        }
    }
}
