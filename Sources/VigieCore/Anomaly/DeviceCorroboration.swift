/// When a statistical alarm of one sensor is an incident of its device: the constants of the
/// device layer (`DeviceIncidentTracker`), chosen by cross-validation on SKAB
/// (`scripts/skab_cv.py`; `vigie detect --tune` accepts their names beside `AnomalyTuning`'s).
///
/// A fault of a pump or a meter usually moves several of its sensors together; noise on one
/// sensor does not. A sensor's statistical alarm opens its device's incident only when at
/// least `sensors` other sensors of the device were surprising (severity of at least `nats`)
/// within their last `window` readings. Data-quality findings (stuck, out of range, gap, device
/// error) are a fault of that one sensor and open an incident alone, and so does any alarm on
/// a device of one sensor: for it, events are exactly those of the per-sensor tracker.
public struct DeviceCorroboration: Sendable, Hashable {
    /// Other sensors of the device that must be surprising beside the alarm (`corroborate`; 0:
    /// every alarm opens, as the per-sensor tracker does).
    public var sensors = 1
    /// The surprise (nats) from which another sensor's reading corroborates (`corroboration_nats`).
    public var nats = 9.0
    /// How many of its own latest readings a corroborating surprise counts for (`corroboration_window`).
    public var window = 30

    public init() {}

    /// The names `--tune` accepts, with their current values.
    public var values: [(name: String, value: Double)] {
        [("corroborate", Double(sensors)), ("corroboration_nats", nats), ("corroboration_window", Double(window))]
    }

    /// Sets the constant called `name`; false when there is none by that name or `value` is out of its range.
    public mutating func set(_ name: String, _ value: Double) -> Bool {
        guard value.isFinite, value >= 0 else { return false }
        switch name {
        case "corroborate" where value <= 1_000: sensors = Int(value)
        case "corroboration_nats": nats = value
        case "corroboration_window" where value <= 100_000: window = Int(value)
        default: return false
        }
        return true
    }
}
