/// The statistics of one sensor over one window.
///
/// `count` readings were used (good and uncertain ones with a finite value); `bad` readings
/// were excluded from every other statistic but are counted so the hub sees them. With
/// `count == 0` (a window where every reading was bad) `min`, `max`, `mean`, `last` and the
/// percentiles are nil.
///
/// Mean and spread use Welford's running update, so `merged(with:)` combines two windows
/// exactly (up to rounding) for count, bad, min, max, mean, stddev and last: 15m windows can be
/// compacted into 1h and 1d ones without the raw readings.
public struct AggregateStatistics: Hashable, Sendable {
    /// Readings used.
    public var count: Int
    /// Readings excluded because of bad quality or a non-finite value.
    public var bad: Int
    public var min: Double?
    public var max: Double?
    public var mean: Double?
    /// Sum of squared deviations from the mean (Welford's M2); 0 when `count < 2`.
    public var sumOfSquaredDeviations: Double
    /// The value of the latest reading used, and its time (ms since the epoch).
    public var last: Double?
    public var lastTime: Int64?
    /// Median and 95th percentile (linear interpolation between closest ranks), when requested.
    /// After a merge they are the count-weighted mean of the parts' percentiles: an
    /// approximation (exact only when the parts have the same distribution).
    public var p50: Double?
    public var p95: Double?

    /// No reading at all.
    public static let empty = AggregateStatistics(
        count: 0, bad: 0, min: nil, max: nil, mean: nil, sumOfSquaredDeviations: 0,
        last: nil, lastTime: nil, p50: nil, p95: nil)

    public init(count: Int, bad: Int, min: Double?, max: Double?, mean: Double?, sumOfSquaredDeviations: Double,
                last: Double?, lastTime: Int64?, p50: Double? = nil, p95: Double? = nil) {
        self.count = count
        self.bad = bad
        self.min = min
        self.max = max
        self.mean = mean
        self.sumOfSquaredDeviations = sumOfSquaredDeviations
        self.last = last
        self.lastTime = lastTime
        self.p50 = p50
        self.p95 = p95
    }

    /// Population standard deviation (divides by `count`): 0 for one reading, nil for none.
    public var stddev: Double? {
        guard count > 0 else { return nil }
        return (Swift.max(0, sumOfSquaredDeviations) / Double(count)).squareRoot()
    }

    /// Adds one reading (Welford). Bad or non-finite readings only increase `bad`. A reading
    /// older than `lastTime` updates everything but `last`.
    public mutating func add(value: Double, time: Int64, quality: Quality) {
        guard value.isFinite, !Self.isBad(quality) else {
            bad += 1
            return
        }
        count += 1
        let previousMean = mean ?? 0
        let delta = value - previousMean
        let newMean = previousMean + delta / Double(count)
        sumOfSquaredDeviations += delta * (value - newMean)
        mean = newMean
        min = Swift.min(min ?? value, value)
        max = Swift.max(max ?? value, value)
        if lastTime.map({ time >= $0 }) ?? true {
            last = value
            lastTime = time
        }
    }

    /// The statistics of both windows' readings together (Chan et al.'s parallel update).
    /// On equal `lastTime`, `other`'s `last` wins.
    public func merged(with other: AggregateStatistics) -> AggregateStatistics {
        guard other.count > 0 else { return withBad(bad + other.bad) }
        guard count > 0 else { return other.withBad(bad + other.bad) }
        let total = count + other.count
        let a = Double(count), b = Double(other.count), n = Double(total)
        let meanA = mean ?? 0, meanB = other.mean ?? 0
        let delta = meanB - meanA
        let otherIsLater = (other.lastTime ?? .min) >= (lastTime ?? .min)
        return AggregateStatistics(
            count: total,
            bad: bad + other.bad,
            min: Swift.min(min ?? .infinity, other.min ?? .infinity),
            max: Swift.max(max ?? -.infinity, other.max ?? -.infinity),
            mean: meanA + delta * (b / n),
            sumOfSquaredDeviations: sumOfSquaredDeviations + other.sumOfSquaredDeviations + delta * delta * (a * b / n),
            last: otherIsLater ? other.last : last,
            lastTime: otherIsLater ? other.lastTime : lastTime,
            p50: Self.weighted(p50, a, other.p50, b),
            p95: Self.weighted(p95, a, other.p95, b))
    }

    private func withBad(_ bad: Int) -> AggregateStatistics {
        var copy = self
        copy.bad = bad
        return copy
    }

    private static func weighted(_ x: Double?, _ wx: Double, _ y: Double?, _ wy: Double) -> Double? {
        guard let x, let y else { return nil }
        return (x * wx + y * wy) / (wx + wy)
    }

    static func isBad(_ quality: Quality) -> Bool {
        if case .bad = quality { return true }
        return false
    }

    /// The value of `statistic`, nil when the window has none (or it is not finite).
    public func value(of statistic: Statistic) -> Double? {
        let value: Double?
        switch statistic {
        case .count: value = Double(count)
        case .min: value = min
        case .max: value = max
        case .mean: value = mean
        case .last: value = last
        case .stddev: value = stddev
        case .p50: value = p50
        case .p95: value = p95
        }
        return value.flatMap { $0.isFinite ? $0 : nil }
    }
}
