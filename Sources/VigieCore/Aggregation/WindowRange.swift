/// A half-open span of wall-clock time `[start, end)`, in milliseconds since the Unix epoch (UTC).
///
/// Aggregation windows are aligned on multiples of their duration counted from the epoch: a
/// 15m window starts at :00, :15, :30, :45, a 1h window on the hour, a 1d window at 00:00 UTC.
public struct WindowRange: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// First millisecond inside the window.
    public var start: Int64
    /// First millisecond after the window.
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Length in milliseconds.
    public var milliseconds: Int64 { end &- start }

    /// True when `time` falls inside `[start, end)`.
    public func contains(_ time: Int64) -> Bool { time >= start && time < end }

    /// The aligned window of `windowMilliseconds` that contains `time`; nil when the length is not
    /// positive or the window would not fit in an Int64.
    public static func aligned(containing time: Int64, windowMilliseconds: Int64) -> WindowRange? {
        guard windowMilliseconds > 0 else { return nil }
        let start = floorMultiple(of: windowMilliseconds, atOrBelow: time)
        let (end, overflow) = start.addingReportingOverflow(windowMilliseconds)
        guard !overflow else { return nil }
        return WindowRange(start: start, end: end)
    }

    /// The largest multiple of `step` that is `<= value` (rounding towards minus infinity).
    static func floorMultiple(of step: Int64, atOrBelow value: Int64) -> Int64 {
        let remainder = value % step
        return remainder < 0 ? value - remainder - step : value - remainder
    }

    public var description: String { "[\(start), \(end))" }

    public static func < (lhs: WindowRange, rhs: WindowRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }
}
