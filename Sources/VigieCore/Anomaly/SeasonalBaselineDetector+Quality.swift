import Glibc

extension SeasonalBaselineDetector {
    /// The surprise (nats) of a bad-quality reading: it grows with the run of consecutive
    /// errors, measured against the sensor's usual error rate.
    mutating func deviceError() -> Double {
        badRun += 1
        badRate += Self.slowAlpha * (1 - badRate)
        let rate = min(max(badRate, 0.01), 0.9)
        let probability = pow(rate, Double(badRun))
        return Surprise.nats(probability: probability)
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

    /// The surprise (nats) of the current run of identical values, given how often this
    /// sensor repeats a value and how often a repeat goes on. A sensor that changes at almost
    /// every reading is stuck after a few repeats; one that often rests (a counter at zero at
    /// night) needs a long run.
    mutating func checkStuck(_ value: Double) -> Double {
        guard hasLast else { return 0 }
        let same = abs(value - lastValue) <= 1e-12 * max(1, abs(value))
        let continuing = same && repeatRun > 0
        let start = min(max(repeatRate, 0.001), 0.999)
        // A sensor that has never rested gets no credit for resting on.
        let goOn = min(max(continueRate, repeatRate, 0.05), 0.999)
        let nats = same ? Surprise.nats(probability: start) + Double(repeatRun) * Surprise.nats(probability: goOn) : 0
        let flagged = repeatRun >= 2 && nats > stuckNats
        // Running means, then exponentially weighted; a run already flagged teaches slowly.
        let slow = flagged ? 0.1 : 1
        if repeatRun == 0 {
            let alpha = max(Self.slowAlpha, 1 / Double(count + 1)) * slow
            repeatRate += alpha * ((same ? 1 : 0) - repeatRate)
        } else {
            continueCount += 1
            // Ten pseudo-observations of "the run ended" as a prior.
            let alpha = max(Self.slowAlpha, 1 / Double(continueCount + 10)) * slow
            continueRate += alpha * ((continuing ? 1 : 0) - continueRate)
        }
        repeatRun = same ? repeatRun + 1 : 0
        return flagged ? nats : 0
    }

    /// A run is reported as stuck from this surprise: p = 1e-6, 1e-4, 1e-3.
    var stuckNats: Double {
        switch settings.sensitivity {
        case .low: 13.8
        case .medium: 9.2
        case .high: 6.9
        }
    }
}
