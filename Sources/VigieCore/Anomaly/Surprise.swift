import Glibc

/// Surprise in nats, −ln(p) of an event of probability p, and its map to a score in [0, 1].
///
/// Every check of a detector yields a surprise, so they compare on one scale:
/// score = nats / (nats + 11.5), i.e. 0.5 for a one-in-100 000 event (p = 1e-5), 0.67 for
/// p = 1e-10, 0.8 for p = 1e-20; it never saturates, so stronger evidence always ranks higher.
enum Surprise {
    static let halfScoreNats = 11.5

    /// −ln(p), with p clamped to (0, 1].
    static func nats(probability: Double) -> Double {
        -log(min(1, max(probability, 1e-300)))
    }

    /// The score in [0, 1) of a surprise in nats.
    static func score(nats: Double) -> Double {
        nats <= 0 ? 0 : nats / (nats + halfScoreNats)
    }

    /// The surprise in nats whose score is `score` (the inverse of `score(nats:)`), for a score in [0, 1).
    static func nats(score: Double) -> Double {
        let clamped = min(max(score, 0), 0.999_999)
        return halfScoreNats * clamped / (1 - clamped)
    }

    /// The surprise in nats of a standard normal variable at least `z` (0 below the mean).
    static func gaussianTail(z: Double) -> Double {
        guard z > 0 else { return 0 }
        if z < 8 { return -log(0.5 * erfc(z / 2.0.squareRoot())) }
        // Mills ratio: ln Q(z) ≈ −z²/2 − ln(z √(2π)).
        return z * z / 2 + log(z * 2.506_628_274_631)
    }
}
