/// Exact percentiles over a window's values.
enum Percentile {
    /// The `fraction` percentile (0...1) of `sorted` (ascending), interpolating linearly between
    /// the closest ranks (the "linear" method of numpy, R type 7). Nil for no values.
    static func of(sorted: [Double], fraction: Double) -> Double? {
        guard let first = sorted.first else { return nil }
        guard sorted.count > 1 else { return first }
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position)
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let weight = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * weight
    }
}
