import VigieCore

extension ExportFormat {
    /// The header of `vigie export --commands` in CSV.
    public static let commandsHeader = "received,id,origin,action,device,point,value,status,reason,detail,old_value,new_value,finished"

    /// One recorded command as one line: the audit trail (times RFC 3339 UTC; an absent field is
    /// empty in CSV and left out in JSON).
    public func line(_ command: CommandRecord) -> String {
        let fields: [(String, String?, Bool)] = [
            ("received", RFC3339.format(milliseconds: command.receivedMillis), true), ("id", command.id, true),
            ("origin", command.origin, true), ("action", command.action, true), ("device", command.device, true),
            ("point", command.point, true), ("value", command.value, true), ("status", command.status.rawValue, true),
            ("reason", command.reason, true), ("detail", command.detail, true),
            ("old_value", command.oldValue.flatMap(JSONWriter.format), false),
            ("new_value", command.newValue.flatMap(JSONWriter.format), false),
            ("finished", command.finishedMillis.map { RFC3339.format(milliseconds: $0) }, true),
        ]
        switch self {
        case .csv:
            return fields.map { Self.csvField($0.1 ?? "") }.joined(separator: ",")
        case .jsonl:
            let members = fields.compactMap { name, value, quoted in
                value.map { "\"\(name)\":" + (quoted ? Self.jsonString($0) : $0) }
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }
}
