import Glibc
@testable import VigieCore

/// Deterministic synthetic series for the detector tests: a daily cycle plus noise.
struct AnomalyTestSeries {
    static let start: Int64 = 1_700_000_000_000
    static let step: Int64 = 300_000

    /// A linear congruential generator, so every run sees the same noise.
    struct Noise {
        var state: UInt64 = 42
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
    }

    /// `count` readings every 5 minutes: 20 ± 5 over the day, noise ±0.5.
    static func seasonal(count: Int) -> [(time: Int64, value: Double)] {
        var noise = Noise()
        return (0..<count).map { i in
            let time = start + Int64(i) * step
            let phase = Double(i % 288) / 288 * 2 * Double.pi
            return (time, 20 + 5 * sin(phase) + noise.next())
        }
    }

    /// Every field of a score, bit for bit (NaN expected ranges compare equal).
    static func fingerprint(_ score: AnomalyScore) -> [UInt64] {
        [score.score.bitPattern, score.severity.bitPattern, UInt64(score.reasons.rawValue),
         score.expectedLow.bitPattern, score.expectedHigh.bitPattern]
    }

    /// Scores a series; returns (score, severity, reasons) per reading.
    static func scores(_ series: [(time: Int64, value: Double)], settings: AnomalyDetectorSettings = .init(),
                       quality: (Int) -> Quality = { _ in .good }) -> [AnomalyScore] {
        var detector = SeasonalBaselineDetector(settings: settings)
        return series.enumerated().map { i, point in
            detector.process(time: point.time, value: point.value, quality: quality(i))
        }
    }
}
