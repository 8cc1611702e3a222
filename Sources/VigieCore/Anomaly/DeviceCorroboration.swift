/// When a statistical alarm of one sensor is an incident of its device: the constants of the
/// device layer (`DeviceIncidentTracker`), chosen by cross-validation on SKAB
/// (`scripts/skab_cv.py`; `vigie detect --tune` accepts their names beside `AnomalyTuning`'s).
///
/// A fault of a pump or a meter usually moves several of its sensors together; noise on one
/// sensor does not. A sensor's statistical alarm opens its device's incident only when at
/// least `sensors` other sensors of the device (its only other one on a device of two) were
/// surprising (severity of at least `nats`) within their last `window` readings. Data-quality
/// findings (stuck, out of range, gap, device error) are a fault of that one sensor and open an
/// incident alone, and so does any alarm on a device of one sensor: for it, events are exactly
/// those of the per-sensor tracker.
public struct DeviceCorroboration: Sendable, Hashable {
    /// Other sensors of the device that must be surprising beside the alarm (`corroborate`; 0:
    /// every alarm opens, as the per-sensor tracker does), or all of them on a device with fewer.
    /// Two, because two sensors that measure the same thing (SKAB's temperature and
    /// thermocouple) surprise together by chance: one of them alone corroborating the other made
    /// all of SKAB's false alarms left (1.5 an hour).
    public var sensors = 2
    /// The surprise (nats) from which another sensor's reading corroborates (`corroboration_nats`).
    public var nats = 12.0
    /// How many of its own latest readings a corroborating surprise counts for (`corroboration_window`).
    public var window = 40

    /// The device's own evidence (`MeanShift`, per sensor): readings in the short-term mean
    /// (`shift_short`).
    public var shiftShortReadings = 10.0
    /// Readings in the slowly adapting baseline and in the spread of the short mean around it
    /// (`shift_baseline`).
    public var shiftBaselineReadings = 600.0
    /// A sensor's readings before its shift is scored (`shift_warmup`); until then its
    /// statistical alarms are corroborated by other sensors' surprises as above.
    public var shiftWarmup = 150
    /// The shift's surprise in nats is `shiftGain` × z² / 2 (`shift_gain`; 1: a Gaussian's): a
    /// shift of 5.9 of its own spreads reaches the medium threshold (17.25 nats).
    public var shiftGain = 1.0
    /// A shift of this many spreads (`shift_freeze`) freezes the learning of every sensor of the
    /// device for `shiftHold` of its sensors' readings each (`shift_hold`): a fault is measured
    /// against the device's state before it, and its recovery returns to that state.
    public var shiftFreeze = 5.0
    public var shiftHold = 30
    /// Once the alarm's sensor's shift is scored, a statistical alarm is corroborated when a
    /// sensor of the device (itself included) had a shift of at least `shiftCorroboration` nats
    /// (`shift_corroboration`) within the device's last `window` readings of each sensor.
    public var shiftCorroboration = 8.75
    /// The longest time, in seconds, a sensor's shift baseline may span (`shift_span`; 0: any):
    /// its readings' interval × `shiftBaselineReadings`. Longer, a daily rhythm moves the mean
    /// within the baseline, and the sensor's shift is not scored (`MeanShift`).
    public var shiftSpan = SeasonalBaselineDetector.rhythmSpanSeconds
    /// A sensor's shift counts only while its short mean moves around its baseline no more than
    /// `shiftSteadiness` times what its reading-to-reading noise alone would explain
    /// (`shift_steadiness`; 0: always): a sensor that follows a rhythm is judged by its own
    /// detector and corroborated by other sensors' surprises, as before the device evidence.
    public var shiftSteadiness = 20.0

    public init() {}

    /// The names `--tune` accepts, with their current values.
    public var values: [(name: String, value: Double)] {
        [("corroborate", Double(sensors)), ("corroboration_nats", nats), ("corroboration_window", Double(window)),
         ("shift_short", shiftShortReadings), ("shift_baseline", shiftBaselineReadings), ("shift_warmup", Double(shiftWarmup)),
         ("shift_gain", shiftGain), ("shift_freeze", shiftFreeze), ("shift_hold", Double(shiftHold)),
         ("shift_corroboration", shiftCorroboration), ("shift_span", shiftSpan), ("shift_steadiness", shiftSteadiness)]
    }

    /// Sets the constant called `name`; false when there is none by that name or `value` is out of its range.
    public mutating func set(_ name: String, _ value: Double) -> Bool {
        guard value.isFinite, value >= 0 else { return false }
        switch name {
        case "corroborate" where value <= 1_000: sensors = Int(value)
        case "corroboration_nats": nats = value
        case "corroboration_window" where value <= 100_000: window = Int(value)
        case "shift_short" where value >= 1: shiftShortReadings = value
        case "shift_baseline" where value >= 1: shiftBaselineReadings = value
        case "shift_warmup" where value <= 100_000: shiftWarmup = Int(value)
        case "shift_gain": shiftGain = value
        case "shift_freeze": shiftFreeze = value
        case "shift_hold" where value <= 100_000: shiftHold = Int(value)
        case "shift_corroboration": shiftCorroboration = value
        case "shift_span": shiftSpan = value
        case "shift_steadiness": shiftSteadiness = value
        default: return false
        }
        return true
    }
}
