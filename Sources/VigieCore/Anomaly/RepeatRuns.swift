import Glibc

/// How long a sensor's value usually stays exactly the same, and how surprising the current
/// run of repeated values is: the model behind the `stuck` check.
///
/// A run is a sequence of readings equal to the one before. The model has two parts, both
/// learned per sensor:
/// - how often a run starts: the share of readings (outside a run) that repeat the previous
///   value, a running mean with a prior of one half, then exponentially weighted;
/// - how long runs last: the probability q that a run goes on one more reading, from the runs
///   the sensor has completed (exponentially weighted counts, with a prior of one run that
///   ended at once), and the longest completed run.
///
/// The surprise of a run of r repeats is −ln P(start) − ln P(the run reaches r). The second
/// term is geometric, (r − 1)·(−ln q), but never more than ln(runs seen + 1) up to the longest
/// run the sensor has completed: a run no longer than one it has already made is at most as
/// rare as one run in all those seen (heavy-tailed rests, such as a counter at zero at night
/// or a feed that goes quiet, are not stuck). Past the longest run, each reading adds −ln q.
///
/// A second bound comes from how often the value changes at all: the change rate c, a running
/// mean over every reading (the current run included, about 100 readings), makes each repeat
/// worth −ln(1 − c) nats, summed over the run as c falls. A sensor that has hardly ever
/// changed (a status register, a setpoint) makes no run surprising; one that changes at every
/// reading pays about 5 nats per repeat. The surprise is the smaller of the two.
///
/// The run model learns a run only once it is over: a run being judged does not teach the model
/// that it is normal while it lasts, so its surprise grows with every repeat. A run that was
/// reported as stuck is learned at a tenth of the weight and does not extend the longest run,
/// so a fault that comes back is reported again.
struct RepeatRuns: Sendable, Hashable {
    private var startRate = 0.5
    private var starts = 0
    private var continued = 0.0
    private var ended = 0.0
    private var longest = 0
    private var flagged = false
    private var changeRate = 0.5
    private var readings = 0
    /// −ln(1 − c) summed over the current run.
    private var changeNats = 0.0
    /// Repeats in the current run (0 when the last reading changed).
    private(set) var length = 0

    /// Weight of one new observation in the exponentially weighted rates (about 100 readings or runs).
    static let forget = 0.01
    /// Prior pseudo-counts of repeats that went on and of runs that ended.
    static let priorContinued = 0.1
    static let priorEnded = 1.0

    /// Feeds one reading: whether it repeats the previous value exactly. Returns the surprise
    /// (nats) of the current run, 0 when the value changed; a run whose surprise reaches
    /// `reportNats` counts as reported (see the type's notes).
    mutating func observe(repeats: Bool, reportNats: Double) -> Double {
        changeNats = repeats ? changeNats + Surprise.nats(probability: 1 - min(changeRate, 0.999)) : 0
        readings += 1
        changeRate += max(Self.forget, 1 / Double(readings + 1)) * ((repeats ? 0 : 1) - changeRate)
        guard repeats else {
            if length > 0 {
                complete()
            } else {
                learnStart(0)
            }
            return 0
        }
        if length == 0 { learnStart(1) }
        length += 1
        let nats = min(surprise(length), changeNats)
        if nats >= reportNats { flagged = true }
        return nats
    }

    /// The surprise (nats) of a run of `repeats` readings equal to the one before, by the run model.
    func surprise(_ repeats: Int) -> Double {
        let start = Surprise.nats(probability: min(max(startRate, 0.001), 0.999))
        let goOn = (continued + Self.priorContinued) / (continued + ended + Self.priorContinued + Self.priorEnded)
        let step = Surprise.nats(probability: goOn)
        let geometric = Double(repeats - 1) * step
        let seen = log(ended + 1)
        let tail = repeats <= longest ? seen : seen + Double(repeats - longest) * step
        return start + min(geometric, tail)
    }

    private mutating func learnStart(_ observed: Double) {
        starts += 1
        let alpha = max(Self.forget, 1 / Double(starts + 1))
        startRate += alpha * (observed - startRate)
    }

    private mutating func complete() {
        let weight = flagged ? 0.1 : 1
        let keep = 1 - Self.forget * weight
        continued = continued * keep + weight * Double(length - 1)
        ended = ended * keep + weight
        if !flagged { longest = max(longest, length) }
        length = 0
        flagged = false
    }
}
