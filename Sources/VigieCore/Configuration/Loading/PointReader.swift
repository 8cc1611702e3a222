/// Reads `points:` lists, the same schema in a device profile and in a device's inline points.
struct PointReader {
    let log: DiagnosticLog

    static let keys = ["name", "table", "address", "type", "length", "bit", "width", "order", "scale", "scale_from",
                       "offset", "unit", "description", "poll", "min", "max", "enum", "not_available", "write"]

    /// Longest string a point may hold: 125 registers, the most one read request returns.
    static let maximumStringRegisters = 125

    /// Every valid point of the list; duplicate names are reported at the second one.
    ///
    /// `scale_from:` must name a point of the list, unless `outsidePoints` may hold it (inline
    /// points beside a profile may name the profile's points; the resolver checks those).
    func points(_ nodes: [YAMLNode], owner: String, outsidePoints: Bool = false) -> [PointDefinition] {
        var points: [PointDefinition] = []
        var seen: [String: YAMLNode] = [:]
        var factorReferences: [(point: PointDefinition, node: YAMLNode)] = []
        for node in nodes {
            guard let point = point(node, owner: owner) else { continue }
            if point.scaleFrom != nil, case .mapping(let pairs, _) = node,
               let reference = pairs.first(where: { $0.key.scalar?.string == "scale_from" })?.value {
                factorReferences.append((point, reference))
            }
            if let first = seen[point.name] {
                let firstLine = " (first at line \(first.mark.line))"
                log.error("duplicate point name \"\(point.name)\" in \(owner)\(firstLine)",
                          at: Self.nameNode(of: node) ?? node)
                continue
            }
            seen[point.name] = Self.nameNode(of: node) ?? node
            points.append(point)
        }
        for (point, node) in factorReferences {
            checkFactor(of: point, at: node, among: points, outsidePoints: outsidePoints, owner: owner)
        }
        return points
    }

    /// A `scale_from:` must name another point of the list, an int16 one (SunSpec's `sunssf`).
    private func checkFactor(of point: PointDefinition, at node: YAMLNode, among points: [PointDefinition],
                             outsidePoints: Bool, owner: String) {
        guard let name = point.scaleFrom else { return }
        guard let factor = points.first(where: { $0.name == name }) else {
            if !outsidePoints {
                log.error("\"scale_from\" of point \"\(point.name)\" names \"\(name)\", which is no point of \(owner)"
                          + Suggestion.didYouMean(name, among: points.map(\.name)), at: node)
            }
            return
        }
        if factor.name == point.name {
            log.error("point \"\(point.name)\" cannot take its scale from itself", at: node)
        } else if factor.type != .int16 || factor.table.isBitTable {
            log.error("\"scale_from\" of point \"\(point.name)\" names \"\(name)\", a \(factor.type) point: a scale-factor "
                      + "register is an int16 power of ten (SunSpec sunssf)", at: node)
        } else if factor.scaleFrom != nil {
            log.error("\"scale_from\" of point \"\(point.name)\" names \"\(name)\", which is itself scaled by another point",
                      at: node)
        }
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
        let scaleFrom = map["scale_from"].flatMap { map.values.name($0, key: "scale_from") }
        let labels = map["enum"].flatMap { enumLabels($0, type: type, section: section) }
        let notAvailable = map["not_available"].flatMap { notAvailableValue($0) }
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
            || (map.has("length") && length == nil) || (map.has("scale_from") && scaleFrom == nil)
            || (map.has("enum") && labels == nil) || (map.has("not_available") && notAvailable == nil)
        guard !hasBadValue else { return nil }
        if scaleFrom != nil, !type.isInteger || table.isBitTable, let node = map["scale_from"] {
            log.error("\"scale_from\" applies to integer registers, not to the \(type) \(section)", at: node)
            return nil
        }
        var point = PointDefinition(name: name, table: table, address: address, type: type, order: order ?? .abcd,
                                    scale: scale ?? 1, offset: offset ?? 0, unit: unit, description: description,
                                    poll: poll, min: minimum, max: maximum, scaleFrom: scaleFrom, labels: labels ?? [:],
                                    notAvailable: notAvailable)
        if let node = map["write"] {
            guard let limits = writeLimits(node, point: point, section: section) else { return nil }
            point.write = limits
        }
        return point
    }

