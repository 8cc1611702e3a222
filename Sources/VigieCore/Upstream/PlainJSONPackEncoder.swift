/// Writes an aggregate pack as one plain JSON object (`format: json`), for hubs without SenML:
///
///     {"kind":"aggregate","gateway":"mairie-01","device":"meter","seq":42,
///      "start":1700000000000,"end":1700000900000,
///      "points":{"voltage":{"unit":"V","count":900,"bad":0,"min":229.5,...}}}
///
/// Times are milliseconds since the epoch (window `[start, end)`); statistics are the
/// configured ones plus `bad` (always); an absent or non-finite statistic is left out. An enum
/// point has `"label"`, its last value's label, as a string.
public struct PlainJSONPackEncoder: Sendable {
    /// Statistics written, in this order.
    public var statistics: [Statistic]

    public init(statistics: [Statistic] = [.count, .min, .max, .mean, .last]) {
        self.statistics = statistics
    }

    /// The JSON text of `pack`, sent by `gateway` as outbox message `sequence`.
    public func encode(_ pack: AggregatePack, gateway: String, sequence: Int64) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("kind", OutboxKind.aggregate.rawValue)
        json.field("gateway", gateway)
        json.field("device", pack.device)
        json.field("seq", sequence)
        json.field("start", pack.window.start)
        json.field("end", pack.window.end)
        json.key("points")
        json.beginObject()
        for point in pack.points {
            json.key(point.name)
            json.beginObject()
            if let unit = point.unit { json.field("unit", unit) }
            for statistic in statistics {
                json.field(statistic.rawValue, point.statistics.value(of: statistic))
            }
            json.field("bad", Int64(point.statistics.bad))
            if let label = point.label { json.field("label", label) }
            json.endObject()
        }
        json.endObject()
        json.endObject()
        return json.output
    }
}
