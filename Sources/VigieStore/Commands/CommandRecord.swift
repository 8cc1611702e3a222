/// One command from the hub as the journal keeps it: what was asked, by whom, and what came of it.
public struct CommandRecord: Sendable, Equatable {
    /// Where a command stands; `running` only while it is carried out (a replay may run for minutes).
    public enum Status: String, Sendable, CaseIterable {
        case running, done, refused, failed
    }

    /// The journal's own row number (a message without an id still gets one).
    public var row: Int64
    /// The hub's id; nil for a message that had none (refused as malformed).
    public var id: String?
    public var receivedMillis: Int64
    /// Which connection it came over: `mqtt:<sink> <topic>`, or `cli` for `vigie modbus write`.
    public var origin: String
    /// `write`, `replay`, or `unknown` for a message that could not be read.
    public var action: String
    public var device: String?
    public var point: String?
    /// The value asked for, as text (a number, true/false, a label).
    public var value: String?
    public var status: Status
    public var reason: String?
    public var detail: String?
    /// The point's value before the write, and the value read back after it.
    public var oldValue: Double?
    public var newValue: Double?
    /// The message as received.
    public var request: [UInt8]
    /// The reply as published: a repeated id gets exactly this again.
    public var reply: String?
    /// A replay's resume point: the time of the last reading published.
    public var progress: Int64?
    public var finishedMillis: Int64?

    public init(row: Int64 = 0, id: String?, receivedMillis: Int64, origin: String, action: String, device: String? = nil,
                point: String? = nil, value: String? = nil, status: Status = .running, reason: String? = nil,
                detail: String? = nil, oldValue: Double? = nil, newValue: Double? = nil, request: [UInt8],
                reply: String? = nil, progress: Int64? = nil, finishedMillis: Int64? = nil) {
        self.row = row
        self.id = id
        self.receivedMillis = receivedMillis
        self.origin = origin
        self.action = action
        self.device = device
        self.point = point
        self.value = value
        self.status = status
        self.reason = reason
        self.detail = detail
        self.oldValue = oldValue
        self.newValue = newValue
        self.request = request
        self.reply = reply
        self.progress = progress
        self.finishedMillis = finishedMillis
    }
}
