/// A write checked against its point and ready for the bus: the words or the coil state to
/// send, and the value the point should read afterwards.
///
/// `plan(_:for:)` is where every refusal before I/O happens, in this order: not writable, wrong
/// kind of value (or an unknown label), outside `write: { min, max }`, off the `step` grid, not
/// encodable in the type (or the bit field).
public struct PlannedWrite: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Holding registers from the point's address (function 6 or 16).
        case registers([UInt16])
        /// One coil (function 5).
        case coil(Bool)
        /// A bit field of the point's register: read, set the field to `value`, write back, as one
        /// job on the bus so that the other bits stay as the device had them.
        case bits(BitField, value: UInt64)
    }

    public var point: PointDefinition
    public var action: Action
    /// What the point reads once written: the requested value (a boolean as 0 or 1).
    public var expected: Double

    public init(point: PointDefinition, action: Action, expected: Double) {
        self.point = point
        self.action = action
        self.expected = expected
    }

    /// Checks `value` against `point` and encodes it; nothing is written here.
    public static func plan(_ value: CommandValue, for point: PointDefinition) -> Result<PlannedWrite, CommandRefusal> {
        guard let limits = point.write else {
            return .failure(CommandRefusal(.notWritable, "point \(point.name) has no \"write:\" in the configuration"))
        }
        if point.table == .coils {
            guard case .bool(let state) = value else {
                return .failure(CommandRefusal(.badRequest, "point \(point.name) is a coil: its value is true or false, not \(value)"))
            }
            return .success(PlannedWrite(point: point, action: .coil(state), expected: state ? 1 : 0))
        }
        let number: Double
        switch value {
        case .number(let given):
            number = given
            if !point.labels.isEmpty, !point.labels.keys.contains(where: { Double($0) * point.scale + point.offset == given }) {
                return .failure(CommandRefusal(.outOfRange, "\(value) is not one of the values of point \(point.name): "
                                               + Self.labelList(point)))
            }
        case .label(let label):
            guard let raw = point.rawValue(ofLabel: label) else {
                return .failure(CommandRefusal(point.labels.isEmpty ? .badRequest : .outOfRange, point.labels.isEmpty
                    ? "point \(point.name) takes a number, not the label \(label)"
                    : "point \(point.name) has no label \(label): " + Self.labelList(point)))
            }
            number = Double(raw) * point.scale + point.offset
        case .bool(let state):
            guard case .bits(let field) = point.type, field.width == 1 else {
                return .failure(CommandRefusal(.badRequest, "point \(point.name) takes a number, not \(value)"))
            }
            number = (state ? 1 : 0) * point.scale + point.offset
        }
        if let refusal = limits.refusal(of: number, unit: point.unit) { return .failure(refusal) }
        if case .bits(let field) = point.type {
            let raw = ((number - point.offset) / point.scale).rounded()
            let largest = Double((UInt64(1) << UInt64(field.width)) - 1)
            guard raw >= 0, raw <= largest else {
                return .failure(CommandRefusal(.outOfRange, "\(value) does not fit the \(field.width) bit(s) of point \(point.name) "
                                               + "(raw 0...\(Int64(largest)))"))
            }
            return .success(PlannedWrite(point: point, action: .bits(field, value: UInt64(raw)), expected: number))
        }
        return RegisterEncoder.checkedWords(for: number, point: point).map {
            PlannedWrite(point: point, action: .registers($0), expected: number)
        }
    }

    /// `0 = off, 1 = on`, for a refusal's detail.
    private static func labelList(_ point: PointDefinition) -> String {
        point.labels.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")
    }

    /// Whether `readBack` shows the write took: within one raw step of the expected value.
    public func matches(readBack: Double) -> Bool {
        guard readBack.isFinite else { return false }
        if case .coil = action { return readBack == expected }
        return abs(readBack - expected) <= RegisterEncoder.rawStep(of: point, near: expected) * (1 + 1e-9)
    }
}

extension PointWriteLimits {
    /// Why `value` is outside the limits, or nil when it is within them.
    public func refusal(of value: Double, unit: String?) -> CommandRefusal? {
        guard value.isFinite else { return CommandRefusal(.badRequest, "\(value) is not a finite number") }
        let shown = JSONWriter.format(value) ?? "\(value)"
        let suffix = unit.map { " \($0)" } ?? ""
        if let min, value < min {
            return CommandRefusal(.outOfRange, "\(shown) is below the minimum \(JSONWriter.format(min) ?? "\(min)")\(suffix)")
        }
        if let max, value > max {
            return CommandRefusal(.outOfRange, "\(shown) is above the maximum \(JSONWriter.format(max) ?? "\(max)")\(suffix)")
        }
        if let step {
            let steps = (value - (min ?? 0)) / step
            if abs(steps - steps.rounded()) > 1e-6 {
                return CommandRefusal(.outOfRange, "\(shown) is not on the step \(JSONWriter.format(step) ?? "\(step)") "
                                      + "from \(JSONWriter.format(min ?? 0) ?? "0")")
            }
        }
        return nil
    }
}
