import Glibc

/// A per-sensor streaming anomaly detector: a robust baseline of level and spread with a
/// daily/weekly profile, the likelihood of its recent errors, a test of the distribution of
/// the recent values (`DistributionChangeDetector`), and data-quality checks.
///
/// A value type of fixed size (no heap, see `MemoryLayout<SeasonalBaselineDetector>.size`),
/// fed one reading at a time in time order. Causal (a score depends only on this reading and
/// earlier ones) and deterministic.
///
/// Each check measures a surprise in nats (−ln of how likely the observation is for this
/// sensor); the strongest is the reading's `severity`. A data-quality finding that is news
/// (twice the recent peak, which halves in about 140 readings; a stuck run once) is the
/// `score`. Otherwise the score is statistical: half for a distribution change, half the
/// baseline's severity when it is news; after a statistical alarm (≥ 0.5) the statistics stay
/// quiet for `refractoryReadings` (one alarm per incident), while the severity keeps an event
/// open. Nothing is raised during the `warmup` readings.
public struct SeasonalBaselineDetector: Sendable {
    public let settings: AnomalyDetectorSettings
    /// Good readings learned so far.
    public private(set) var count = 0
    /// The newest reading's time: the sensor's clock (a late reading leaves it, see `isLate`).
    var lastTime: Int64 = 0
    /// The time of the reading before the newest, to which the clock returns when the newest
    /// proves stamped ahead of time (see `newestWasStampedAhead`).
    var previousTime: Int64 = 0
    /// Whether the newest reading came after a gap (it may have been stamped ahead of time).
    var newestAfterGap = false
    /// The time of the first good reading: the rhythm is learned for `learningHours` from it.
    var firstTime: Int64 = 0
    var lastValue = 0.0
    var hasLast = false
    /// Exponentially weighted mean time between readings, in milliseconds.
    var interval = 0.0
    var level = 0.0
    /// Mean absolute error of the level prediction.
    var levelDeviation = 0.0
    /// Mean absolute change from one reading to the next.
    var stepDeviation = 0.0
    /// Runs of repeated values (the `stuck` check).
    var runs = RepeatRuns()
    var badRate = 0.0
    var badRun = 0
    var profile = SeasonalProfile()
    var likelihood = AnomalyLikelihood(shortWindow: 8, horizon: 2_000)
    var spikeLikelihood = AnomalyLikelihood(shortWindow: 1, horizon: 2_000)
    /// The severity (nats) last reported as news, decaying: a repeated alarm adds no news.
    var recentPeak = 0.0
    var distribution = DistributionChangeDetector()
    /// Readings since the last statistical alarm (one alarm per incident).
    var sinceAlarm = Int.max
    /// The current stuck run, or run of errors, has already been reported (one alarm per run).
    var stuckReported = false
    var errorsReported = false
    /// The current run of readings out of the physical range has been reported (once per excursion).
    var rangeReported = false
    /// Late readings in a row (earlier than the sensor's clock).
    var lateRun: UInt8 = 0
    /// Repeats of the newest reading in a row (`absorbRepeat`), saturating.
    var repeatRun: UInt8 = 0

    public init(settings: AnomalyDetectorSettings = .init()) {
        self.settings = settings
    }

    /// Scores one reading and learns from it.
    public mutating func process(_ reading: Reading) -> AnomalyScore {
        process(time: reading.time, value: reading.value, quality: reading.quality)
    }

