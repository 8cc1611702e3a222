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
    public var header: String? {
        self == .csv ? "sensor,time,value,quality" : nil
    }

    /// One reading as one line, without the newline.
    public func line(_ reading: Reading) -> String {
        let time = RFC3339.format(milliseconds: reading.time)
        switch self {
        case .csv:
            let value = reading.value.isFinite ? "\(reading.value)" : "\(reading.value)".lowercased()
            return Self.csvField(reading.sensor.description) + "," + time + "," + value + ","
                + Self.csvField(reading.quality.description)
        case .jsonl:
            let value = reading.value.isFinite ? "\(reading.value)" : "null"
            return "{\"sensor\":" + Self.jsonString(reading.sensor.description) + ",\"time\":\"" + time
                + "\",\"value\":" + value + ",\"quality\":" + Self.jsonString(reading.quality.description) + "}"
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
