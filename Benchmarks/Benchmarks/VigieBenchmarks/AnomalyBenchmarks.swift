import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import VigieCore

/// The `detect` stage: `SeasonalBaselineDetector.process` per reading, replaying the Numenta
/// Anomaly Benchmark series (NAB, the CSV files under `../shared/data/nab/data` or
/// `$VIGIE_NAB_DATA`, at 5-minute steps) when they are found, else a synthetic daily series with noise, spikes and a stuck run. Also reports the detector's
/// state size per sensor (`MemoryLayout`, no heap). Targets (issue 11): ≤ 1 µs per reading
/// (checked on the best sample) and ≤ 4 KB per sensor; the run reports an error when one is missed.
enum AnomalyBenchmarks {
    static let stateMetric = BenchmarkMetric.custom("state bytes per sensor", polarity: .prefersSmaller, useScalingFactor: false)

    /// A series of one sensor: (time in ms, value).
    typealias Series = [(Int64, Double)]

    /// Replays the series one reading per inner iteration, one detector per series.
    final class Replay {
        let series: [Series]
        var seriesIndex = 0
        var readingIndex = 0
        var detector = SeasonalBaselineDetector()

        init(series: [Series]) { self.series = series }

        /// The fastest sample so far, in nanoseconds per reading.
        private(set) var bestNanosecondsPerReading = Int.max

        func record(_ elapsed: Duration, readings: Int) {
            let (seconds, attoseconds) = elapsed.components
            let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            bestNanosecondsPerReading = min(bestNanosecondsPerReading, nanoseconds / max(1, readings))
        }

        func next() -> AnomalyScore {
            if readingIndex == series[seriesIndex].count {
                readingIndex = 0
                seriesIndex = (seriesIndex + 1) % series.count
                detector = SeasonalBaselineDetector()
            }
            let (time, value) = series[seriesIndex][readingIndex]
            readingIndex += 1
            return detector.process(time: time, value: value)
        }
    }

    /// A stage target the run missed.
    struct TargetMissed: Error, CustomStringConvertible {
        var description: String
    }

    static func register() {
        let replay = Replay(series: loadSeries())
        Benchmark("Anomaly detector per reading",
                  configuration: StageConfiguration.micro(scaling: .kilo, metrics: [stateMetric])) { benchmark in
            let start = ContinuousClock.now
            for _ in benchmark.scaledIterations {
                blackHole(replay.next())
            }
            replay.record(ContinuousClock.now - start, readings: benchmark.scaledIterations.count)
            benchmark.measurement(stateMetric, MemoryLayout<SeasonalBaselineDetector>.size)
        } teardown: {
            // The targets: the best sample (least disturbed by the shared machine) and the exact size.
            if replay.bestNanosecondsPerReading > targetNanosecondsPerReading {
                throw TargetMissed(description: "the detector took \(replay.bestNanosecondsPerReading) ns per reading "
                                   + "in its best sample, over the \(targetNanosecondsPerReading) ns target")
            }
            if MemoryLayout<SeasonalBaselineDetector>.size > targetStateBytes {
                throw TargetMissed(description: "the detector state is \(MemoryLayout<SeasonalBaselineDetector>.size) bytes, "
                                   + "over the \(targetStateBytes)-byte target")
            }
        }
    }

    /// The device layer alone (`DeviceIncidentTracker.observe`: corroboration and the per-sensor
    /// mean-shift evidence), per reading of a device of 8 sensors with noise and a shift every
    /// 2 000 readings, the per-sensor scores normal. Its cost adds to the detector's.
    static func registerDevice() {
        let device = DeviceReplay()
        Benchmark("Anomaly device layer per reading", configuration: StageConfiguration.micro(scaling: .kilo)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(device.next())
            }
        }
    }

    /// Readings of one device of 8 sensors, fed to its `DeviceIncidentTracker`.
    final class DeviceReplay {
        let sensors = (0..<8).map { SensorID(device: "pompe", point: "capteur-\($0)") }
        var tracker = DeviceIncidentTracker(sensitivity: .medium)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var row = 0

        func next() -> AnomalyEventAction? {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Double(state >> 11) / Double(1 << 53) - 0.5
            let shift = (row / 8) % 2_000 > 1_700 ? 1.0 : 0
            let reading = Reading(sensor: sensors[row % 8], time: Int64(row / 8) * 1_000, value: 20 + noise + shift)
            row += 1
            return tracker.observe(reading, .normal)
        }
    }

    static let targetNanosecondsPerReading = 1_000
    static let targetStateBytes = 4_096

    /// NAB series from `$VIGIE_NAB_DATA` or `../shared/data/nab/data` beside the clone, else a synthetic one.
    static func loadSeries() -> [Series] {
        let directory = getenv("VIGIE_NAB_DATA").map { String(cString: $0) }
            ?? BenchmarkFixtures.repositoryRoot + "/../shared/data/nab/data"
        let files = BenchmarkFixtures.subdirectories(of: directory).flatMap(BenchmarkFixtures.csvFiles(in:))
        let series = files.map(nabSeries(atPath:)).filter { !$0.isEmpty }
        return series.isEmpty ? [syntheticSeries()] : series
    }

    /// A NAB CSV (`timestamp,value`): the values, at 5-minute steps as in the old bench script.
    static func nabSeries(atPath path: String) -> Series {
        let text = String(decoding: BenchmarkFixtures.bytes(atPath: path), as: UTF8.self)
        var rows: Series = []
        for (index, line) in text.split(separator: "\n").enumerated() where index > 0 {
            guard let comma = line.lastIndex(of: ","), let value = Double(line[line.index(after: comma)...]) else { continue }
            rows.append((Int64(index) * 300_000, value))
        }
        return rows
    }

    /// Two weeks at 1-minute steps: a daily cycle, deterministic noise, a spike a day, a stuck hour.
    static func syntheticSeries() -> Series {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var rows: Series = []
        for minute in 0..<(14 * 1_440) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Double(state >> 11) / Double(1 << 53) - 0.5
            var value = 20 + 5 * sin(Double(minute % 1_440) / 1_440 * 2 * .pi) + noise
            if minute % 1_440 == 700 { value += 40 }
            if (10_000..<10_060).contains(minute) { value = 21.3 }
            rows.append((Int64(minute) * 60_000, value))
        }
        return rows
    }
}
