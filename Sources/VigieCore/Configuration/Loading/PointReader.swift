/// Reads `points:` lists, the same schema in a device profile and in a device's inline points.
struct PointReader {
    let log: DiagnosticLog

    static let keys = ["name", "table", "address", "type", "length", "order", "scale", "offset", "unit",
                       "description", "poll", "min", "max", "write"]

    /// Longest string a point may hold: 125 registers, the most one read request returns.
    static let maximumStringRegisters = 125

    /// Every valid point of the list; duplicate names are reported at the second one.
    func points(_ nodes: [YAMLNode], owner: String) -> [PointDefinition] {
        var points: [PointDefinition] = []
        var seen: [String: YAMLNode] = [:]
        for node in nodes {
            guard let point = point(node, owner: owner) else { continue }
            if let first = seen[point.name] {
                let firstLine = " (first at line \(first.mark.line))"
                log.error("duplicate point name \"\(point.name)\" in \(owner)\(firstLine)",
                          at: Self.nameNode(of: node) ?? node)
                continue
            }
            seen[point.name] = Self.nameNode(of: node) ?? node
            points.append(point)
        }
        return points
    }

    /// One point; nil when it has an error (logged).
    func point(_ node: YAMLNode, owner: String) -> PointDefinition? {
        guard let map = MappingReader(node, section: "a point of \(owner)", keys: Self.keys, log: log) else { return nil }
        let nameNode = map.required("name")
        let name = nameNode.flatMap { map.values.name($0, key: "name") }
        let section = name.map { "point \"\($0)\" of \(owner)" } ?? "a point of \(owner)"
        let table = map.required("table", hint: " (coils, discrete, holding or input)")
            .flatMap { map.values.choice($0, key: "table", RegisterTable.self) }
        let address = map.required("address").flatMap { map.values.int($0, key: "address", range: 0...65_535) }
        let length = map.int("length", range: 1...Self.maximumStringRegisters)
        let type = valueType(map, table: table, length: length, section: section)
        let order = map.choice("order", ByteOrder.self)
        let scale = map.double("scale")
        let offset = map.double("offset")
        let unit = map.text("unit")
        let description = map.text("description")
        let poll = map.duration("poll")
        let minimum = map.double("min")
        let maximum = map.double("max")
        if let minimum, let maximum, minimum > maximum, let node = map["min"] {
            log.error("\"min\" (\(minimum)) is above \"max\" (\(maximum)) in \(section)", at: node)
        }
        guard let name, let table, let address, let type else { return nil }
        if address + type.registerCount - 1 > 65_535, !table.isBitTable, let node = map["address"] {
            log.error("\(section) occupies \(type.registerCount) registers from \(address): past the last "
                      + "address 65535", at: node)
            return nil
        }
        let hasBadValue = (map.has("order") && order == nil) || (map.has("scale") && scale == nil)
            || (map.has("offset") && offset == nil) || (map.has("poll") && poll == nil)
            || (map.has("min") && minimum == nil) || (map.has("max") && maximum == nil)
            || (map.has("length") && length == nil)
        guard !hasBadValue else { return nil }
        var point = PointDefinition(name: name, table: table, address: address, type: type, order: order ?? .abcd,
                                    scale: scale ?? 1, offset: offset ?? 0, unit: unit, description: description,
                                    poll: poll, min: minimum, max: maximum)
        if let node = map["write"] {
            guard let limits = writeLimits(node, point: point, section: section) else { return nil }
            point.write = limits
        }
        return point
    }

    private func valueType(_ map: MappingReader, table: RegisterTable?, length: Int?, section: String) -> ValueType? {
        guard let node = map["type"] else {
            if let lengthNode = map["length"] {
                log.error("\"length\" applies to type string only; add \"type: string\" to \(section)", at: lengthNode)
            }
            return table?.isBitTable == true ? .bool : .uint16
        }
        guard let text = map.values.text(node, key: "type") else { return nil }
        guard let type = ValueType(name: text, stringRegisters: length ?? 1) else {
            log.error("unknown type \"\(text)\": use one of \(ValueType.names.joined(separator: ", "))"
                      + Suggestion.didYouMean(text, among: ValueType.names), at: node)
            return nil
        }
        if case .string = type, !map.has("length") {
            log.error("missing required key \"length\" (registers, two characters each) for the string \(section)",
                      at: node)
            return nil
        }
        if case .string = type {} else if let lengthNode = map["length"] {
            log.error("\"length\" applies to type string only, not \(text)", at: lengthNode)
        }
        if let table, table.isBitTable, type != .bool {
            log.error("\(table.rawValue) hold single bits: the type of \(section) must be bool, not \(text)", at: node)
            return nil
        }
        return type
    }

    /// The `name:` value of a point mapping, to locate duplicate names precisely.
    static func nameNode(of node: YAMLNode) -> YAMLNode? {
        guard case .mapping(let mapping, _) = node else { return nil }
        return mapping.first { $0.key.scalar?.string == "name" }?.value
    }
}
