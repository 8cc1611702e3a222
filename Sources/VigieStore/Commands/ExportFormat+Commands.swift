import VigieCore

extension ExportFormat {
    /// The header of `vigie export --commands` in CSV.
    public static let commandsHeader = "received,id,origin,action,device,point,value,status,reason,detail,old_value,new_value,finished"

    /// One recorded command as one line: the audit trail (times RFC 3339 UTC; an absent field is
    /// empty in CSV and left out in JSON).
    public func line(_ command: CommandRecord) -> String {
        line([
            .text("received", RFC3339.format(milliseconds: command.receivedMillis)), .text("id", command.id),
            .text("origin", command.origin), .text("action", command.action), .text("device", command.device),
            .text("point", command.point), .text("value", command.value), .text("status", command.status.rawValue),
            .text("reason", command.reason), .text("detail", command.detail),
            .number("old_value", command.oldValue), .number("new_value", command.newValue),
            .text("finished", command.finishedMillis.map { RFC3339.format(milliseconds: $0) }),
        ])
    }

    /// One field of an exported record: its CSV column and JSON member (absent: an empty column, no member).
    struct Field {
        let name: String
        let csv: String?
        let json: String?

        static func text(_ name: String, _ value: String?) -> Field {
            Field(name: name, csv: value, json: value.map(ExportFormat.jsonString))
        }

        static func number(_ name: String, _ value: Double?) -> Field {
            let text = value.flatMap(JSONWriter.format)
            return Field(name: name, csv: text, json: text)
        }

        /// A list: its items separated by spaces in CSV, a JSON array.
        static func list(_ name: String, _ items: [String]) -> Field {
            Field(name: name, csv: items.joined(separator: " "),
                  json: "[" + items.map(ExportFormat.jsonString).joined(separator: ",") + "]")
        }
    }

    /// A record's fields as one CSV or JSON Lines line.
    func line(_ fields: [Field]) -> String {
        switch self {
        case .csv:
            return fields.map { Self.csvField($0.csv ?? "") }.joined(separator: ",")
        case .jsonl:
            return "{" + fields.compactMap { field in field.json.map { "\"\(field.name)\":" + $0 } }.joined(separator: ",") + "}"
        }
    }
}

extension ExportFormat {
    /// The header of `vigie export --events` in CSV.
    public static let eventsHeader = "time,sensor,phase,start,end,score,peak_score,reasons,value,unit,expected_low,expected_high,context"

    /// One recorded anomaly event step as one line (times RFC 3339 UTC; in CSV the reasons and
    /// the context sensors are separated by spaces, in JSON they are arrays).
    public func line(_ event: AnomalyEventMessage) -> String {
        func time(_ millis: Int64?) -> String? { millis.map { RFC3339.format(milliseconds: $0) } }
        return line([
            .text("time", time(event.time)), .text("sensor", event.sensor.description), .text("phase", event.phase.rawValue),
            .text("start", time(event.start)), .text("end", time(event.end)), .number("score", event.score),
            .number("peak_score", event.peakScore), .list("reasons", event.reasons), .number("value", event.value),
            .text("unit", event.unit), .number("expected_low", event.expectedLow), .number("expected_high", event.expectedHigh),
            .list("context", event.context),
        ])
    }
}
