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
    /// Levels are compared byte for byte, as MQTT does.
    public func captures(in topic: String) -> [String]? {
        var captures: [String] = []
        return walk(topic) { captures.append(String(topic[$0])) } ? captures : nil
    }

    /// True when the topic matches the filter (as `captures(in:) != nil`, without allocating:
    /// it runs for every message).
    public func matches(_ topic: String) -> Bool { walk(topic) { _ in } }

    /// Walks the topic's levels along the filter's, handing each wildcard's match to `capture`.
    private func walk(_ topic: String, capture: (Range<String.Index>) -> Void) -> Bool {
        let bytes = topic.utf8
        var cursor = bytes.startIndex
        var levelsLeft = true
        for (position, level) in levels.enumerated() {
            if level == "#" {
                // `a/#` also matches `a`; topics starting with `$` are not matched by a leading wildcard.
                if position == 0, topic.hasPrefix("$") { return false }
                capture(levelsLeft ? cursor..<bytes.endIndex : bytes.endIndex..<bytes.endIndex)
                return true
            }
            guard levelsLeft else { return false }
            let end = bytes[cursor...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            if level == "+" {
                if position == 0, topic.hasPrefix("$") { return false }
                capture(cursor..<end)
            } else if !level.utf8.elementsEqual(bytes[cursor..<end]) {
                return false
            }
            if end == bytes.endIndex { levelsLeft = false } else { cursor = bytes.index(after: end) }
        }
        return !levelsLeft
    }
}
