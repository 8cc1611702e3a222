/// The `value` of a write command: a number (registers), a boolean (coils, bits) or a label (enum points).
public enum CommandValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case bool(Bool)
    case label(String)

    public var description: String {
        switch self {
        case .number(let value): JSONWriter.format(value) ?? "\(value)"
        case .bool(let value): value ? "true" : "false"
        case .label(let label): label
        }
    }

    /// The value as a number for the audit trail (a boolean as 0 or 1); nil for a label.
    public var numeric: Double? {
        switch self {
        case .number(let value): value
        case .bool(let value): value ? 1 : 0
        case .label: nil
        }
    }
}
