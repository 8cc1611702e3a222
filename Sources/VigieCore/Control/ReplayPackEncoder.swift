/// Writes replayed raw readings of one device as a SenML pack marked with the replay's id:
///
///     [{"bn":"mairie-01:chaufferie:","bt":1796200000,"n":"replay","vs":"r-7"},
///      {"n":"consigne","u":"Cel","t":0,"v":21.5},{"n":"consigne","u":"Cel","t":1,"v":21.5}, ...]
///
/// The header names the replay (`vs`, a SenML string value): replayed messages carry no outbox
/// sequence number, the hub tells them apart by the replay id. The readings are written as a
/// live readings pack's (`ReadingsPack.senml`): a record at `t` seconds after `bt` each, a
/// reading not of good quality with its quality in `q` (an extension field) and no `v` when its
/// value is not a number.
public struct ReplayPackEncoder: Sendable {
    public var gateway: String
    public var replayID: String

    public init(gateway: String, replayID: String) {
        self.gateway = gateway
        self.replayID = replayID
    }

    /// The pack of `readings` (one device's, in time order); `unit` gives each point's unit.
    public func encode(device: String, readings: [Reading], unit: (SensorID) -> String?) -> String {
        let pack = ReadingsPack.packs(readings, unit: unit).first ?? ReadingsPack(device: device, entries: [])
        return pack.senml(gateway: gateway) { json in
            json.field("n", "replay")
            json.field("vs", replayID)
        }
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
