/// Reads Modbus unit ids: `unit: 1`, or `units:` as `1-20`, `1,3,7-9` or `[1, 2, 5]`.
struct UnitList {
    let values: ValueReader

    static let range = 1...247

    /// The unit ids in the order written; nil (and logged) on any error.
    func units(_ node: YAMLNode, key: String) -> [Int]? {
        var parts: [(text: String, node: YAMLNode)] = []
        switch node {
        case .sequence(let sequence, _):
            for item in sequence {
                guard let text = values.text(item, key: key) else { return nil }
                parts.append((text, item))
            }
        default:
            guard let text = values.text(node, key: key) else { return nil }
            for piece in text.split(separator: ",") { parts.append((String(piece), node)) }
        }
        var units: [Int] = []
        for (text, partNode) in parts {
            guard let range = parseRange(text.trimmingSpaces(), key: key, node: partNode) else { return nil }
            for unit in range {
                if units.contains(unit) {
                    values.log.error("unit id \(unit) appears twice in \"\(key)\"", at: partNode)
                    return nil
                }
                units.append(unit)
            }
        }
        guard !units.isEmpty else {
            values.log.error("\"\(key)\" names no unit id", at: node)
            return nil
        }
        return units
    }

    private func parseRange(_ text: String, key: String, node: YAMLNode) -> ClosedRange<Int>? {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
        let numbers = bounds.map(ValueReader.parseInt)
        guard (1...2).contains(bounds.count), numbers.allSatisfy({ $0 != nil }) else {
            values.log.error("\"\(key)\" must be unit ids such as 1, 1-20, 1,3,7-9 or [1, 2, 5], not \(text)", at: node)
            return nil
        }
        let low = numbers[0] ?? 0
        let high = numbers[bounds.count - 1] ?? 0
        for unit in [low, high] where !Self.range.contains(unit) {
            values.log.error("unit id \(unit) is outside 1...247", at: node)
            return nil
        }
        guard low <= high else {
            values.log.error("unit range \(text) runs backwards: write \(high)-\(low)", at: node)
            return nil
        }
        return low...high
    }
}
