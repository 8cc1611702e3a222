extension SeasonalBaselineDetector {
    /// What became of a reading given to `take`: readings do not always come in time order, nor
    /// once each.
    public enum Arrival: Sendable {
        /// In time order: scored and learned (`process`).
        case inOrder(AnomalyScore)
        /// Earlier than the sensor's newest reading, at `newest`: checked for its range only,
        /// learned from nothing (see `isLate`).
        case late(AnomalyScore, newest: Int64)
        /// The newest reading again, the same value at the same time: absorbed, not scored (see
        /// `absorbRepeat`).
        case repeated
        /// Earlier than the newest reading, at `stampedAhead`, but later than the one before it:
        /// the newest was stamped ahead of time (a device's clock glitch), so the sensor's clock
        /// returns to the reading before it and this one is in order, scored and learned (see
        /// `newestWasStampedAhead`).
        case clockRestored(AnomalyScore, stampedAhead: Int64)

        /// The reading's score; none for a repeat.
        public var score: AnomalyScore {
            switch self {
            case .inOrder(let score), .late(let score, _), .clockRestored(let score, _): score
            case .repeated: AnomalyScore(score: 0)
            }
        }

        /// Whether the device's incident tracker is to see the reading: one in order, which
        /// teaches it the sensor's evidence; a late one only when it is a finding (a late value
        /// teaches the device nothing either); a repeat never.
        public var concernsDevice: Bool {
            switch self {
            case .inOrder, .clockRestored: true
            case .late(let score, _): score.score > 0
            case .repeated: false
            }
        }
    }

    /// Takes a reading as it arrives: absorbs a repeat of the newest one, judges a late one by
    /// its range, and scores and learns from any other.
    public mutating func take(_ reading: Reading) -> Arrival {
        take(time: reading.time, value: reading.value, quality: reading.quality)
    }

    /// `take` with the fields of a `Reading`.
    public mutating func take(time: Int64, value: Double, quality: Quality = .good) -> Arrival {
        if absorbRepeat(time: time, value: value, quality: quality) { return .repeated }
        let newest = lastTime
        if newestWasStampedAhead(before: time) {
            return .clockRestored(process(time: time, value: value, quality: quality), stampedAhead: newest)
        }
        guard isLate(time) else { return .inOrder(process(time: time, value: value, quality: quality)) }
        return .late(process(time: time, value: value, quality: quality), newest: newest)
    }

    /// Whether the newest reading was stamped ahead of time, seen at a reading at `time`: the
    /// newest came after a gap, and this one is earlier than it but later than the reading
    /// before it. A device whose clock glitches (seconds read as milliseconds, a clock that jumps
    /// a year ahead and is corrected) sends one reading far in the future, then its readings go
    /// on from where they were; without this they were late, checked for their range only, for
    /// `clockStepReadings` readings until the clock followed them. The gap the stamped reading
    /// opened was already reported when it came: only hindsight tells it from an outage.
    /// A device's backlog delivered after an outage's first reading is taken in order the same
    /// way, which is where its readings belong.
    func newestWasStampedAhead(before time: Int64) -> Bool {
        newestAfterGap && isLate(time) && time > previousTime
    }

    /// Moves the sensor's clock to a new newest reading at `time`.
    mutating func setClock(_ time: Int64) {
        previousTime = lastTime
        lastTime = time
    }

    /// Whether a reading at `time` is late: earlier than the newest reading of the sensor (a
    /// payload queued by a device or a broker and delivered after newer ones, one repeated).
    /// `process` judges it by its range only and learns nothing from it.
    func isLate(_ time: Int64) -> Bool {
        hasLast && time < lastTime
    }

    /// Absorbs a reading that repeats the newest one, the same value at the same time: a message
    /// delivered twice (MQTT's at-least-once delivery after a reconnection, a broker's retained
    /// message sent again on a new subscription). It carries no news; scored, six of them in a
    /// row were a stuck run, and each taught the detector a reading interval of zero. Returns
    /// whether it was absorbed. After `repeatLimit` repeats in a row they are scored again: a
    /// device that keeps sending its last message has hung, and the stuck check reports it.
    mutating func absorbRepeat(time: Int64, value: Double, quality: Quality = .good) -> Bool {
        guard hasLast, time == lastTime, value == lastValue, !quality.isBad else {
            repeatRun = 0
            return false
        }
        if repeatRun < .max { repeatRun += 1 }
        return repeatRun <= Self.repeatLimit
    }

    /// Repeats of the newest reading in a row that are absorbed: more than a broker redelivers.
    static let repeatLimit: UInt8 = 10
}
