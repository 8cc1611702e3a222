import VigieCore

/// The line formats of `vigie export`: CSV (`sensor,time,value,quality`) or JSON Lines, same fields.
///
/// Times are RFC 3339 UTC with milliseconds. A non-finite value is `nan`/`inf` in CSV, `null` in JSON.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// Comma-separated values with a header line.
    case csv
    /// One JSON object per line.
    case jsonl

    /// The first line, if the format has one.
    public var header: String? { header(withLabels: false) }

    /// The first line; with labels, CSV has a `label` column (an enum point's label, else empty).
    public func header(withLabels labels: Bool) -> String? {
        self == .csv ? "sensor,time,value,quality" + (labels ? ",label" : "") : nil
    }

    /// One reading as one line, without the newline.
    public func line(_ reading: Reading) -> String {
        line(reading, labelColumn: nil)
    }

    /// One reading with the label column of `header(withLabels: true)`: `label` is an enum
    /// value's label resolved from the configuration at export (empty in CSV, absent in JSON when nil).
    public func line(_ reading: Reading, label: String?) -> String {
        line(reading, labelColumn: .some(label))
    }

    private func line(_ reading: Reading, labelColumn label: String??) -> String {
        let time = RFC3339.format(milliseconds: reading.time)
        switch self {
        case .csv:
            let value = reading.value.isFinite ? "\(reading.value)" : "\(reading.value)".lowercased()
            let labelColumn = label.map { "," + ($0.map(Self.csvField) ?? "") } ?? ""
            return Self.csvField(reading.sensor.description) + "," + time + "," + value + ","
                + Self.csvField(reading.quality.description) + labelColumn
        case .jsonl:
            let value = reading.value.isFinite ? "\(reading.value)" : "null"
            let labelField = (label ?? nil).map { ",\"label\":" + Self.jsonString($0) } ?? ""
            return "{\"sensor\":" + Self.jsonString(reading.sensor.description) + ",\"time\":\"" + time
                + "\",\"value\":" + value + ",\"quality\":" + Self.jsonString(reading.quality.description) + labelField + "}"
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
