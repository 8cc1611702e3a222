import Glibc

extension SeasonalBaselineDetector {
    /// The surprise (nats) of a bad-quality reading: it grows with the run of consecutive
    /// errors, measured against the sensor's usual error rate before the run. The run is
    /// learned into that rate when it ends (`learnGoodReading`): counted as it went, it made
    /// itself look usual, and a sensor that never fails was reported at its 7th error in a row
    /// at medium instead of its 4th (the same flaw as a stuck run's, `RepeatRuns`).
    mutating func deviceError() -> Double {
        badRun += 1
        let rate = min(max(badRate, 0.01), 0.9)
        return Surprise.nats(probability: pow(rate, Double(badRun)))
    }

    /// Learns a good reading into the usual error rate, after the run of errors it ends.
    mutating func learnGoodReading() {
        if badRun > 0 { badRate = 1 - (1 - badRate) * pow(1 - Self.slowAlpha, Double(badRun)) }
        badRate *= 1 - Self.slowAlpha
        badRun = 0
    }

    /// The surprise (nats) of the time since the previous reading: one missed poll in e is
    /// routine, k in a row has probability e^-k. Only with a known poll interval: a learned one
    /// is a guess (irregular series), so the gap is then a reason without a score.
    mutating func checkGap(time: Int64) -> (nats: Double, isGap: Bool) {
        guard hasLast else { return (0, false) }
        let expected = settings.expectedInterval.map(Double.init) ?? interval
        guard expected > 0, count >= 10 else { return (0, false) }
        let missed = Double(time - lastTime) / expected - 1
        guard missed >= gapMinimumMissed else { return (0, false) }
        return (settings.expectedInterval == nil ? 0 : missed, true)
    }

    /// Polls missed in a row before a gap is reported.
    var gapMinimumMissed: Double {
        switch settings.sensitivity {
        case .low: 10
        case .medium: 5
        case .high: 3
        }
    }

    /// The surprise (nats) of the current run of identical values when it is reported as
    /// stuck (see `RepeatRuns`), else 0. A run is stuck from the surprise of the event
    /// threshold (`reportNats`) and at least two repeats. Runs during the warm-up are never
    /// reported, so they are learned as the sensor's normal rests.
    mutating func checkStuck(_ value: Double) -> Double {
        guard hasLast else { return 0 }
        let same = abs(value - lastValue) <= 1e-12 * max(1, abs(value))
        let report = count >= settings.warmup ? reportNats : .infinity
        let nats = runs.observe(repeats: same, reportNats: report)
        return runs.length >= 2 && nats >= report ? nats : 0
    }

    /// A run of repeats (stuck) or of errors is reported from the surprise whose severity is the
    /// event threshold of the sensitivity (low 46, medium 17.25, high 9.4 nats), so that the
    /// report opens an event.
    var reportNats: Double {
        Surprise.nats(score: settings.sensitivity.threshold)
    }
}
