/// An upstream MQTT topic with placeholders: `territoire/{gateway}/{device}`.
///
/// Placeholders: `{gateway}` (the gateway id), `{device}`, `{point}` and `{kind}` (`aggregate`,
/// `anomaly`, `status`, `readings`). Validated once, at start-up: an unknown or unclosed
/// placeholder, or an MQTT wildcard (`+`, `#`), is an error naming the column.
///
/// Messages about the whole gateway (status, health) have no device or point: `{device}` and
/// `{point}` then render as `_` followed by the kind (`_status`), which no device name starts
/// with. An aggregate pack covers a whole device: with `{point}` in the template the sink
/// splits it per point (`AggregatePack.splitByPoint()`); see `usesPoint`. Substituted values
/// have `+`, `#` and NUL replaced by `_` so a rendered topic is always publishable.
public struct TopicTemplate: Hashable, Sendable, CustomStringConvertible {
    /// A name between braces.
    public enum Placeholder: String, Hashable, Sendable, CaseIterable {
        case gateway, device, point, kind
    }

    enum Part: Hashable, Sendable {
        case literal(String)
        case placeholder(Placeholder)
    }

    let parts: [Part]
    /// The template as written.
    public let description: String

    /// Parses and validates `text`; throws `UpstreamError` (`badTopicTemplate`) with the column.
    public init(parsing text: String) throws {
        guard !text.isEmpty else { throw Self.failure("a topic template cannot be empty", text, column: 1) }
        var parts: [Part] = []
        var literal = ""
        var name: String?
        var column = 0
        var openColumn = 0
        for character in text {
            column += 1
            if var current = name {
                if character == "}" {
                    guard let placeholder = Placeholder(rawValue: current) else {
                        throw Self.failure("unknown placeholder {\(current)}: use {gateway}, {device}, {point} or {kind}",
                                           text, column: openColumn)
                    }
                    parts.append(.placeholder(placeholder))
                    name = nil
                } else if character == "{" || character == "/" {
                    throw Self.failure("placeholder opened here is not closed with }", text, column: openColumn)
                } else {
                    current.append(character)
                    name = current
                }
                continue
            }
            switch character {
            case "{":
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                name = ""
                openColumn = column
            case "}":
                throw Self.failure("} without a matching {", text, column: column)
            case "+", "#":
                throw Self.failure("MQTT wildcard \(character) is not allowed in a topic to publish to", text, column: column)
            case "\0":
                throw Self.failure("NUL is not allowed in an MQTT topic", text, column: column)
            default:
                literal.append(character)
            }
        }
        if name != nil { throw Self.failure("placeholder opened here is not closed with }", text, column: openColumn) }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
        self.description = text
    }

    /// The placeholders the template uses.
    public var placeholders: Set<Placeholder> {
        Set(parts.compactMap { if case .placeholder(let p) = $0 { p } else { nil } })
    }

    /// True when topics differ per point, so packs must be split per point.
    public var usesPoint: Bool { placeholders.contains(.point) }

    /// The topic for one message; a nil device or point renders as `_<kind>`.
    public func render(gateway: String, device: String? = nil, point: String? = nil, kind: String) -> String {
        var topic = ""
        for part in parts {
            switch part {
            case .literal(let text): topic += text
            case .placeholder(.gateway): topic += Self.sanitized(gateway)
            case .placeholder(.device): topic += Self.sanitized(device ?? "_" + kind)
            case .placeholder(.point): topic += Self.sanitized(point ?? "_" + kind)
            case .placeholder(.kind): topic += Self.sanitized(kind)
            }
        }
        return topic
    }

    private static func sanitized(_ value: String) -> String {
        String(value.map { $0 == "+" || $0 == "#" || $0 == "\0" ? "_" : $0 })
    }

    private static func failure(_ message: String, _ text: String, column: Int) -> UpstreamError {
        UpstreamError(code: .badTopicTemplate, message: message, location: "topic \"\(text)\", column \(column)")
    }
}
