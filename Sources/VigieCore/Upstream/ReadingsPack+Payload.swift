/// The payloads a sink sends for a readings pack.
///
/// SenML (RFC 8428), the shape of an aggregate pack: a header record with the base fields, the
/// number of readings and the outbox sequence number, then one record per reading at `t`
/// seconds after `bt`:
///
///     [{"bn":"mairie-01:meter:","bt":1700000000,"n":"readings","v":2,"seq":43},
///      {"n":"voltage","u":"V","t":0,"v":230.1},{"n":"voltage","u":"V","t":1,"v":230.4,"q":"uncertain"}]
///
/// A reading not of good quality has its quality in `q` (an extension field, as in a replay)
/// and no `v` when its value is not a number. Plain JSON (`format: json`):
///
///     {"kind":"readings","gateway":"mairie-01","device":"meter","seq":43,
///      "readings":[{"point":"voltage","unit":"V","time":1700000000000,"value":230.1,"quality":"good"}, ...]}
///
/// (times in milliseconds; `value` left out when not a number).
extension ReadingsPack {
    public func payload(format: UpstreamFormat, gateway: String, sequence: Int64) -> String {
        switch format {
        case .senml:
            senml(gateway: gateway) { json in
                json.field("n", OutboxKind.readings.rawValue)
                json.field("v", Double(entries.count))
                json.field("seq", sequence)
            }
        case .json: plainJSON(gateway: gateway, sequence: sequence)
        }
    }

    /// The SenML pack: a header record (`bn`, `bt`, `bver`, then what `header` writes), then the readings.
    public func senml(gateway: String, header: (inout JSONWriter) -> Void) -> String {
        let base = entries.first?.time ?? 0
        var json = JSONWriter()
        json.beginArray()
        json.beginObject()
        json.field("bn", SenMLUnits.nameComponent(gateway) + ":" + SenMLUnits.nameComponent(device) + ":")
        json.field("bt", Double(base) / 1000)
        json.field("bver", SenMLUnits.packVersion(units: entries.compactMap(\.unit)))
        header(&json)
        json.endObject()
        for entry in entries {
            json.beginObject()
            json.field("n", SenMLUnits.nameComponent(entry.point))
            if let unit = entry.unit, !unit.isEmpty { json.field("u", unit) }
            json.field("t", Double(entry.time - base) / 1000)
            json.field("v", entry.value)
            if !entry.quality.isGood { json.field("q", entry.quality.description) }
            json.endObject()
        }
        json.endArray()
        return json.output
    }

    private func plainJSON(gateway: String, sequence: Int64) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("kind", OutboxKind.readings.rawValue)
        json.field("gateway", gateway)
        json.field("device", device)
        json.field("seq", sequence)
        json.key("readings")
        json.beginArray()
        for entry in entries {
            json.beginObject()
            json.field("point", entry.point)
            if let unit = entry.unit { json.field("unit", unit) }
            json.field("time", entry.time)
            json.field("value", entry.value)
            json.field("quality", entry.quality.description)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.output
    }
}
