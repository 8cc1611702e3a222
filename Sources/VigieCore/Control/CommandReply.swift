/// The answer to a hub command, published on `control.replies` (docs/control.md):
///
///     {"kind":"command","gateway":"mairie-annexe-01","id":"c-42","status":"done","device":"chaufferie","point":"consigne","value":21.5,"read_back":21.5,"old_value":19,"time":1796280000950}
///     {"kind":"command","gateway":"mairie-annexe-01","id":"c-43","status":"refused","reason":"out_of_range","detail":"30 is above the maximum 23","time":1796280001010}
public struct CommandReply: Sendable, Equatable {
    public enum Status: String, Sendable {
        case done, refused, failed
    }

    public var id: String?
    public var status: Status
    public var reason: CommandRefusal.Reason?
    public var detail: String?
    public var device: String?
    public var point: String?
    public var value: CommandValue?
    public var readBack: Double?
    public var oldValue: Double?
    /// Replays: what was published, and from when data exists when the range starts earlier.
    public var replay: ReplaySummary?
    /// When the outcome was decided, ms since the epoch.
    public var time: Int64

    public init(id: String?, status: Status, reason: CommandRefusal.Reason? = nil, detail: String? = nil,
                device: String? = nil, point: String? = nil, value: CommandValue? = nil, readBack: Double? = nil,
                oldValue: Double? = nil, replay: ReplaySummary? = nil, time: Int64) {
        self.id = id
        self.status = status
        self.reason = reason
        self.detail = detail
        self.device = device
        self.point = point
        self.value = value
        self.readBack = readBack
        self.oldValue = oldValue
        self.replay = replay
        self.time = time
    }

    /// A refusal of command `id` (nil when the message had no readable id).
    public static func refused(_ refusal: CommandRefusal, id: String?, time: Int64) -> CommandReply {
        CommandReply(id: id, status: .refused, reason: refusal.reason, detail: refusal.detail, time: time)
    }

    /// The reply's JSON text.
    public func json(gateway: String) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("kind", "command")
        json.field("gateway", gateway)
        json.key("id")
        if let id { json.string(id) } else { json.null() }
        json.field("status", status.rawValue)
        if let reason { json.field("reason", reason.rawValue) }
        if let detail { json.field("detail", detail) }
        if let device { json.field("device", device) }
        if let point { json.field("point", point) }
        switch value {
        case .number(let number)?: json.field("value", number)
        case .bool(let state)?:
            json.key("value")
            json.bool(state)
        case .label(let label)?: json.field("value", label)
        case nil: break
        }
        json.field("read_back", readBack.flatMap { $0.isFinite ? $0 : nil })
        json.field("old_value", oldValue.flatMap { $0.isFinite ? $0 : nil })
        if let replay {
            json.field("what", replay.what.rawValue)
            json.field("messages", Int64(replay.messages))
            json.field("count", Int64(replay.count))
            json.field("data_from", replay.dataFrom)
        }
        json.field("time", time)
        json.endObject()
        return json.output
    }
}

/// What a replay published: `count` readings (or windows) in `messages` messages; `dataFrom`
/// is the oldest reading kept when the asked range starts before it.
public struct ReplaySummary: Sendable, Equatable {
    public var what: ReplayRequest.Content
    public var messages: Int
    public var count: Int
    public var dataFrom: Int64?

    public init(what: ReplayRequest.Content, messages: Int = 0, count: Int = 0, dataFrom: Int64? = nil) {
        self.what = what
        self.messages = messages
        self.count = count
        self.dataFrom = dataFrom
    }
}
