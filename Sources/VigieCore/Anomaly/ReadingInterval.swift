/// The typical time between a sensor's readings, learned as they come: an exponentially
/// weighted mean in which one long gap (an outage) counts as at most four intervals, so that it
/// does not change the sensor's pace. The detector uses it for gaps
/// (`SeasonalBaselineDetector`), the device layer for the time its shift baseline spans
/// (`MeanShift`).
enum ReadingInterval {
    /// `interval` (milliseconds; 0 before a second reading) after a reading `dt` milliseconds
    /// after the previous one. A reading at the same time or earlier changes nothing.
    static func updated(_ interval: Double, after dt: Double) -> Double {
        guard dt > 0 else { return interval }
        return interval == 0 ? dt : interval + 0.05 * (min(dt, 4 * interval) - interval)
    }
}