    /// Scores one reading and learns from it (the fields of a `Reading`).
    public mutating func process(time: Int64, value: Double, quality: Quality = .good) -> AnomalyScore {
        if newestWasStampedAhead(before: time) {
            // The newest reading's time was a device's clock glitch: the sensor's clock returns
            // to the reading before it, and this one is in order.
            lastTime = previousTime
        } else if isLate(time) {
            lateRun += 1
            guard lateRun >= Self.clockStepReadings else { return lateScore(value: value, quality: quality) }
            // It is the clock that went back (an NTP step, a gateway whose clock was reset): the
            // sensor's clock follows, so that gaps are seen again before the new time catches up.
            lastTime = time
        }
        lateRun = 0
        var verdict = Verdict()
        let gap = checkGap(time: time)
        newestAfterGap = gap.isGap
        verdict.raise(gap.nats, .gap)
        if gap.isGap { verdict.reasons.insert(.gap) }
        var changed = false
        var jumped = false
        // A run of repeats or of errors is news once, when it first reaches the report level
        // (the event threshold's surprise), and an excursion out of the physical range once,
        // at its first reading; later readings of the same run are not, however long it
        // lasts, while their severity keeps the event open.
        var inRun = false
        var runReported = false
        if !value.isFinite || quality.isBad {
            let errors = deviceError()
            verdict.raise(errors, .deviceError)
            if errors >= reportNats {
                inRun = true
                runReported = !errorsReported
                errorsReported = true
            }
            if hasLast { setClock(time) }
        } else {
            learnGoodReading()
            // The end of a reported run (device errors, stuck) is the same incident: the
            // statistics stay quiet for the refractory period after it.
            if errorsReported { sinceAlarm = 0 }
            errorsReported = false
            let outOfRange = isOutOfRange(value)
            if outOfRange {
                verdict.raise(Self.certain, .outOfRange)
                inRun = true
                runReported = !rangeReported
            }
            rangeReported = outOfRange
            let stuck = checkStuck(value)
            verdict.raise(stuck, .stuck)
            if stuck > 0, !outOfRange {
                inRun = true
                runReported = !stuckReported
            }
            if stuckReported, stuck == 0 { sinceAlarm = 0 }
            stuckReported = stuck > 0
            if stuckReported || outOfRange {
                // A run reported stuck teaches the baseline nothing: it would shrink the
                // sensor's usual error and make its recovery look like an anomaly. Nor does a
                // value out of the physical range (a register's "not available" 65 535, a
                // corrupted payload): learned, it widened the usual error and the distribution
                // test's range, and the detector was blind for thousands of readings after it.
                setClock(time)
            } else {
                changed = distribution.update(value, rangeReset: settings.tuning.rangeReset)
                jumped = isJump(value) && abs(value - lastValue) > abs(lastValue - level)
                scoreStatistics(time: time, value: value, into: &verdict)
                learn(time: time, value: value)
            }
        }
        // The peak fades only while the sensor is calm (no surprise worth naming): an anomaly
        // that lasts keeps it, one that recurs after a calm spell is news again.
        if verdict.nats < Verdict.reasonNats { recentPeak *= peakDecay }
        let isNews = inRun && verdict.qualityNats >= verdict.nats ? runReported
            : verdict.nats > Self.newsFactor * Swift.max(recentPeak, reportNats / Self.newsFactor)
        // A data-quality finding is remembered at most at the report level: its surprise grows
        // with what it measures (a gap of a thousand polls is a thousand nats, a value out of
        // range is certain), and remembered whole it kept the baseline's findings from being
        // news for a hundred readings after an outage. Its run is reported once by itself.
        if isNews { recentPeak = verdict.qualityNats >= verdict.nats ? Swift.min(verdict.nats, reportNats) : verdict.nats }
        if sinceAlarm < Int.max { sinceAlarm += 1 }
        guard count > settings.warmup, verdict.nats > 0 || changed else {
            return AnomalyScore(score: 0, expectedLow: verdict.low, expectedHigh: verdict.high)
        }
        let severity = Surprise.score(nats: verdict.nats)
        var reasons = verdict.reasons
        if changed { reasons.insert(.unusualBehaviour) }
        // A data-quality finding that is news is reported as it is.
        if isNews, verdict.qualityNats >= verdict.nats {
            return AnomalyScore(score: severity, severity: severity, reasons: reasons,
                                expectedLow: verdict.low, expectedHigh: verdict.high)
        }
        // Statistics: the distribution test and the baseline's news weigh half each (while
        // the rhythm is learned, a distribution change counts only with a step the baseline
        // sees), scaled by the gain; after an alarm the statistics stay quiet for
        // `refractoryReadings`.
        let tuning = settings.tuning
        // While the rhythm of a sensor read slowly is learned, a departure that came smoothly
        // is the rhythm (the first morning's ramp, never seen before): only a reading that
        // jumped (by more than the previous reading was away from the level, so not the noise
        // of a ramp) can be an alarm, and only data quality keeps an event open or corroborates
        // another sensor's alarm.
        guard !isLearning(time) || jumped || !isReadSlowly else {
            let quality = verdict.qualityNats > 0 ? Surprise.score(nats: verdict.qualityNats) : 0
            return AnomalyScore(score: 0, severity: quality, reasons: quality > 0 ? reasons : [],
                                expectedLow: verdict.low, expectedHigh: verdict.high)
        }
        let counted = changed && (!isLearning(time) || severity >= tuning.learningAgreement)
        let evidence = 0.5 * (counted ? 1 : 0) + 0.5 * (isNews ? severity : 0)
        let gain = tuning.gain(at: settings.sensitivity)
        var score = Swift.min(1, gain * evidence)
        if sinceAlarm <= tuning.refractoryReadings {
            // The same incident, unless the baseline alone sees news worth an alarm.
            score = Swift.min(1, gain * 0.5 * (isNews ? severity : 0))
        } else if evidence >= Self.alarmEvidence {
            sinceAlarm = 0
        }
        return AnomalyScore(score: score, severity: severity, reasons: reasons,
                            expectedLow: verdict.low, expectedHigh: verdict.high)
    }

