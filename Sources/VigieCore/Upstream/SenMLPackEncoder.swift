/// Writes an aggregate pack as a SenML JSON pack (RFC 8428), vigie's default upstream format.
///
/// One pack per device per window. The first record is a header that carries the base
/// fields and the outbox sequence number:
///
///     {"bn":"mairie-01:meter:","bt":1700000000,"bver":26,"n":"window","u":"s","v":900,"seq":42}
///
/// - `bn` is `{gateway}:{device}:`, so a resolved name reads `gateway:device:point:statistic`
///   (characters SenML forbids in names become `_`).
/// - `bt` is the window START in seconds since the epoch; no record has a `t`, so every record
///   of the pack is at the window start. `window` is the window length in seconds.
/// - `bver` 26 appears only when a unit of the pack is a SenML secondary unit (`kWh`, `ppm`...).
/// - `seq` (an extension field a SenML reader ignores) is the outbox sequence number: the hub
///   drops a message whose (gateway, seq) it already has.
///
/// Then one record per point and statistic, in the configured statistics order, named
/// `point:statistic` with the point's unit (`count` and `bad` have none):
///
///     {"n":"voltage:mean","u":"V","v":230.2}
///
/// With `count` requested, a `point:bad` record follows it with the number of bad-quality
/// readings excluded (0 included, so the series has no holes). An enum point's last value's label
/// follows as a string record `{"n":"state:label","vs":"running"}`. A statistic a window lacks
/// (min/max/mean... of a window whose readings were all bad) or that is not finite is left out.
public struct SenMLPackEncoder: Sendable {
    /// Statistics written, in this order.
    public var statistics: [Statistic]

    public init(statistics: [Statistic] = [.count, .min, .max, .mean, .last]) {
        self.statistics = statistics
    }

    /// The SenML JSON text of `pack`, sent by `gateway` as outbox message `sequence`.
    public func encode(_ pack: AggregatePack, gateway: String, sequence: Int64) -> String {
        var json = JSONWriter()
        json.beginArray()
        json.beginObject()
        json.field("bn", SenMLUnits.nameComponent(gateway) + ":" + SenMLUnits.nameComponent(pack.device) + ":")
        json.field("bt", Double(pack.window.start) / 1000)
        json.field("bver", SenMLUnits.packVersion(units: pack.points.compactMap(\.unit)))
        json.field("n", "window")
        json.field("u", "s")
        json.field("v", Double(pack.window.milliseconds) / 1000)
        json.field("seq", sequence)
        json.endObject()
        for point in pack.points {
            let name = SenMLUnits.nameComponent(point.name)
            for statistic in statistics {
                guard let value = point.statistics.value(of: statistic) else { continue }
                record(&json, name: "\(name):\(statistic.rawValue)",
                       unit: statistic == .count ? nil : point.unit, value: value)
                if statistic == .count {
                    record(&json, name: "\(name):bad", unit: nil, value: Double(point.statistics.bad))
                }
            }
            if let label = point.label {
                json.beginObject()
                json.field("n", "\(name):label")
                json.field("vs", label)
                json.endObject()
            }
        }
        json.endArray()
        return json.output
    }

    private func record(_ json: inout JSONWriter, name: String, unit: String?, value: Double) {
        json.beginObject()
        json.field("n", name)
        if let unit, !unit.isEmpty { json.field("u", unit) }
        json.field("v", value)
        json.endObject()
    }
}
