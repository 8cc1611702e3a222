/// Why a hub command was not carried out before anything was written: a reason from the
/// contract (docs/control.md) and a sentence saying what was wrong.
public struct CommandRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `reason` field of a `refused` reply.
    public enum Reason: String, Sendable, CaseIterable {
        case disabled, badRequest = "bad_request", unknownPoint = "unknown_point", notWritable = "not_writable"
        case outOfRange = "out_of_range", stale, busy
    }

    public var reason: Reason
    /// For the hub's operator: `30 is above the maximum 23`.
    public var detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