    /// The statistical evidence from which an alarm is an incident (a distribution change alone).
    static let alarmEvidence = 0.5

    /// Until when (ms since the epoch) the detector learns its sensor's daily rhythm; nil
    /// before the first reading and once it is learned. Meanwhile the daily profile is not
    /// consulted and a distribution change alone is not an alarm; the data-quality checks work
    /// from the first readings.
    public var learningUntil: Int64? {
        guard hasLast, isLearning(lastTime) else { return nil }
        return firstTime + learningMilliseconds
    }

    var learningMilliseconds: Int64 { Int64(settings.tuning.learningHours * 3_600_000) }

    func isLearning(_ time: Int64) -> Bool {
        !hasLast || time < firstTime + learningMilliseconds
    }

    /// The surprise of an observation that cannot be normal (out of the physical range).
    static let certain = 1e6

    /// Whether a value can be a sensor's reading: finite and at most 1e30 in magnitude, beyond
    /// any physical quantity or 64-bit counter (1.8e19). A larger one is a corrupted value (a
    /// payload's 1e308, a float register read with the wrong word order) and out of range for
    /// every sensor; below the bound the detectors' arithmetic stays finite (the daily
    /// profile's `Float`s hold 3.4e38, a squared z-score of such values 1e78).
    public static func isPlausible(_ value: Double) -> Bool {
        value.isFinite && abs(value) <= 1e30
    }
    static let slowAlpha = 0.01
    /// A new alarm must be this many times as surprising as the recent peak (p squared), and
    /// at least as surprising as the event threshold (`reportNats`): nothing weaker is news.
    static let newsFactor = 2.0

    var scale: Double { Swift.max(levelDeviation, 1e-9 * Swift.max(1, abs(level))) }

    private mutating func scoreStatistics(time: Int64, value: Double, into verdict: inout Verdict) {
        guard hasLast else { return }
        let bucket = SeasonalProfile.bucket(time: time)
        var expected = level
        var deviation = scale
        var z = abs(value - level) / (1.25 * deviation)
        // Once the daily profile has learned this hour, it is the baseline: the level alone
        // would explain away a missing daily peak or a load at the wrong hour.
        if count >= Self.seasonalMinimum, !isLearning(time), let seasonal = profile.expectation(bucket: bucket) {
            deviation = Swift.max(seasonal.deviation, 0.5 * deviation)
            expected = seasonal.mean
            z = abs(value - expected) / (1.25 * deviation)
        }
        verdict.low = expected - 4 * 1.25 * deviation
        verdict.high = expected + 4 * 1.25 * deviation
        let raw = z * z / (z * z + 9)
        let behaviour = likelihood.update(raw: raw)
        let single = spikeLikelihood.update(raw: raw)
        guard count >= Self.statisticsMinimum else { return }
        let stepScale = settings.tuning.stepScale
        let distance = stepScale > 0 && isLearning(time) ? Surprise.gaussianTail(z: z / stepScale) : 0
        if Swift.max(single, distance) >= behaviour {
            verdict.raise(Swift.max(single, distance), isJump(value) ? .spike : .unusualValue)
        } else {
            verdict.raise(behaviour, .unusualBehaviour)
        }
    }