    /// `enum: {1: OFF, 4: MPPT}`: raw integer values and their labels, for integer types only.
    private func enumLabels(_ node: YAMLNode, type: ValueType?, section: String) -> [Int: String]? {
        guard case .mapping(let pairs, _) = node, !pairs.isEmpty else {
            log.error("\"enum\" must be a mapping of raw values to labels, e.g. {0: off, 1: on}, not \(node.kindName)",
                      at: node)
            return nil
        }
        if let type, !type.isInteger {
            log.error("\"enum\" labels whole numbers: the \(type) \(section) cannot have one (use an integer type or bits)",
                      at: node)
            return nil
        }
        var labels: [Int: String] = [:]
        var valid = true
        for (key, value) in pairs {
            guard let text = key.scalar?.string, let raw = ValueReader.parseInt(text) else {
                log.error("an \"enum\" key must be a whole number (the raw value), not \(key.kindName)", at: key)
                valid = false
                continue
            }
            guard let label = ValueReader(log: log).text(value, key: "enum"), !label.isEmpty else {
                valid = false
                continue
            }
            if labels[raw] != nil {
                log.error("\"enum\" has the value \(raw) twice", at: key)
                valid = false
            }
            labels[raw] = label
        }
        return valid ? labels : nil
    }

    /// `not_available: 0xFFFF`: the raw register value a device sends for "no value".
    private func notAvailableValue(_ node: YAMLNode) -> UInt64? {
        guard let text = ValueReader(log: log).text(node, key: "not_available") else { return nil }
        let cleaned = text.replacingAll("_", with: "")
        let parsed = cleaned.hasPrefix("0x") || cleaned.hasPrefix("0X") ? UInt64(cleaned.dropFirst(2), radix: 16) : UInt64(cleaned)
        guard let parsed else {
            log.error("\"not_available\" must be the raw register value, e.g. 0xFFFF or 32768, not \(text)", at: node)
            return nil
        }
        return parsed
    }

    private func valueType(_ map: MappingReader, table: RegisterTable?, length: Int?, section: String) -> ValueType? {
        guard let node = map["type"] else {
            if let lengthNode = map["length"] {
                log.error("\"length\" applies to type string only; add \"type: string\" to \(section)", at: lengthNode)
            }
            if let bitNode = map["bit"] ?? map["width"] {
                log.error("\"bit\" and \"width\" apply to type bits only; add \"type: bits\" to \(section)", at: bitNode)
            }
            return table?.isBitTable == true ? .bool : .uint16
        }
        guard let text = map.values.text(node, key: "type") else { return nil }
        if text == "bits" {
            return bitsType(map, table: table, length: length, section: section)
        }
        for key in ["bit", "width"] {
            if let keyNode = map[key] {
                log.error("\"\(key)\" applies to type bits only; write \"type: bits\" in \(section)", at: keyNode)
            }
        }
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
        if case .string = type {} else if let lengthNode = map["length"], text != "bits" {
            log.error("\"length\" applies to type string only, not \(text)", at: lengthNode)
        }
        if let table, table.isBitTable, type != .bool {
            log.error("\(table.rawValue) hold single bits: the type of \(section) must be bool, not \(text)", at: node)
            return nil
        }
        return type
    }

    /// `type: bits` with `bit:` (0 = least significant), `width:` (default 1) and `length:` (1 or
    /// 2 registers: a 16- or 32-bit register).
    private func bitsType(_ map: MappingReader, table: RegisterTable?, length: Int?, section: String) -> ValueType? {
        if let table, table.isBitTable, let node = map["type"] {
            log.error("\(table.rawValue) hold single bits: the type of \(section) must be bool, not bits", at: node)
            return nil
        }
        if let length, length > 2, let node = map["length"] {
            log.error("a bits register is 1 or 2 registers long (16 or 32 bits), not \(length)", at: node)
            return nil
        }
        guard let bitNode = map.required("bit", hint: " (the first bit, 0 = least significant)"),
              let bit = map.values.int(bitNode, key: "bit", range: 0...31) else { return nil }
        let width = map.int("width", range: 1...32)
        if map.has("width"), width == nil { return nil }
        let field = BitField(registers: length ?? 1, bit: bit, width: width ?? 1)
        guard field.fits else {
            log.error("bits \(bit)...\(bit + field.width - 1) of \(section) lie outside its \(field.registerBits)-bit register"
                      + (field.registers == 1 && bit + field.width <= 32 ? " (add length: 2 for a 32-bit register)" : ""),
                      at: bitNode)
            return nil
        }
        return .bits(field)
    }

    /// The `name:` value of a point mapping, to locate duplicate names precisely.
    static func nameNode(of node: YAMLNode) -> YAMLNode? {
        guard case .mapping(let mapping, _) = node else { return nil }
        return mapping.first { $0.key.scalar?.string == "name" }?.value
    }
}
