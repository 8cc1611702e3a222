/// Writes replayed raw readings of one device as a SenML pack marked with the replay's id:
///
///     [{"bn":"mairie-01:chaufferie:","bt":1796200000,"n":"replay","vs":"r-7"},
///      {"n":"consigne","u":"Cel","t":0,"v":21.5},{"n":"consigne","u":"Cel","t":1,"v":21.5}, ...]
///
/// The header names the replay (`vs`, a SenML string value): replayed messages carry no outbox
/// sequence number, the hub tells them apart by the replay id. Each reading is a record at
/// `t` seconds after `bt`; a reading of bad quality has its quality in `q` (an extension field)
/// and no `v` when its value is not a number.
public struct ReplayPackEncoder: Sendable {
    public var gateway: String
    public var replayID: String

    public init(gateway: String, replayID: String) {
        self.gateway = gateway
        self.replayID = replayID
    }

    /// The pack of `readings` (one device's, in time order); `unit` gives each point's unit.
    public func encode(device: String, readings: [Reading], unit: (SensorID) -> String?) -> String {
        let base = readings.first?.time ?? 0
        var json = JSONWriter()
        json.beginArray()
        json.beginObject()
        json.field("bn", SenMLUnits.nameComponent(gateway) + ":" + SenMLUnits.nameComponent(device) + ":")
        json.field("bt", Double(base) / 1000)
        json.field("bver", SenMLUnits.packVersion(units: readings.compactMap { unit($0.sensor) }))
        json.field("n", "replay")
        json.field("vs", replayID)
        json.endObject()
        for reading in readings {
            json.beginObject()
            json.field("n", SenMLUnits.nameComponent(reading.sensor.point))
            if let unit = unit(reading.sensor), !unit.isEmpty { json.field("u", unit) }
            json.field("t", Double(reading.time - base) / 1000)
            json.field("v", reading.value.isFinite ? reading.value : nil)
            if !reading.quality.isGood { json.field("q", reading.quality.description) }
            json.endObject()
        }
        json.endArray()
        return json.output
    }

    /// An aggregate payload (SenML pack or plain JSON object) with the replay id added as its
    /// first field: `[{"replay":"r-7","bn":...` or `{"replay":"r-7","kind":...`.
    public func marking(_ payload: String) -> String {
        guard let brace = payload.firstIndex(of: "{") else { return payload }
        var marker = "\"replay\":"
        JSONWriter.appendString(replayID, to: &marker)
        let rest = payload[payload.index(after: brace)...]
        return String(payload[...brace]) + marker + (rest.first == "}" ? "" : ",") + rest
    }
}
