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
/// State: 48 bytes. Pure, causal, deterministic.
struct MeanShift: Sendable {
    private var seen = 0
    private var learned = 0
    private var spreadLearned = 0
    private var short = 0.0
    private var baseline = 0.0
    private var spread = 0.0

    /// Readings after which the difference's spread is learned (the short mean has settled).
    static let spreadStart = 60
    /// The smallest spread (a constant sensor has none: any change of it is a shift).
    static let spreadFloor = 1e-12

    /// Whether the statistic is scored yet.
    func isWarm(_ settings: DeviceCorroboration) -> Bool { seen > settings.shiftWarmup }

    /// Accounts for one value; its z² (0 while warming up).
    mutating func observe(_ value: Double, learn: Bool, _ settings: DeviceCorroboration) -> Double {
        if seen == 0 { short = value; baseline = value }
        seen += 1
        short += (value - short) / settings.shiftShortReadings
        let difference = short - baseline
        let squared = isWarm(settings) && spreadLearned > 0 ? difference * difference / max(spread, Self.spreadFloor) : 0
        if learn {
            learned += 1
            baseline += (value - baseline) * max(1 / settings.shiftBaselineReadings, 1 / Double(learned))
            if seen > Self.spreadStart {
                spreadLearned += 1
                spread += (difference * difference - spread) * max(1 / settings.shiftBaselineReadings, 1 / Double(spreadLearned))
            }
        }
        return squared.isFinite ? squared : 0
    }
}
