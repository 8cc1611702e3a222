/// Writes a device profile as the YAML `ProfileLoader` reads: `vigie modbus scan --sunspec
/// --write-profile FILE` turns what a device holds into an ordinary profile.
public enum ProfileWriter {
    /// The profile's text; names are lowercased (profile point names are lowercase).
    public static func yaml(_ profile: DeviceProfile) -> String {
        var lines = [
            "id: \(profile.id)",
            "manufacturer: \(quoted(profile.manufacturer))",
            "model: \(quoted(profile.model))",
            "source: \(quoted(profile.source))",
        ]
        if let limit = profile.maxRegistersPerRequest { lines.append("max_registers_per_request: \(limit)") }
        lines.append("points:")
        for point in profile.points {
            lines.append("  - " + fields(point).joined(separator: ", ").wrappedInBraces)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func fields(_ point: PointDefinition) -> [String] {
        var fields = ["name: \(SensorID.lowercase(point.name))", "table: \(point.table.rawValue)", "address: \(point.address)"]
        switch point.type {
        case .string(let registers): fields += ["type: string", "length: \(registers)"]
        case .bits(let field):
            fields += ["type: bits", "bit: \(field.bit)"]
            if field.width != 1 { fields.append("width: \(field.width)") }
            if field.registers != 1 { fields.append("length: \(field.registers)") }
        default: fields.append("type: \(point.type)")
        }
        if point.order != .abcd { fields.append("order: \(point.order.rawValue)") }
        if point.scale != 1 { fields.append("scale: \(point.scale)") }
        if let factor = point.scaleFrom { fields.append("scale_from: \(SensorID.lowercase(factor))") }
        if point.offset != 0 { fields.append("offset: \(point.offset)") }
        if let unit = point.unit { fields.append("unit: \(quoted(unit))") }
        if let marker = point.notAvailable { fields.append("not_available: 0x\(String(marker, radix: 16, uppercase: true))") }
        if !point.labels.isEmpty {
            let labels = point.labels.sorted { $0.key < $1.key }.map { "\($0.key): \(quoted($0.value))" }
            fields.append("enum: " + labels.joined(separator: ", ").wrappedInBraces)
        }
        if let poll = point.poll { fields.append("poll: \(poll.configText)") }
        if let description = point.description { fields.append("description: \(quoted(description))") }
        return fields
    }

    /// A double-quoted YAML scalar.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }
}

private extension String {
    var wrappedInBraces: String { "{ \(self) }" }
}
