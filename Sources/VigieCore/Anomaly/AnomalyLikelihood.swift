import Glibc

/// How unlikely the recent prediction errors of one sensor are, given that sensor's own history
/// of errors (in the spirit of Numenta's anomaly likelihood).
///
/// It keeps the running mean and variance of a short moving average of the raw error scores
/// (exponentially weighted, about `horizon` readings), and rates the current average by its
/// Gaussian upper tail. The result is a surprise in nats, −ln(tail probability): 11.5 is a tail
/// probability of 1e-5 (see `Surprise`). Because each sensor is measured against its own
/// error distribution, one threshold fits noisy and quiet sensors alike.
struct AnomalyLikelihood: Sendable, Hashable {
    /// Weight of the newest raw score in the short average (about 1/alpha readings).
    private let shortAlpha: Double
    private let horizon: Double
    private var shortMean = 0.0
    private var mean = 0.0
    private var variance = 0.0
    private var count = 0.0

    init(shortWindow: Double, horizon: Double) {
        shortAlpha = 1 / shortWindow
        self.horizon = horizon
    }

    /// Feeds one raw error score in [0, 1]; returns the surprise of the recent errors, in nats.
    mutating func update(raw: Double) -> Double {
        shortMean += shortAlpha * (raw - shortMean)
        let deviation = max(variance.squareRoot(), Self.minimumDeviation)
        let z = (shortMean - mean) / deviation
        let surprise = count < 2 ? 0 : Surprise.gaussianTail(z: z)
        count += 1
        let alpha = 1 / min(count, horizon)
        let delta = shortMean - mean
        mean += alpha * delta
        variance = (1 - alpha) * (variance + alpha * delta * delta)
        return surprise
    }

    /// Deviations below this are noise of a nearly perfect prediction, not information.
    static let minimumDeviation = 0.02
}
