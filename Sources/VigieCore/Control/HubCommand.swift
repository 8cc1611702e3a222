/// One command from the hub, read from its JSON message (docs/control.md):
///
///     {"id":"c-42","device":"chaufferie","point":"consigne","value":21.5,"time":1796280000000,"expires":1796280300000}
///     {"id":"r-7","replay":{"device":"tableau-general","from":1796200000000,"to":1796203600000,"what":"readings"}}
public struct HubCommand: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case write(device: String, point: String, value: CommandValue)
        case replay(ReplayRequest)

        /// `write` or `replay`, as the journal names it.
        public var name: String {
            switch self {
            case .write: "write"
            case .replay: "replay"
            }
        }
    }

    /// At most `maximumIDLength` characters; makes the command idempotent.
    public var id: String
    public var action: Action
    /// When the hub sent it, milliseconds since the epoch (UTC).
    public var time: Int64?
    /// After this (ms since the epoch) it must not be carried out.
    public var expires: Int64?

    public static let maximumIDLength = 64

    public init(id: String, action: Action, time: Int64? = nil, expires: Int64? = nil) {
        self.id = id
        self.action = action
        self.time = time
        self.expires = expires
    }

    /// Why the command is too old to carry out at `now`, or nil: past its `expires`, or its
    /// `time` older than `maxAge`. A broker that queued commands during an outage delivers them
    /// all at once when the link returns; only the fresh ones may act.
    public func staleness(now: Int64, maxAge: Duration) -> CommandRefusal? {
        if let expires, expires < now {
            return CommandRefusal(.stale, "expired \(now - expires) ms ago")
        }
        if let time, now - time > maxAge.milliseconds {
            return CommandRefusal(.stale, "sent \((now - time) / 1000) s ago, more than max_age \(maxAge.milliseconds / 1000) s")
        }
        return nil
    }
}

/// What a replay asks for: a device's stored readings, or aggregate windows recomputed from them.
public struct ReplayRequest: Sendable, Equatable {
    public enum Content: String, Sendable, CaseIterable {
        case readings, aggregates
    }

    public var device: String
    /// One point of the device; nil for all of them.
    public var point: String?
    /// Milliseconds since the epoch; `from` included, `to` excluded.
    public var from: Int64
    public var to: Int64
    public var what: Content

    public init(device: String, point: String? = nil, from: Int64, to: Int64, what: Content) {
        self.device = device
        self.point = point
        self.from = from
        self.to = to
        self.what = what
    }
}
