/// The verdict of a detector on one reading.
public struct AnomalyScore: Hashable, Sendable {
    /// 0 (normal) to 1 (certainly anomalous), raised only when the anomaly is news (it exceeds
    /// the recent peak); compare with the sensitivity's threshold to open an event.
    public var score: Double
    /// How anomalous the reading is, whether or not it is news; keeps an open event open.
    public var severity: Double
    /// The checks that contributed to the score (empty when nothing looks wrong).
    public var reasons: AnomalyReasons
    /// The range the detector expected the value in, when it has learned one.
    public var expectedLow: Double
    public var expectedHigh: Double

    public init(score: Double, severity: Double = 0, reasons: AnomalyReasons = [], expectedLow: Double = .nan,
                expectedHigh: Double = .nan) {
        self.score = score
        self.severity = max(score, severity)
        self.reasons = reasons
        self.expectedLow = expectedLow
        self.expectedHigh = expectedHigh
    }

    /// A normal reading.
    public static let normal = AnomalyScore(score: 0)
}
