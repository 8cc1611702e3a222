/// Reads typed values out of YAML nodes, logging a located error for each one that does not fit.
///
/// YAML 1.1 reads `off`, `no` and `1_000` in surprising ways; here every scalar is taken as
/// written and parsed by what the key expects, so `http: off` and `units: 1-20` mean what they say.
struct ValueReader {
    let log: DiagnosticLog

    /// The text of a scalar; logs and returns nil for a mapping, a list or nothing.
    func text(_ node: YAMLNode, key: String) -> String? {
        guard case .scalar(let scalar) = node, !node.isNull else {
            log.error("\"\(key)\" must be text, not \(node.kindName)", at: node)
            return nil
        }
        return scalar.string
    }

    /// True for a scalar that switches a feature off: `off`, `false`, `no`, `none`.
    func isOff(_ node: YAMLNode) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return ["off", "false", "no", "none"].contains(scalar.string.lowercased())
    }

    func int(_ node: YAMLNode, key: String, range: ClosedRange<Int>) -> Int? {
        guard let text = text(node, key: key) else { return nil }
        guard let value = Self.parseInt(text), range.contains(value) else {
            log.error("\"\(key)\" must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text)",
                      at: node)
            return nil
        }
        return value
    }

    func double(_ node: YAMLNode, key: String) -> Double? {
        guard let text = text(node, key: key) else { return nil }
        guard let value = Double(text.replacingAll("_", with: "")), value.isFinite else {
            log.error("\"\(key)\" must be a number, not \(text)", at: node)
            return nil
        }
        return value
    }

    func bool(_ node: YAMLNode, key: String) -> Bool? {
        guard let text = text(node, key: key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            log.error("\"\(key)\" must be true or false, not \(text)", at: node)
            return nil
        }
    }

    func duration(_ node: YAMLNode, key: String, allowZero: Bool = false) -> Duration? {
        guard let text = text(node, key: key) else { return nil }
        guard let value = Duration(parsing: text), allowZero || value > .zero else {
            log.error("\"\(key)\" must be a duration such as 500ms, 10s, 15m or 7d\(allowZero ? "" : " (above 0)"), "
                      + "not \(text)", at: node)
            return nil
        }
        return value
    }

    func size(_ node: YAMLNode, key: String) -> ByteSize? {
        guard let text = text(node, key: key) else { return nil }
        guard let value = ByteSize(parsing: text), value.bytes > 0 else {
            log.error("\"\(key)\" must be a size such as 64KB, 512MB or 2GB, not \(text)", at: node)
            return nil
        }
        return value
    }

    func endpoint(_ node: YAMLNode, key: String, defaultPort: Int?) -> Endpoint? {
        guard let text = text(node, key: key) else { return nil }
        guard let value = Endpoint(parsing: text, defaultPort: defaultPort) else {
            log.error("\"\(key)\" must be an address host:port or [v6]:port (port 1 to 65535), not \(text)", at: node)
            return nil
        }
        return value
    }

    /// One of a closed set of words (`holding`, `senml`...), with a suggestion when misspelt.
    func choice<Value: RawRepresentable<String> & CaseIterable>(_ node: YAMLNode, key: String, _: Value.Type) -> Value? {
        guard let text = text(node, key: key) else { return nil }
        if let value = Value(rawValue: text) ?? Value(rawValue: text.lowercased()) ?? Value(rawValue: text.uppercased()) {
            return value
        }
        let names = Value.allCases.map(\.rawValue)
        log.error("unknown \(key) \"\(text)\": use one of \(names.joined(separator: ", "))"
                  + Suggestion.didYouMean(text, among: names), at: node)
        return nil
    }

    /// A file path; relative paths are taken from the configuration file's folder.
    func path(_ node: YAMLNode, key: String, base: String) -> String? {
        guard let text = text(node, key: key) else { return nil }
        return PathResolution.resolve(text, against: base)
    }

    /// A name used in sensor ids and topics: lowercase letters, digits, `_`, `-`, `.`.
    func name(_ node: YAMLNode, key: String, allowUnitPlaceholder: Bool = false) -> String? {
        guard let text = text(node, key: key) else { return nil }
        let bare = allowUnitPlaceholder ? text.replacingAll("{unit}", with: "") : text
        let allowed = bare.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "."
        }
        guard !text.isEmpty, allowed else {
            log.error("\"\(key)\" \"\(text)\" may only hold lowercase letters, digits, _, - and ."
                      + (allowUnitPlaceholder ? " (and {unit})" : ""), at: node)
            return nil
        }
        return text
    }

    /// `42`, `0x2A`, `1_000`; nil for anything else.
    static func parseInt(_ text: String) -> Int? {
        let cleaned = text.replacingAll("_", with: "")
        if cleaned.hasPrefix("0x") || cleaned.hasPrefix("0X") {
            return Int(cleaned.dropFirst(2), radix: 16)
        }
        return Int(cleaned)
    }
}
