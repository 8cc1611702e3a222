/// A sensor's short-term mean against its slowly adapting baseline, in units of that
/// difference's own learned spread: the device layer's evidence of a small, lasting shift
/// (`DeviceIncidentTracker`), which a per-reading test does not see in the noise.
///
/// The short mean is an exponentially weighted mean over about `shiftShortReadings` readings; the
/// baseline a running mean, then exponentially weighted over `shiftBaselineReadings`, so that it
/// follows slow drifts. The spread is the learned mean square of their difference (not the
/// reading's variance over √n: readings are autocorrelated), learned from reading
/// `spreadStart` on; the statistic is the squared difference over it, z², scored from reading
/// `shiftWarmup` on. The caller freezes learning (`isFrozen`) when a large shift starts on the
/// device, so a fault is measured against the baseline from before it and the recovery returns to it.
///
/// A fault that outlasts the freeze is learned: the baseline moves to it and the spread grows
/// with it, and its end would look like a new shift of a sensor that no longer seems steady. So
/// when an incident opens on the device, each sensor remembers its baseline and spread
/// (`rememberState`) for its next `shiftBaselineReadings` readings. While the baseline has moved
/// away from that level by more than the spread it had, a short mean on its way back is the
/// recovery, not a shift (z² = 0), a reading on its way back is the recovery too (`isRecovery`:
/// no new incident), and once the short mean is back, its baseline and spread return to what
/// they were.
///
/// The baseline is flat, so it is evidence only where its readings span less time than a daily
/// rhythm moves in (`shiftSpan`): a pump polled every second compares its last 10 seconds with
/// its last 10 minutes, while a building's meter polled every minute would compare them with its
/// last 10 hours, and the morning's ramp would look like a shift. Such a sensor's shift is not
/// scored; its detector's daily profile judges it (`SeasonalBaselineDetector`).
///
/// State: 104 bytes. Pure, causal, deterministic.
struct MeanShift: Sendable {
    private var seen = 0
    private var learned = 0
    private var spreadLearned = 0
    private var short = 0.0
    private var baseline = 0.0
    private var spread = 0.0
    /// The previous value, for the reading-to-reading noise.
    private var previous = 0.0
    /// The learned mean of (x − previous x)² / 2: the variance of the reading-to-reading noise,
    /// blind to slow movements.
    private var jitter = 0.0
    /// The learned interval between readings (`ReadingInterval`) and the latest reading's time, in milliseconds.
    private var interval = 0.0
    private var lastTime: Int64 = 0
    /// The baseline and spread when the device's latest incident opened, and the reading
    /// (`seen`) up to which the sensor may return to them.
    private var baselineBefore = 0.0
    private var spreadBefore = 0.0
    private var rememberedUntil = 0

    /// Readings after which the difference's spread is learned (the short mean has settled).
    static let spreadStart = 60
    /// The smallest spread (a constant sensor has none: any change of it is a shift).
    static let spreadFloor = 1e-12

    /// Whether the statistic is scored: after the warm-up, while the baseline's readings span at
    /// most `shiftSpan` (the learned interval between readings × `shiftBaselineReadings`), and
    /// while the sensor's mean is steady, i.e. its short mean moves around the baseline no more
    /// than `shiftSteadiness` times what its reading-to-reading noise alone would make it move.
    /// A sensor that follows a rhythm or ramps (a building's power over a day) has a mean that
    /// moves by itself: its shifts say nothing, and its alarms are corroborated by other
    /// sensors' surprises instead.
    func isScored(_ settings: DeviceCorroboration) -> Bool {
        seen > settings.shiftWarmup && !isReadSlowly(settings)
            && (settings.shiftSteadiness == 0 || spread <= settings.shiftSteadiness * jitter / (2 * settings.shiftShortReadings - 1))
    }

    /// Whether the sensor is read so seldom that its baseline spans more than `shiftSpan` (the
    /// learned interval between readings × `shiftBaselineReadings`): its shift is no evidence.
    func isReadSlowly(_ settings: DeviceCorroboration) -> Bool {
        settings.shiftSpan > 0 && interval / 1_000 * settings.shiftBaselineReadings > settings.shiftSpan
    }

    /// Accounts for one value; its z² (0 while not scored). While the device's learning is frozen
    /// (`isFrozen`), the sensor still learns as long as its own shift stays under the
    /// corroboration level (`shiftCorroboration` nats): it is not part of the fault, and a sensor
    /// following a ramp (a meter's power factor over the morning) would otherwise come out of the
    /// freeze shifted by what it did not learn, and open an incident of its own.
    mutating func observe(_ value: Double, at time: Int64, isFrozen: Bool, _ settings: DeviceCorroboration) -> Double {
        if seen == 0 { short = value; baseline = value; previous = value; lastTime = time }
        seen += 1
        short += (value - short) / settings.shiftShortReadings
        let isReturning = returns(settings)
        let difference = short - baseline
        let squared = isScored(settings) && spreadLearned > 0 && !isReturning
            ? difference * difference / max(spread, Self.spreadFloor) : 0
        let learn = !isFrozen || settings.shiftGain * squared / 2 < settings.shiftCorroboration
        if learn {
            learned += 1
            let weight = max(1 / settings.shiftBaselineReadings, 1 / Double(learned))
            baseline += (value - baseline) * weight
            jitter += ((value - previous) * (value - previous) / 2 - jitter) * weight
            if seen > Self.spreadStart && !isReturning {
                spreadLearned += 1
                spread += (difference * difference - spread) * max(1 / settings.shiftBaselineReadings, 1 / Double(spreadLearned))
            }
        }
        previous = value
        interval = ReadingInterval.updated(interval, after: Double(time - lastTime))
        // Only readings in order come here (a late one is no evidence of a shift), so the time
        // may go back only when the detector restored the clock after a reading stamped ahead.
        lastTime = time
        return squared.isFinite ? squared : 0
    }

    /// Remembers the baseline and spread as the state a recovery returns to: an incident opens
    /// on the device. A second incident before the sensor is back keeps the first one's state.
    mutating func rememberState(_ settings: DeviceCorroboration) {
        guard seen > rememberedUntil else { return }
        baselineBefore = baseline
        spreadBefore = spread
        rememberedUntil = seen + Int(settings.shiftBaselineReadings)
    }

    /// Whether `value` is a recovery: the sensor has moved away from its remembered level, and
    /// `value` is on its way back (on that level's side of the baseline, and closer to the level
    /// than the baseline is).
    func isRecovery(_ value: Double) -> Bool {
        let displacement = baselineBefore - baseline
        return hasMoved && (value - baseline) * displacement > 0 && abs(value - baselineBefore) < abs(displacement)
    }

    /// Whether the sensor's baseline has moved away from its remembered level by more than the
    /// spread it had then.
    private var hasMoved: Bool {
        let displacement = baselineBefore - baseline
        return seen <= rememberedUntil && displacement * displacement > spreadBefore
    }

    /// Whether the short mean is on its way back to the remembered level. Once it is back (past
    /// that level, or so near it that its shift from it would not corroborate anything), the
    /// sensor's baseline and spread return to the remembered ones.
    private mutating func returns(_ settings: DeviceCorroboration) -> Bool {
        guard hasMoved else { return false }
        let displacement = baselineBefore - baseline
        let progress = (short - baseline) * displacement
        let remaining = short - baselineBefore
        if progress >= displacement * displacement
            || settings.shiftGain * remaining * remaining / 2 < settings.shiftCorroboration * spreadBefore {
            baseline = baselineBefore
            spread = spreadBefore
            rememberedUntil = 0
            return false
        }
        return progress > 0
    }
}
