import Glibc

/// Flags a change in the distribution of a sensor's recent values: the relative-entropy
/// (multinomial goodness-of-fit) test of Wang et al. (2011), with bounded memory.
///
/// The last `window` values are binned into `bins` equal bins over the running range of the
/// sensor, giving a histogram. It is compared with a small set of remembered histograms
/// ("hypotheses") by the test statistic 2·W·KL(current ‖ hypothesis), which is χ²-distributed
/// with `bins − 1` degrees of freedom when the hypothesis holds; it is accepted below the
/// 0.99 quantile. A window that matches no hypothesis, or matches one seen only once, is a
/// change. The set holds at most `capacity` hypotheses: when full, the least confirmed one is
/// replaced. When the running range widens by more than 30 % at once the histograms no longer
/// mean the same bins and the set is forgotten.
///
/// A value type of fixed size: hypotheses are stored as bin counts (one byte each).
struct DistributionChangeDetector: Sendable {
    static let window = 52
    static let bins = 5
    static let capacity = 64
    /// χ² with 4 degrees of freedom, upper 1 % point.
    static let acceptance = 13.276_704_135_987_622
    /// A hypothesis confirmed this many times or fewer is not yet normal (Wang et al.: c_th).
    static let rareAgreements: UInt32 = 3
    /// Relative widening of the range that makes the remembered histograms obsolete.
    static let rangeReset = 0.3

    private var values = InlineArray<52, Double>(repeating: 0)
    private var next = 0
    private var seen = 0
    private var minimum = Double.infinity
    private var maximum = -Double.infinity
    private var hypotheses = InlineArray<320, UInt8>(repeating: 0)
    private var agreements = InlineArray<64, UInt32>(repeating: 0)
    private var hypothesisCount = 0

    /// Feeds one value; returns true when the recent distribution is a change.
    mutating func update(_ value: Double) -> Bool {
        let oldMinimum = minimum
        let oldMaximum = maximum
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
        let oldRange = oldMaximum - oldMinimum
        let widened = seen >= Self.window && oldRange > 0
            && (oldMinimum - minimum) + (maximum - oldMaximum) > Self.rangeReset * oldRange
        if widened { hypothesisCount = 0 }
        values[next] = value
        next = next + 1 == Self.window ? 0 : next + 1
        seen += 1
        let step = (maximum - minimum) / Double(Self.bins)
        guard step > 0, seen >= Self.window else { return false }
        let counts = histogram(step: step)
        guard hypothesisCount > 0 else {
            remember(counts)
            // A value far beyond the known range is itself a change.
            return widened
        }
        var best = -1
        var bestStatistic = Double.infinity
        for index in 0..<hypothesisCount {
            let statistic = testStatistic(counts, index)
            if statistic < bestStatistic {
                bestStatistic = statistic
                best = index
            }
        }
        if bestStatistic < Self.acceptance {
            agreements[best] &+= 1
            return agreements[best] <= Self.rareAgreements
        }
        remember(counts)
        return true
    }

    /// Bin counts of the window; bin b holds values in ((b−1)·step, b·step] above the minimum
    /// (the first also the minimum itself, the last also the maximum).
    private func histogram(step: Double) -> InlineArray<5, UInt8> {
        var counts = InlineArray<5, UInt8>(repeating: 0)
        for index in 0..<Self.window {
            let position = ((values[index] - minimum) / step).rounded(.up)
            let bin = position <= 0 ? 0 : Swift.min(Int(position), Self.bins - 1)
            counts[bin] &+= 1
        }
        return counts
    }

    /// 2·W·KL(current ‖ hypothesis), infinite when the window has values where the hypothesis
    /// has none.
    private func testStatistic(_ counts: InlineArray<5, UInt8>, _ hypothesis: Int) -> Double {
        var total = 0.0
        let base = hypothesis * Self.bins
        for bin in 0..<Self.bins {
            let mine = Int(counts[bin])
            guard mine > 0 else { continue }
            let theirs = Int(hypotheses[base + bin])
            guard theirs > 0 else { return .infinity }
            total += Double(mine) * (Self.logs[mine] - Self.logs[theirs])
        }
        // Σ p·ln(p/q) with p = mine/W, times 2W.
        return 2 * total
    }

    private mutating func remember(_ counts: InlineArray<5, UInt8>) {
        var slot = hypothesisCount
        if slot == Self.capacity {
            slot = 0
            for index in 1..<Self.capacity where agreements[index] < agreements[slot] { slot = index }
        } else {
            hypothesisCount += 1
        }
        for bin in 0..<Self.bins { hypotheses[slot * Self.bins + bin] = counts[bin] }
        agreements[slot] = 1
    }

    /// ln(k) for the possible bin counts 0...window (ln 0 is never used).
    private static let logs: [Double] = (0...window).map { $0 == 0 ? 0 : log(Double($0)) }
}
