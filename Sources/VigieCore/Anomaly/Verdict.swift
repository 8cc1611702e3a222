/// The strongest surprise found on one reading, with the checks that found it.
struct Verdict {
    var nats = 0.0
    /// The strongest surprise of a data-quality check (stuck, range, gap, device error).
    var qualityNats = 0.0
    var reasons: AnomalyReasons = []
    var low = Double.nan
    var high = Double.nan

    /// Records a check's surprise; it is a reason when it is strong enough to matter.
    mutating func raise(_ surprise: Double, _ reason: AnomalyReasons) {
        guard surprise > 0 else { return }
        nats = max(nats, surprise)
        if !reason.isDisjoint(with: Self.quality) { qualityNats = max(qualityNats, surprise) }
        if surprise >= Self.reasonNats { reasons.insert(reason) }
    }

    static let quality: AnomalyReasons = [.stuck, .outOfRange, .gap, .deviceError]

    /// Surprises below this (p = 0.01) are not worth naming.
    static let reasonNats = 4.6
}
