/// The usual level and spread of a sensor for each hour of the day, weekdays and weekends
/// apart: 48 buckets of two `Float`s, stored inline (no heap).
///
/// Building loads, traffic and occupancy follow the clock; a bucket learns what is normal at
/// that hour, so a Monday 9:00 peak is not an anomaly but the same load at 3:00 is.
struct SeasonalProfile: Sendable {
    static let bucketCount = 48
    private var means = InlineArray<48, Float>(repeating: 0)
    private var deviations = InlineArray<48, Float>(repeating: 0)
    private var visits = InlineArray<48, UInt16>(repeating: 0)

    /// Visits of a bucket before it is trusted.
    static let minimumVisits: UInt16 = 6

    /// The bucket of a time: hour of the day (UTC), plus 24 on Saturdays and Sundays.
    static func bucket(time: Int64) -> Int {
        let hours = time >= 0 ? time / 3_600_000 : (time - 3_599_999) / 3_600_000
        let days = hours >= 0 ? hours / 24 : (hours - 23) / 24
        let hour = Int(hours - days * 24)
        // 1970-01-01 was a Thursday: day 2 (mod 7) is Saturday, 3 Sunday.
        let weekday = Int(((days % 7) + 7) % 7)
        return hour + (weekday == 2 || weekday == 3 ? 24 : 0)
    }

    /// The learned (mean, mean absolute deviation) of a bucket, or nil when not yet trusted.
    func expectation(bucket: Int) -> (mean: Double, deviation: Double)? {
        guard visits[bucket] >= Self.minimumVisits else { return nil }
        return (Double(means[bucket]), Double(deviations[bucket]))
    }

    /// Learns one value in a bucket.
    mutating func learn(_ value: Double, bucket: Int, alpha: Double) {
        let seen = visits[bucket]
        if seen == 0 {
            means[bucket] = Float(value)
            deviations[bucket] = 0
        } else {
            // In Double: `seen + 1` in UInt16 traps on a bucket's 65,536th visit (18 readings/s for an hour).
            let weight = max(alpha, 1 / (Double(seen) + 1))
            let mean = Double(means[bucket])
            let deviation = Double(deviations[bucket])
            deviations[bucket] = Float(deviation + weight * (abs(value - mean) - deviation))
            means[bucket] = Float(mean + weight * (value - mean))
        }
        if seen < UInt16.max { visits[bucket] = seen + 1 }
    }
}
