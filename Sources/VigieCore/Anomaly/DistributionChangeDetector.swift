import Glibc

/// Flags a change in the distribution of a sensor's recent values: the relative-entropy
/// (multinomial goodness-of-fit) test of Wang et al. (2011), with bounded memory.
///
/// The last `window` values are binned into `bins` equal bins over the running range of the
/// sensor, giving a histogram. It is compared with a small set of remembered histograms
/// ("hypotheses") by the test statistic 2·W·KL(current ‖ hypothesis), which is χ²-distributed
/// with `bins − 1` degrees of freedom when the hypothesis holds; it is accepted below the
/// 0.99 quantile. A window that matches no hypothesis, or only one confirmed
/// `rareAgreements` times or fewer, is a change. The set holds at most `capacity` hypotheses: when full, the least confirmed one is
/// replaced. When the running range widens by more than `rangeReset` (a fraction, tuned:
/// `AnomalyTuning.rangeReset`) at once the histograms no longer mean the same bins and the set
/// is forgotten.
///
/// A value type of fixed size (about 2 KB): the window's bins are kept up to date
/// incrementally (re-binned only when the range moves), and hypotheses are stored as the
/// logarithms of their bin counts so that a comparison is five multiply-adds.
struct DistributionChangeDetector: Sendable {
    static let window = 52
    static let bins = 5
    static let capacity = 64
    /// χ² with 4 degrees of freedom, upper 1 % point.
    static let acceptance: Float = 13.276_704
    /// A hypothesis confirmed this many times or fewer is not yet normal (Wang et al.: c_th).
    static let rareAgreements: UInt32 = 2

    private var values = InlineArray<52, Double>(repeating: 0)
    private var next = 0
    private var seen = 0
    private var minimum = Double.infinity
    private var maximum = -Double.infinity
    /// The bin of each value of the window, and the counts per bin.
    private var binOf = InlineArray<52, UInt8>(repeating: 0)
    private var counts = InlineArray<5, UInt8>(repeating: 0)
    /// ln(count) of each bin of each hypothesis (−∞ for an empty bin).
    private var hypotheses = InlineArray<320, Float>(repeating: 0)
    private var agreements = InlineArray<64, UInt32>(repeating: 0)
    private var hypothesisCount = 0

    /// Feeds one value; returns true when the recent distribution is a change. `rangeReset`: the
    /// relative widening of the range that makes the remembered histograms obsolete.
    mutating func update(_ value: Double, rangeReset: Double) -> Bool {
        let oldMinimum = minimum
        let oldMaximum = maximum
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
        let oldRange = oldMaximum - oldMinimum
        let widened = seen >= Self.window && oldRange > 0
            && (oldMinimum - minimum) + (maximum - oldMaximum) > rangeReset * oldRange
        if widened { hypothesisCount = 0 }
        let step = (maximum - minimum) / Double(Self.bins)
        if seen >= Self.window { counts[Int(binOf[next])] &-= 1 }
        values[next] = value
        if minimum != oldMinimum || maximum != oldMaximum {
            rebin(step: step)
        } else {
            let bin = Self.bin(value, minimum: minimum, step: step)
            binOf[next] = bin
            counts[Int(bin)] &+= 1
        }
        next = next + 1 == Self.window ? 0 : next + 1
        seen += 1
        guard step > 0, seen >= Self.window else { return false }
        // The occupied bins of the window: their count n and ln n.
        var occupied = InlineArray<5, Int>(repeating: 0)
        var weights = InlineArray<5, Float>(repeating: 0)
        var logs = InlineArray<5, Float>(repeating: -.infinity)
        var occupiedCount = 0
        for bin in 0..<Self.bins where counts[bin] > 0 {
            occupied[occupiedCount] = bin
            weights[occupiedCount] = Float(counts[bin])
            logs[bin] = Float(log(Double(counts[bin])))
            occupiedCount += 1
        }
        guard hypothesisCount > 0 else {
            remember(logs)
            // A value far beyond the known range is itself a change.
            return widened
        }
        var best = -1
        var bestStatistic = Float.infinity
        for index in 0..<hypothesisCount {
            var total: Float = 0
            let base = index * Self.bins
            for slot in 0..<occupiedCount {
                let bin = occupied[slot]
                total += weights[slot] * (logs[bin] - hypotheses[base + bin])
            }
            // 2·W·KL(window ‖ hypothesis) = 2·Σ n·(ln n − ln m), infinite where m = 0.
            let statistic = 2 * total
            if statistic < bestStatistic {
                bestStatistic = statistic
                best = index
            }
        }
        if bestStatistic < Self.acceptance {
            agreements[best] &+= 1
            return agreements[best] <= Self.rareAgreements
        }
        remember(logs)
        return true
    }

    /// The bin of a value: bin b holds values in ((b−1)·step, b·step] above the minimum (the
    /// first also the minimum itself, the last also the maximum).
    private static func bin(_ value: Double, minimum: Double, step: Double) -> UInt8 {
        guard step > 0 else { return 0 }
        let position = ((value - minimum) / step).rounded(.up)
        return position <= 0 ? 0 : UInt8(Swift.min(position, Double(bins - 1)))
    }

    /// Bins every value of the window again (the range moved).
    private mutating func rebin(step: Double) {
        counts = InlineArray(repeating: 0)
        for index in 0..<Swift.min(seen + 1, Self.window) {
            let bin = Self.bin(values[index], minimum: minimum, step: step)
            binOf[index] = bin
            counts[Int(bin)] &+= 1
        }
    }

    private mutating func remember(_ logs: InlineArray<5, Float>) {
        var slot = hypothesisCount
        if slot == Self.capacity {
            slot = 0
            for index in 1..<Self.capacity where agreements[index] < agreements[slot] { slot = index }
        } else {
            hypothesisCount += 1
        }
        for bin in 0..<Self.bins {
            hypotheses[slot * Self.bins + bin] = logs[bin]
        }
        agreements[slot] = 1
    }
}
