extension PointReader {
    /// A point's `write:` mapping, checked against the point: only coils and holding registers
    /// can be written; a numeric register needs `min` and `max`, both of which must encode in the
    /// point's type; a coil, a one-bit field and a point with `enum:` labels have their values
    /// already bounded, so `write: {}` is enough. A point scaled by `scale_from` cannot be written
    /// (its factor is read with each poll, not known when a command arrives).
    func writeLimits(_ node: YAMLNode, point: PointDefinition, section: String) -> PointWriteLimits? {
        guard let map = MappingReader(node, section: "\"write\" of \(section)", keys: ["min", "max", "step"], log: log) else {
            return nil
        }
        guard point.table == .holding || point.table == .coils else {
            log.error("\(section) is in the \(point.table.rawValue) table, which Modbus cannot write: "
                      + "only coils and holding registers take \"write\"", at: node)
            return nil
        }
        let limits = PointWriteLimits(min: map.double("min"), max: map.double("max"), step: map.double("step"))
        if (map.has("min") && limits.min == nil) || (map.has("max") && limits.max == nil) || (map.has("step") && limits.step == nil) {
            return nil
        }
        if point.table == .coils {
            if let key = ["min", "max", "step"].first(where: map.has), let keyNode = map[key] {
                log.error("a coil is written with true or false: \"\(key)\" does not apply to \(section) (write: {})", at: keyNode)
                return nil
            }
            return limits
        }
        if case .string = point.type {
            log.error("\(section) is a string: only numbers and bits can be written", at: node)
            return nil
        }
        if point.scaleFrom != nil {
            log.error("\(section) takes its scale from \"scale_from\", read with each poll: it cannot be written", at: node)
            return nil
        }
        let isOneBit = if case .bits(let field) = point.type { field.width == 1 } else { false }
        if limits.min == nil, limits.max == nil, isOneBit || !point.labels.isEmpty {
            return limits
        }
        guard let minimum = limits.min, let maximum = limits.max else {
            let missing = limits.min == nil ? "min" : "max"
            log.error("missing required key \"\(missing)\" in \"write\" of \(section): a writable register needs "
                      + "the range the hub may set, in the point's unit", at: node)
            return nil
        }
        if minimum > maximum, let minNode = map["min"] {
            log.error("\"min\" (\(minimum)) is above \"max\" (\(maximum)) in \"write\" of \(section)", at: minNode)
            return nil
        }
        if let step = limits.step, step <= 0, let stepNode = map["step"] {
            log.error("\"step\" must be above 0 in \"write\" of \(section), not \(step)", at: stepNode)
            return nil
        }
        for (key, value) in [("min", minimum), ("max", maximum)] {
            if case .bits = point.type { break } // a field's own width is checked when a command comes
            if case .failure(let refusal) = RegisterEncoder.checkedWords(for: value, point: point), let keyNode = map[key] {
                log.error("\"\(key)\" of \"write\" of \(section) cannot be written as \(point.type): \(refusal.detail)", at: keyNode)
                return nil
            }
        }
        return limits
    }
}
