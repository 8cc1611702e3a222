/// An MQTT topic filter (`a/+/c`, `a/#`) and what its wildcards matched in a topic.
public struct TopicFilter: Sendable, Equatable, CustomStringConvertible {
    let levels: [Substring]
    public let description: String

    /// Nil when the filter is not valid MQTT: empty, `#` not last, or a wildcard sharing a level.
    public init?(_ filter: String) {
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        guard !filter.isEmpty else { return nil }
        for (position, level) in levels.enumerated() {
            if level.contains("#"), level != "#" || position != levels.count - 1 { return nil }
            if level.contains("+"), level != "+" { return nil }
        }
        self.levels = levels
        self.description = filter
    }

    /// The levels the wildcards matched (`#` gives the rest joined with `/`), or nil when the topic does not match.
    public func captures(in topic: String) -> [String]? {
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        var captures: [String] = []
        for (position, level) in levels.enumerated() {
            if level == "#" {
                // `a/#` also matches `a`; topics starting with `$` are not matched by a leading wildcard.
                if position == 0, topic.hasPrefix("$") { return nil }
                let rest = topicLevels.dropFirst(position)
                captures.append(rest.joined(separator: "/"))
                return captures
            }
            guard position < topicLevels.count else { return nil }
            if level == "+" {
                if position == 0, topic.hasPrefix("$") { return nil }
                captures.append(String(topicLevels[position]))
            } else if level != topicLevels[position] {
                return nil
            }
        }
        return levels.count == topicLevels.count ? captures : nil
    }

    /// True when the topic matches the filter (as `captures(in:) != nil`, levels compared byte
    /// for byte as MQTT does, without allocating: it runs for every message).
    public func matches(_ topic: String) -> Bool {
        let bytes = topic.utf8
        var cursor = bytes.startIndex
        var levelsLeft = true
        for (position, level) in levels.enumerated() {
            if level == "#" { return !(position == 0 && topic.hasPrefix("$")) }
            guard levelsLeft else { return false }
            let end = bytes[cursor...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            if level == "+" {
                if position == 0, topic.hasPrefix("$") { return false }
            } else if !level.utf8.elementsEqual(bytes[cursor..<end]) {
                return false
            }
            if end == bytes.endIndex { levelsLeft = false } else { cursor = bytes.index(after: end) }
        }
        return !levelsLeft
    }
}