    /// Whether `value` jumped from the previous reading: by more than 4 times the sensor's mean
    /// change from one reading to the next (a `spike`, when the value is also unusual).
    func isJump(_ value: Double) -> Bool {
        hasLast && abs(value - lastValue) > 4 * stepDeviation
    }

    /// Whether a daily rhythm moves this sensor within its statistics' memory: the
    /// `statisticsMinimum` readings span more than `rhythmSpanSeconds`. A meter read every
    /// minute sees a morning's ramp as a departure from its night; a pump read every second
    /// sees the same ramp as no change at all, and a smooth departure of it is a fault.
    var isReadSlowly: Bool { interval * Double(Self.statisticsMinimum) > Self.rhythmSpanSeconds * 1_000 }

    /// The time within which a daily rhythm barely moves (an hour): longer memories of a
    /// sensor (the detector's statistics here, the device's shift baseline with
    /// `DeviceCorroboration.shiftSpan`) see the rhythm as change.
    public static let rhythmSpanSeconds = 3_600.0

    /// Readings before the statistical scores are trusted (the error distribution is learned).
    static let statisticsMinimum = 300
    /// Readings before the daily profile is consulted.
    static let seasonalMinimum = 500

    private mutating func learn(time: Int64, value: Double) {
        count += 1
        if hasLast {
            interval = ReadingInterval.updated(interval, after: Double(time - lastTime))
            let alpha = Swift.max(Self.slowAlpha, 1 / Double(count))
            let clip = settings.tuning.deviationClip
            let error = clip > 0 && count > Self.statisticsMinimum && isLearning(time) ? Swift.min(abs(value - level), clip * scale) : abs(value - level)
            levelDeviation += alpha * (error - levelDeviation)
            stepDeviation += alpha * (abs(value - lastValue) - stepDeviation)
            level += Self.levelAlpha * (value - level)
        } else {
            level = value
            firstTime = time
        }
        profile.learn(value, bucket: SeasonalProfile.bucket(time: time), alpha: 0.05)
        setClock(time)
        lastValue = value
        hasLast = true
    }

    static let levelAlpha = 0.2

    /// A late reading's score. Only the range check judges it: the others read a reading against
    /// the newest ones (its gap, its run of repeats, the level and the distribution of the recent
    /// readings), and a value from half an hour ago, in a daily rhythm, is no part of that
    /// sequence (learned, it made a distribution change); so it teaches the detector nothing.
    /// A failed reading delivered late is not counted among the device's errors.
    private func lateScore(value: Double, quality: Quality) -> AnomalyScore {
        guard count > settings.warmup, value.isFinite, !quality.isBad, isOutOfRange(value) else { return AnomalyScore(score: 0) }
        let severity = Surprise.score(nats: Self.certain)
        return AnomalyScore(score: severity, severity: severity, reasons: .outOfRange)
    }

    /// Late readings in a row after which it is the clock that went back and the sensor's clock
    /// follows them: longer than a device's usual backlog of queued payloads, short enough that a
    /// clock set back by hours does not blind the gap check until it catches up.
    static let clockStepReadings: UInt8 = 60

    /// Whether a good reading's value is outside the physical range: beyond ±1e30 (a corrupted
    /// value) or the configured `[minimum, maximum]`.
    func isOutOfRange(_ value: Double) -> Bool {
        !Self.isPlausible(value) || settings.minimum.map { value < $0 } == true || settings.maximum.map { value > $0 } == true
    }

    /// The remembered peak's decay per reading (it halves in `peakHalfLife` readings).
    var peakDecay: Double { exp2(-1 / settings.tuning.peakHalfLife) }
}
