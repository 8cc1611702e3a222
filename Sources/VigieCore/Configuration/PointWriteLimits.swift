/// What a hub command may write to a point: `write: { min, max, step }`, in the point's unit
/// (after scale and offset), both ends included.
///
/// A point without them is read-only. Coils take a boolean and need no range: `write: {}`.
public struct PointWriteLimits: Sendable, Equatable {
    public var min: Double?
    public var max: Double?
    /// When set, a value must be `min + k × step` (or `k × step` without `min`).
    public var step: Double?

    public init(min: Double? = nil, max: Double? = nil, step: Double? = nil) {
        self.min = min
        self.max = max
        self.step = step
    }
}
