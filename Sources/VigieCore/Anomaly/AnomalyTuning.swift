/// The detector's constants that were chosen by looking at data (NAB, SKAB, the demo), in one
/// place so that each can be cross-validated: `vigie detect --tune NAME=VALUE,...` (a hidden
/// option) replays a series with other values, and `scripts/anomaly_cv.py` picks each value on
/// all NAB categories but one and scores the one left out. The defaults are what ships.
public struct AnomalyTuning: Sendable, Hashable {
    /// Multiplies the statistical evidence (½ × distribution change + ½ × the baseline's news
    /// severity, in [0, 1]) into the score that opens an event, at low and medium sensitivity
    /// (`gain`).
    public var statisticalGain = 1.6
    /// The same at high sensitivity (`gain_high`). Its event threshold is lower (0.45): with 1.6
    /// the baseline's news alone opened an event from severity 0.56, and NAB's files gave 409
    /// false-positive rows. With 1.3 it needs 0.69 (0.75 at medium), a distribution change alone
    /// (0.65) still opens one, and NAB gives 139; every fold of the cross-validation at high
    /// chooses 1.3.
    public var highSensitivityGain = 1.3

    /// The gain that applies at `sensitivity`.
    public func gain(at sensitivity: Sensitivity) -> Double {
        sensitivity == .high ? highSensitivityGain : statisticalGain
    }
    /// Readings after a statistical alarm during which further statistical alarms are the same
    /// incident (`refractory`).
    public var refractoryReadings = 100
    /// Calm readings (no surprise over 4.6 nats) in which the remembered peak of a reported
    /// surprise halves (`halflife`): a new alarm must be twice as surprising as that peak to be news.
    public var peakHalfLife = 10.0
    /// While the rhythm is learned, the distance to the level is also judged directly, as a
    /// Gaussian tail at z / `stepScale` (`zscale`; 0: not at all): the likelihood of the errors
    /// saturates (z²/(z² + 9)), so a step of 20 deviations, recurring an hour after the same
    /// one, scored no higher than one of 5; it stands in for the distribution test, which does
    /// not count alone then.
    public var stepScale = 1.5
    /// While the rhythm is learned, the level's mean absolute error learns from errors clipped at
    /// `deviationClip` times itself (`clip`; 0: not clipped), so that one level shift does not widen the sensor's usual
    /// error for the next hundred readings and hide the next shift.
    public var deviationClip = 4.0
    /// While the detector learns the sensor's rhythm, the baseline severity a distribution
    /// change needs beside it to count (`agreement`): a slow ramp changes the distribution of
    /// the values without a step the level model sees.
    public var learningAgreement = 0.5
    /// How long (in hours) a detector learns its sensor's daily rhythm from the first reading
    /// (`learning`): the daily profile is consulted only afterwards.
    public var learningHours = 24.0
    /// How much the running range of a sensor's values must widen at once (a fraction of it) for
    /// the distribution test to forget its remembered histograms, whose bins no longer mean the
    /// same values, and to call that reading a change (`reset`).
    public var rangeReset = 0.3

    public init() {}

    /// The names `--tune` accepts, with their current values.
    public var values: [(name: String, value: Double)] {
        [("gain", statisticalGain), ("gain_high", highSensitivityGain), ("refractory", Double(refractoryReadings)), ("halflife", peakHalfLife), ("zscale", stepScale), ("clip", deviationClip),
         ("agreement", learningAgreement), ("learning", learningHours), ("reset", rangeReset)]
    }

    /// Sets the constant called `name`; false when there is none by that name or `value` is out of its range.
    public mutating func set(_ name: String, _ value: Double) -> Bool {
        guard value.isFinite, value >= 0 else { return false }
        switch name {
        case "gain": statisticalGain = value
        case "gain_high": highSensitivityGain = value
        case "refractory" where value <= 100_000: refractoryReadings = Int(value)
        case "halflife" where value >= 1: peakHalfLife = value
        case "zscale": stepScale = value
        case "clip": deviationClip = value
        case "agreement": learningAgreement = value
        case "reset" where value > 0: rangeReset = value
        case "learning" where value <= 24 * 366: learningHours = value
        default: return false
        }
        return true
    }
}
