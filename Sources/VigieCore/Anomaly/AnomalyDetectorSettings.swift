/// What one sensor's detector needs to know: the resolved configuration for that sensor.
public struct AnomalyDetectorSettings: Sendable, Hashable {
    public var sensitivity: Sensitivity
    /// Readings before any anomaly may be raised.
    public var warmup: Int
    /// The physical range, when known (device profile or configuration override).
    public var minimum: Double?
    public var maximum: Double?
    /// The poll interval in milliseconds, when known; otherwise it is learned from the readings.
    public var expectedInterval: Int64?
    /// The constants chosen on data (the shipped defaults unless cross-validating).
    public var tuning = AnomalyTuning()

    public init(sensitivity: Sensitivity = .medium, warmup: Int = 100, minimum: Double? = nil,
                maximum: Double? = nil, expectedInterval: Int64? = nil) {
        self.sensitivity = sensitivity
        self.warmup = warmup
        self.minimum = minimum
        self.maximum = maximum
        self.expectedInterval = expectedInterval
    }
}

extension Sensitivity {
    /// The score at or above which a reading is an alarm (opens or extends an anomaly event).
    public var threshold: Double {
        switch self {
        case .low: 0.8
        case .medium: 0.6
        case .high: 0.45
        }
    }
}
