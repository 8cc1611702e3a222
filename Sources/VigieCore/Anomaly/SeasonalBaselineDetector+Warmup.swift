extension SeasonalBaselineDetector {
    /// A detector that has learned from stored history (oldest first), as after a restart:
    /// the readings are scored and forgotten, no event is raised for them, and the `warmup`
    /// count includes them.
    public init(settings: AnomalyDetectorSettings, history: some Sequence<Reading>) {
        self.init(settings: settings)
        for reading in history { _ = take(reading) }
    }
}
