/// A sensor's short-term mean against its slowly adapting baseline, in units of that
/// difference's own learned spread: the device layer's evidence of a small, lasting shift
/// (`DeviceIncidentTracker`), which a per-reading test does not see in the noise.
///
/// The short mean is an exponentially weighted mean over about `shiftShortReadings` readings; the
/// baseline a running mean, then exponentially weighted over `shiftBaselineReadings`, so that it
/// follows slow drifts. The spread is the learned mean square of their difference (not the
/// reading's variance over √n: readings are autocorrelated), learned from reading
/// `spreadStart` on; the statistic is the squared difference over it, z², scored from reading
/// `shiftWarmup` on. The caller freezes learning (`learn: false`) while the device is anomalous,
/// so a fault is measured against the baseline from before it and the recovery returns to it.
///
/// The baseline is flat, so it is evidence only where its readings span less time than a daily
/// rhythm moves in (`shiftSpan`): a pump polled every second compares its last 10 seconds with
/// its last 10 minutes, while a building's meter polled every minute would compare them with its
/// last 10 hours, and the morning's ramp would look like a shift. Such a sensor's shift is not
/// scored; its detector's daily profile judges it (`SeasonalBaselineDetector`).
///
/// State: 48 bytes. Pure, causal, deterministic.
struct MeanShift: Sendable {
    private var seen = 0
    private var learned = 0
    private var spreadLearned = 0
    private var short = 0.0
    private var baseline = 0.0
    private var spread = 0.0
    /// The learned interval between readings, in seconds, and the latest reading's time (ms).
    private var interval = 0.0
    private var lastTime: Int64 = 0

    /// Readings after which the difference's spread is learned (the short mean has settled).
    static let spreadStart = 60
    /// The smallest spread (a constant sensor has none: any change of it is a shift).
    static let spreadFloor = 1e-12

    /// Whether the statistic is scored: after the warm-up, and while the baseline's readings
    /// span at most `shiftSpan` (the learned interval between readings × `shiftBaselineReadings`).
    func isScored(_ settings: DeviceCorroboration) -> Bool {
        seen > settings.shiftWarmup
            && (settings.shiftSpan == 0 || interval * settings.shiftBaselineReadings <= settings.shiftSpan)
    }

    /// Accounts for one value; its z² (0 while warming up).
    mutating func observe(_ value: Double, at time: Int64, learn: Bool, _ settings: DeviceCorroboration) -> Double {
        if seen == 0 { short = value; baseline = value; lastTime = time }
        seen += 1
        short += (value - short) / settings.shiftShortReadings
        let difference = short - baseline
        let squared = isScored(settings) && spreadLearned > 0 ? difference * difference / max(spread, Self.spreadFloor) : 0
        if learn {
            learned += 1
            let weight = max(1 / settings.shiftBaselineReadings, 1 / Double(learned))
            baseline += (value - baseline) * weight
            if time > lastTime { interval += (Double(time - lastTime) / 1000 - interval) * weight }
            if seen > Self.spreadStart {
                spreadLearned += 1
                spread += (difference * difference - spread) * max(1 / settings.shiftBaselineReadings, 1 / Double(spreadLearned))
            }
        }
        lastTime = max(lastTime, time)
        return squared.isFinite ? squared : 0
    }
}
