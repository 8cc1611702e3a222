/// How far a reading can be trusted.
///
/// Stored as one small integer (see `code`): 0 good, 1 uncertain, 2... bad with a reason.
public enum Quality: Hashable, Sendable, CustomStringConvertible {
    case good
    /// Taken but doubtful, e.g. before the clock was synchronised.
    case uncertain
    case bad(BadReason)

    /// Why a reading is bad. Codes are stored on disk: never renumber one.
    public enum BadReason: UInt8, Sendable, CaseIterable, CustomStringConvertible {
        case timeout = 1
        case deviceException = 2
        case connectionFailed = 3
        case notANumber = 4
        case outOfRange = 5
        case decodeFailed = 6
        case other = 200

        public var description: String {
            switch self {
            case .timeout: "timeout"
            case .deviceException: "device exception"
            case .connectionFailed: "connection failed"
            case .notANumber: "not a number"
            case .outOfRange: "out of range"
            case .decodeFailed: "decode failed"
            case .other: "other"
            }
        }
    }

    /// The compact on-disk form.
    public var code: UInt8 {
        switch self {
        case .good: 0
        case .uncertain: 1
        case .bad(let reason): 1 + reason.rawValue
        }
    }

    public init(code: UInt8) {
        switch code {
        case 0: self = .good
        case 1: self = .uncertain
        default: self = .bad(BadReason(rawValue: code &- 1) ?? .other)
        }
    }

    public var isGood: Bool { self == .good }
    /// A reading that failed (its value is not usable); an uncertain one is not bad.
    public var isBad: Bool { if case .bad = self { true } else { false } }

    /// `good`, `uncertain`, or `bad:<reason>`: the form used by export and the API.
    public var description: String {
        switch self {
        case .good: "good"
        case .uncertain: "uncertain"
        case .bad(let reason): "bad:\(reason)"
        }
    }
}
